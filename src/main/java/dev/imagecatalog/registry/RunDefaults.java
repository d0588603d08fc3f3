package dev.imagecatalog.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an image runs by default, from its config blob ({@code config.*}): kept parsed and small, one per config
 * digest, because the Run form starts from it and the run page compares a run against it.
 *
 * @param entrypoint   {@code Entrypoint}, empty when unset
 * @param cmd          {@code Cmd}, empty when unset
 * @param env          {@code Env} as {@code NAME=value} lines, in config order
 * @param exposedPorts {@code ExposedPorts} keys, e.g. {@code 8080/tcp}, sorted
 * @param user         {@code User}, {@code null} when unset (the runtime then runs as root)
 * @param workingDir   {@code WorkingDir}, {@code null} when unset
 * @param stopSignal   {@code StopSignal}, {@code null} when unset (SIGTERM)
 */
public record RunDefaults(List<String> entrypoint, List<String> cmd, List<String> env, List<String> exposedPorts,
                          String user, String workingDir, String stopSignal) {

    /** An image config that sets nothing. */
    public static final RunDefaults NONE = new RunDefaults(List.of(), List.of(), List.of(), List.of(), null, null, null);

    /** Defensive copies. */
    public RunDefaults {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        exposedPorts = List.copyOf(exposedPorts);
    }

    /** {@code Env} as name → value (a line without {@code =} is a name with an empty value). */
    public Map<String, String> envMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : env) {
            int eq = line.indexOf('=');
            map.put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? "" : line.substring(eq + 1));
        }
        return map;
    }

    /** Rough retained bytes (for the weight-bounded config cache). */
    public long weight() {
        long bytes = 96;
        for (List<String> list : List.of(entrypoint, cmd, env, exposedPorts)) {
            for (String s : list) {
                bytes += 48 + s.length();
            }
        }
        return bytes + (user == null ? 0 : user.length()) + (workingDir == null ? 0 : workingDir.length())
               + (stopSignal == null ? 0 : stopSignal.length());
    }
}
