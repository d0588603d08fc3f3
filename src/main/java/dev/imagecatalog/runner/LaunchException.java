package dev.imagecatalog.runner;

import java.util.Map;

/**
 * The launch request is invalid (HTTP 400); the message says why. Nothing was created. When the fault lies in
 * fields of the request, {@link #fields()} names each with its reason (the API answers them all at once, the form
 * shows each next to its field).
 */
public final class LaunchException extends RuntimeException {

    private final transient Map<String, String> fields;

    /**
     * @param message a sentence a person understands, e.g. {@code node "w2" is NotReady}
     */
    public LaunchException(String message) {
        this(message, Map.of());
    }

    /**
     * @param message a sentence summing up the faults
     * @param fields  field (as the API names it, e.g. {@code resources.cpuRequest}) → reason, in request order
     */
    public LaunchException(String message, Map<String, String> fields) {
        super(message);
        this.fields = Map.copyOf(fields);
    }

    /** One bad field. */
    public static LaunchException field(String field, String reason) {
        return new LaunchException(reason, Map.of(field, reason));
    }

    /** Bad field → reason; empty when the fault is not in one field. */
    public Map<String, String> fields() {
        return fields;
    }
}
