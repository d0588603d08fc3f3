package dev.imagecatalog.runner;

/** Runs are disabled ({@code runs.enabled=false}): the service is read-only (HTTP 403). */
public final class RunsDisabledException extends RuntimeException {

    /** With the standard message. */
    public RunsDisabledException() {
        super("runs are disabled (runs.enabled=false): this catalog is read-only");
    }
}
