package dev.imagecatalog.cluster;

import java.util.List;
import java.util.Map;

/**
 * One run with what the run page shows besides the summary: the launch options read back from the pod, and events.
 *
 * @param run           the summary
 * @param command       container command, empty if the image's own
 * @param args          container args, empty if the image's own
 * @param env           plain environment variables, in pod order
 * @param restartPolicy the pod's restart policy
 * @param resources     requests and limits
 * @param events        the pod's events, oldest first
 * @param tolerations   the taints the pod tolerates (a toleration without a key or with {@code Exists} and no
 *                      effect is kept as given: {@link #tolerates} reads it)
 * @param ports         the container's declared ports ({@code containerPort}, TCP), in spec order
 */
public record RunDetail(Run run,
                        List<String> command,
                        List<String> args,
                        Map<String, String> env,
                        String restartPolicy,
                        Resources resources,
                        List<RunEvent> events,
                        List<Taint> tolerations,
                        List<Integer> ports) {

    /** Defensive copies. */
    public RunDetail {
        tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** A run without tolerations or declared ports. */
    public RunDetail(Run run, List<String> command, List<String> args, Map<String, String> env, String restartPolicy,
                     Resources resources, List<RunEvent> events) {
        this(run, command, args, env, restartPolicy, resources, events, List.of(), List.of());
    }

    /**
     * Whether the pod tolerates the taint: a toleration with the same effect (or none) and the same key (or none,
     * with {@code Exists}) and the same value (or none, as our {@code Exists} tolerations have), as the scheduler
     * matches them.
     */
    public boolean tolerates(Taint taint) {
        return tolerations.stream().anyMatch(t -> (t.effect() == null || t.effect().isEmpty()
                                                   || t.effect().equals(taint.effect()))
                && (t.key() == null || t.key().isEmpty() || t.key().equals(taint.key()))
                && (t.value() == null || t.value().isEmpty() || t.value().equals(taint.value())));
    }
}
