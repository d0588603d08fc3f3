package dev.imagecatalog.runner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.registry.Digests;

/**
 * The launch request's field checks (README "Security model": launch input limits), all of them before anything is
 * sent anywhere; every fault is reported at once, keyed by the API's field name.
 */
final class LaunchValidation {

    // Distribution's repository-name grammar: lower-case path components separated by '/'.
    private static final Pattern REPOSITORY =
            Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern C_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> RESTART_POLICIES = Set.of("Never", "OnFailure", "Always");
    // Launch input limits: generous for real use, small enough that no single request can make a pod spec the API
    // server refuses (~1.5 MB) or blow up memory. The 1 MiB body cap bounds the total.
    /** Items of {@code command}, and of {@code args}. */
    static final int MAX_ITEMS = 64;
    /** Characters of one command or args item (a whole {@code sh -c} script fits). */
    static final int MAX_ITEM = 16 * 1024;
    /** Environment variables. */
    static final int MAX_ENV = 128;
    /** Characters of an environment variable name (the longest name Kubernetes itself accepts is a DNS name). */
    static final int MAX_ENV_NAME = 253;
    /** Characters of an environment variable value. */
    static final int MAX_ENV_VALUE = 32 * 1024;
    static final int MAX_REPOSITORY = 255;
    static final int MAX_TAG = 128;
    private static final int MAX_DIGEST = 7 + 128;
    private static final int MAX_DNS_NAME = 253;
    static final int MAX_QUANTITY = 64;

    private LaunchValidation() {
    }

    /**
     * Checks every field and reports every fault at once (field → reason, in request order), so a form can show
     * each next to its field; nothing is sent anywhere before all of them pass.
     */
    static void validateShape(LaunchRequest r) {
        Map<String, String> errors = new LinkedHashMap<>();
        // lengths first: the messages quote the value, and the patterns should never see megabytes
        check(errors, "repository", () -> {
            checkLength("repository", r.repository(), MAX_REPOSITORY);
            if (blank(r.repository())) {
                throw new LaunchException("repository is required");
            }
            if (!REPOSITORY.matcher(r.repository()).matches()) {
                throw new LaunchException("\"" + r.repository() + "\" is not a valid repository name");
            }
        });
        check(errors, "tag", () -> {
            checkLength("tag", r.tag(), MAX_TAG);
            checkLength("digest", r.digest(), MAX_DIGEST);
            if (blank(r.tag()) == blank(r.digest())) {
                throw new LaunchException("give exactly one of tag and digest");
            }
            if (!blank(r.tag()) && !TAG.matcher(r.tag()).matches()) {
                throw new LaunchException("\"" + r.tag() + "\" is not a valid tag");
            }
        });
        check(errors, "digest", () -> {
            if (!blank(r.digest()) && r.digest().length() <= MAX_DIGEST && !Digests.isValid(r.digest())) {
                throw new LaunchException("\"" + r.digest() + "\" is not a valid digest (sha256:<64 hex> or "
                                          + "sha512:<128 hex>)");
            }
        });
        check(errors, "node", () -> {
            checkLength("node", r.node(), MAX_DNS_NAME);
            if (blank(r.node())) {
                throw new LaunchException("node is required");
            }
        });
        check(errors, "restartPolicy", () -> {
            checkLength("restartPolicy", r.restartPolicy(), MAX_TAG);
            if (r.restartPolicy() != null && !r.restartPolicy().isBlank()
                && !RESTART_POLICIES.contains(r.restartPolicy())) {
                throw new LaunchException("restart policy \"" + r.restartPolicy()
                                          + "\" must be Never, OnFailure or Always");
            }
        });
        check(errors, "command", () -> checkItems("command", r.command()));
        check(errors, "args", () -> checkItems("args", r.args()));
        check(errors, "env", () -> checkEnv(r.env()));
        Resources res = r.resources();
        check(errors, "resources.cpuRequest", () -> checkQuantity("resources.cpuRequest", "cpu request", res.cpuRequest()));
        check(errors, "resources.cpuLimit", () -> checkQuantity("resources.cpuLimit", "cpu limit", res.cpuLimit()));
        check(errors, "resources.memoryRequest", () -> checkQuantity("resources.memoryRequest", "memory request", res.memoryRequest()));
        check(errors, "resources.memoryLimit", () -> checkQuantity("resources.memoryLimit", "memory limit", res.memoryLimit()));
        if (!errors.containsKey("resources.cpuRequest") && !errors.containsKey("resources.cpuLimit")) {
            check(errors, "resources.cpuRequest", () -> checkPair("cpu", res.cpuRequest(), res.cpuLimit()));
        }
        if (!errors.containsKey("resources.memoryRequest") && !errors.containsKey("resources.memoryLimit")) {
            check(errors, "resources.memoryRequest", () -> checkPair("memory", res.memoryRequest(), res.memoryLimit()));
        }
        if (errors.size() == 1) {
            throw new LaunchException(errors.values().iterator().next(), errors);
        }
        if (!errors.isEmpty()) {
            throw new LaunchException(errors.size() + " fields are not valid: " + String.join("; ", errors.values()),
                                      errors);
        }
    }

    private static void check(Map<String, String> errors, String field, Runnable check) {
        try {
            check.run();
        } catch (LaunchException e) {
            errors.putIfAbsent(field, e.getMessage());
        }
    }

    private static void checkQuantity(String field, String what, String value) {
        checkLength(field, value, MAX_QUANTITY);
        if (value != null) {
            Quantities.parse(what, value);
        }
    }

    private static void checkEnv(Map<String, String> env) {
        if (env.size() > MAX_ENV) {
            throw new LaunchException("env: at most " + MAX_ENV + " environment variables, got " + env.size());
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (name != null && name.length() > MAX_ENV_NAME) {
                throw new LaunchException("env: a variable name is " + name.length() + " characters long, at most "
                                          + MAX_ENV_NAME + " (\"" + name.substring(0, 40) + "…\")");
            }
            if (name == null || !C_IDENTIFIER.matcher(name).matches()) {
                throw new LaunchException("environment variable name \"" + name
                                          + "\" must be a C identifier ([A-Za-z_][A-Za-z0-9_]*)");
            }
            String value = e.getValue();
            if (value != null && value.length() > MAX_ENV_VALUE) {
                throw new LaunchException("env: the value of " + name + " is " + value.length()
                                          + " characters long, at most " + MAX_ENV_VALUE);
            }
            if (value != null && value.indexOf('\0') >= 0) {
                throw new LaunchException("environment variable " + name + " contains a NUL character");
            }
        }
    }

    /** A single-line field longer than any valid value: refused without quoting it back. */
    static void checkLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new LaunchException(field + " is " + value.length() + " characters long, at most " + max);
        }
    }

    private static void checkItems(String what, List<String> items) {
        if (items.size() > MAX_ITEMS) {
            throw new LaunchException(what + ": at most " + MAX_ITEMS + " items, got " + items.size());
        }
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
            if (item == null || item.indexOf('\0') >= 0) {
                throw new LaunchException(what + " items must be text without NUL characters");
            }
            if (item.length() > MAX_ITEM) {
                throw new LaunchException(what + "[" + i + "] is " + item.length() + " characters long, at most "
                                          + MAX_ITEM);
            }
        }
    }

    static void checkPair(String resource, String request, String limit) {
        var req = request == null ? null : Quantities.parse(resource + " request", request);
        var lim = limit == null ? null : Quantities.parse(resource + " limit", limit);
        if (req != null && lim != null && req.compareTo(lim) > 0) {
            throw new LaunchException(resource + " request " + request + " is larger than its limit " + limit);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
