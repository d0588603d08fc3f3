package dev.imagecatalog.catalog.lifecycle;

/** The plan to apply is not the one the caller saw (the API's 409): nothing was deleted; the new plan goes back. */
public final class PlanChangedException extends RuntimeException {

    private final transient RetentionPlan current;

    /**
     * @param message why
     * @param current the plan as it is now
     */
    public PlanChangedException(String message, RetentionPlan current) {
        super(message);
        this.current = current;
    }

    /** The plan as it is now. */
    public RetentionPlan current() {
        return current;
    }
}
