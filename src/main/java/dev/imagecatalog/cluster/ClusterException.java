package dev.imagecatalog.cluster;

/** A Kubernetes API fault, classified so pages and the API answer with the right status and a clear message. */
public final class ClusterException extends RuntimeException {

    /** What went wrong, from the caller's point of view. */
    public enum Kind {
        /** RBAC refused a call (HTTP 403 from the API): our deployment's fault, shown as is. */
        FORBIDDEN,
        /** The name is taken (HTTP 409). */
        CONFLICT,
        /** The API rejected the object (HTTP 422 / 400): the request was invalid. */
        INVALID,
        /** No such object (HTTP 404). */
        NOT_FOUND,
        /** The API server cannot be reached (connection refused, timeout, TLS, DNS). */
        UNREACHABLE,
        /** Any other answer (5xx, unparsable…). */
        FAILED
    }

    private final Kind kind;
    private final int status;
    private final String apiMessage;

    /**
     * @param kind       classification
     * @param status     HTTP status of the API's answer, 0 when there was none
     * @param message    a sentence a person understands
     * @param apiMessage the API's own message ({@code Status.message}), {@code null} if none
     * @param cause      underlying exception, may be {@code null}
     */
    public ClusterException(Kind kind, int status, String message, String apiMessage, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.apiMessage = apiMessage;
    }

    /** The classification. */
    public Kind kind() {
        return kind;
    }

    /** HTTP status the API answered, 0 if it did not answer. */
    public int status() {
        return status;
    }

    /** The API's own message, {@code null} if none. */
    public String apiMessage() {
        return apiMessage;
    }
}
