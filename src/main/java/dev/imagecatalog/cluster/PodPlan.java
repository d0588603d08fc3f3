package dev.imagecatalog.cluster;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exactly the pod to create for a run; the adapter translates it field by field and adds the fixed security
 * settings (no service account token, no privilege escalation, no host namespaces or volumes).
 *
 * @param name          pod name (DNS-1123 label, at most 63 characters)
 * @param namespace     namespace to create it in
 * @param image         full image reference, by digest ({@code <pull-host>/<repository>@sha256:…})
 * @param node          value for the {@code kubernetes.io/hostname} nodeSelector
 * @param labels        pod labels (managed-by plus label-safe repository/tag)
 * @param annotations   pod annotations (full repository, tag and digest)
 * @param tolerations   taints of the chosen node to tolerate (toleration per taint: key, value, effect)
 * @param command       container command (entrypoint override), empty for the image's own
 * @param args          container args, empty for the image's own
 * @param env           environment variables, in the order given
 * @param restartPolicy {@code Never}, {@code OnFailure} or {@code Always}
 * @param resources     requests and limits
 * @param runAsNonRoot  whether the container must run as a non-root user ({@code runs.pod-security=restricted})
 */
public record PodPlan(String name,
                      String namespace,
                      String image,
                      String node,
                      Map<String, String> labels,
                      Map<String, String> annotations,
                      List<Taint> tolerations,
                      List<String> command,
                      List<String> args,
                      Map<String, String> env,
                      String restartPolicy,
                      Resources resources,
                      boolean runAsNonRoot) {

    /** Label every pod of ours carries; runs are listed and deleted by it. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** Value of {@link #MANAGED_BY}. */
    public static final String MANAGER = "catalog";
    /** Label and annotation key of the repository (label value sanitized, annotation value exact). */
    public static final String REPOSITORY = "imagecatalog.dev/repository";
    /** Label and annotation key of the tag (label value sanitized, annotation value exact). */
    public static final String TAG = "imagecatalog.dev/tag";
    /** Annotation key of the digest the user chose (the tag's digest: an index or a single image). */
    public static final String DIGEST = "imagecatalog.dev/digest";
    /** Annotation key of the user who launched the run (as the TokenReview or the proxy named them). */
    public static final String LAUNCHED_BY = "imagecatalog.dev/launched-by";
    /** Label selector of our pods. */
    public static final String SELECTOR = MANAGED_BY + "=" + MANAGER;

    /** Copies; env keeps its order. */
    public PodPlan {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        tolerations = List.copyOf(tolerations);
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /** The same plan under another name (for a retry after a name collision). */
    public PodPlan withName(String newName) {
        return new PodPlan(newName, namespace, image, node, labels, annotations, tolerations, command, args, env,
                           restartPolicy, resources, runAsNonRoot);
    }
}
