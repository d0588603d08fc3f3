package dev.imagecatalog.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code WWW-Authenticate} challenge (RFC 7235): scheme plus auth-params in any order, values quoted
 * (with commas and escaped quotes inside) or bare tokens.
 *
 * @param scheme lower-case scheme, e.g. {@code bearer} or {@code basic}
 * @param params parameters with lower-case names, e.g. {@code realm}, {@code service}, {@code scope}
 */
public record AuthChallenge(String scheme, Map<String, String> params) {

    /** Parses the header; empty when absent or without a scheme. */
    public static Optional<AuthChallenge> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String s = header.strip();
        int space = s.indexOf(' ');
        String scheme = (space < 0 ? s : s.substring(0, space)).toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? s.length() : space + 1;
        while (i < s.length()) {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == ',')) {
                i++;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = s.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < s.length() && s.charAt(i) == '"') {
                i++;
                while (i < s.length() && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                        i++;
                    }
                    value.append(s.charAt(i++));
                }
                i++;
            } else {
                while (i < s.length() && s.charAt(i) != ',') {
                    value.append(s.charAt(i++));
                }
            }
            params.put(name, value.toString().strip());
        }
        return Optional.of(new AuthChallenge(scheme, Map.copyOf(params)));
    }

    /** Whether this is a Bearer challenge with a realm. */
    public boolean isBearer() {
        return "bearer".equals(scheme) && params.containsKey("realm");
    }

    /** Parameter value or {@code null}. */
    public String param(String name) {
        return params.get(name);
    }
}
