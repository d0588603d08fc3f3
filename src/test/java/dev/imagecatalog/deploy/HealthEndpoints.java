package dev.imagecatalog.deploy;

/** The service's health endpoints (Helidon observe feature) the chart's probes must call. */
final class HealthEndpoints {

    /** Liveness: never touches the registry. */
    static final String LIVENESS = "/observe/health/live";
    /** Readiness: includes the registry check. */
    static final String READINESS = "/observe/health/ready";

    private HealthEndpoints() {
    }
}
