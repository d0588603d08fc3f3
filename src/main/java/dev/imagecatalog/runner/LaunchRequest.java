package dev.imagecatalog.runner;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.cluster.Resources;

/**
 * What the user asked to run ({@code POST /api/runs} body or the Run form). Nothing here is trusted:
 * {@link Runner#launch(LaunchRequest)} validates every field before creating anything.
 *
 * @param repository    repository name in the configured registry
 * @param tag           tag to run; exactly one of {@code tag} and {@code digest} must be given
 * @param digest        manifest digest to run ({@code sha256:…}) instead of a tag
 * @param node          node name to run on
 * @param command       entrypoint override, one item per element (no shell splitting); empty: the image's
 * @param args          arguments, one item per element; empty: the image's
 * @param env           environment variables (names must be C identifiers), in order
 * @param restartPolicy {@code Never} (default when null/blank), {@code OnFailure} or {@code Always}
 * @param resources     CPU/memory requests and limits in quantity syntax; {@code null} fields unset
 */
public record LaunchRequest(String repository,
                            String tag,
                            String digest,
                            String node,
                            List<String> command,
                            List<String> args,
                            Map<String, String> env,
                            String restartPolicy,
                            Resources resources) {

    /** Null lists/maps become empty; env keeps its order. */
    public LaunchRequest {
        command = command == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(command));
        args = args == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(args));
        env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
        resources = resources == null ? Resources.NONE : resources;
    }

    /** A request with only the essentials: the image's own command, no env, {@code Never}, no resources. */
    public static LaunchRequest of(String repository, String tag, String node) {
        return new LaunchRequest(repository, tag, null, node, List.of(), List.of(), Map.of(), null, Resources.NONE);
    }

    /**
     * Splits a form textarea into items, one per line (no shell splitting); blank lines are dropped, a trailing
     * {@code \r} is removed, other whitespace is kept because it may matter to the program.
     */
    public static List<String> lines(String text) {
        if (text == null) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String item = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (!item.isBlank()) {
                items.add(item);
            }
        }
        return items;
    }

    /**
     * Parses {@code NAME=value} lines of a form textarea (value may contain {@code =} and be empty).
     *
     * @throws LaunchException for a line without {@code =}
     */
    public static Map<String, String> envLines(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : lines(text)) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw LaunchException.field("env", "environment line \"" + line + "\" is not NAME=value");
            }
            env.put(line.substring(0, eq).trim(), line.substring(eq + 1));
        }
        return env;
    }
}
