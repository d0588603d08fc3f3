package dev.imagecatalog.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.cluster.RunDetail;
import dev.imagecatalog.registry.RunDefaults;

/**
 * What a run changed against its image's defaults: the run page's small diff.
 *
 * @param image              what the image runs by default
 * @param commandOverridden  whether the run sets a command other than the image's entrypoint
 * @param argsOverridden     whether the run sets args other than the image's Cmd
 * @param env                environment variables the run adds or changes (the image's own, unchanged, left out)
 */
public record RunChanges(RunDefaults image, boolean commandOverridden, boolean argsOverridden, List<EnvChange> env) {

    /** Defensive copy. */
    public RunChanges {
        env = List.copyOf(env);
    }

    /**
     * One variable the run sets differently.
     *
     * @param name       variable name
     * @param imageValue the image's value, {@code null} when the run adds it
     * @param value      the run's value
     */
    public record EnvChange(String name, String imageValue, String value) {
    }

    /** Whether the run is exactly the image's default. */
    public boolean none() {
        return !commandOverridden && !argsOverridden && env.isEmpty();
    }

    /**
     * The comparison. An empty command or args means the image's own (Kubernetes semantics: a command alone drops the
     * image's Cmd too, so args then count as overridden when the image has a Cmd).
     */
    static RunChanges of(RunDefaults image, RunDetail run) {
        boolean command = !run.command().isEmpty() && !run.command().equals(image.entrypoint());
        boolean args = !run.args().isEmpty() ? !run.args().equals(image.cmd())
                : !run.command().isEmpty() && !image.cmd().isEmpty();
        Map<String, String> imageEnv = image.envMap();
        List<EnvChange> env = new ArrayList<>();
        run.env().forEach((name, value) -> {
            String before = imageEnv.get(name);
            if (!value.equals(before)) {
                env.add(new EnvChange(name, before, value));
            }
        });
        return new RunChanges(image, command, args, env);
    }
}
