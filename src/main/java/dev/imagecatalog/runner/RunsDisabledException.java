package dev.imagecatalog.runner;

/** Runs are disabled ({@code runs.enabled=false}): the service is read-only (HTTP 403). */
public final class RunsDisabledException extends RuntimeException {

    /** With the standard message. */
    public RunsDisabledException() {
        super("runs are disabled (runs.enabled=false): this catalog is read-only");
    }

    /**
     * Saying why runs are off ({@link RunSettings#offReason()}): with no cluster configured, what is missing and how
     * to configure it; otherwise the standard message.
     */
    public RunsDisabledException(String why) {
        super(why == null || why.isBlank() || why.contains("runs.enabled=false")
              ? "runs are disabled (runs.enabled=false): this catalog is read-only" : "runs are off: " + why);
    }
}
