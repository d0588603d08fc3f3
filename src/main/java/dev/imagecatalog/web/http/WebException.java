package dev.imagecatalog.web.http;

import io.helidon.http.Status;

/** A request the web layer refuses itself (bad input, unknown page), with the status and a reason to show. */
public final class WebException extends RuntimeException {

    private final Status status;

    private WebException(Status status, String message) {
        super(message);
        this.status = status;
    }

    /** 400 with the reason. */
    public static WebException badRequest(String message) {
        return new WebException(Status.BAD_REQUEST_400, message);
    }

    /** 403 with the reason. */
    public static WebException forbidden(String message) {
        return new WebException(Status.FORBIDDEN_403, message);
    }

    /** 415 with the reason. */
    public static WebException unsupportedMediaType(String message) {
        return new WebException(Status.UNSUPPORTED_MEDIA_TYPE_415, message);
    }

    /** 414 with the reason. */
    public static WebException uriTooLong(String message) {
        return new WebException(Status.REQUEST_URI_TOO_LONG_414, message);
    }

    /** 421: the request addressed a host name this service does not answer to. */
    public static WebException misdirected(String message) {
        return new WebException(Status.MISDIRECTED_REQUEST_421, message);
    }

    /**
     * 413: the answer would be larger than this service serves (an attached document over its download cap) — the
     * limit is ours, so no 502; the reason names the way around it.
     */
    public static WebException tooLarge(String message) {
        return new WebException(Status.REQUEST_ENTITY_TOO_LARGE_413, message);
    }

    /** 404 with the reason. */
    public static WebException notFound(String message) {
        return new WebException(Status.NOT_FOUND_404, message);
    }

    /** The status to answer with. */
    public Status status() {
        return status;
    }
}
