package dev.imagecatalog.web;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.registry.RegistryException;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/** Readiness: the registry answers {@code GET /v2/}. Liveness never calls it (a registry outage is not ours). */
public final class RegistryHealthCheck implements HealthCheck {

    private final Catalog catalog;

    /**
     * @param catalog the catalog whose registry is checked
     */
    public RegistryHealthCheck(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "registry";
    }

    @Override
    public HealthCheckResponse call() {
        try {
            catalog.ping();
            return HealthCheckResponse.builder().status(true).detail("state", "reachable")
                    .detail("pullHost", catalog.pullHost()).build();
        } catch (RegistryException e) {
            return HealthCheckResponse.builder().status(false)
                    .detail("state", e.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .detail("message", e.getMessage()).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.builder().status(false).detail("state", "error")
                    .detail("message", String.valueOf(e.getMessage())).build();
        }
    }
}
