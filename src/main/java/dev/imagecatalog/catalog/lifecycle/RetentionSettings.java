package dev.imagecatalog.catalog.lifecycle;

import java.time.Duration;
import java.util.List;

/**
 * Retention: the rules ({@code retention.rules}), the optional schedule ({@code retention.schedule}) and the
 * Lease that elects the one replica applying it.
 *
 * @param rules          rules in order; a repository is governed by the first rule whose glob matches it, and a
 *                       repository no rule matches is left alone
 * @param schedule       how often the elected replica applies the plan; {@code null} for never (the default)
 * @param leaseName      the {@code coordination.k8s.io} Lease the replicas compete for
 * @param leaseNamespace where that Lease lives (the release namespace)
 * @param deletesEnabled {@code registry.delete.enabled}: without it nothing is ever applied
 */
public record RetentionSettings(List<RetentionRule> rules, Duration schedule, String leaseName, String leaseNamespace,
                                boolean deletesEnabled) {

    /** The Lease's default name. */
    public static final String DEFAULT_LEASE_NAME = "image-catalog-retention";

    /** Copies the rules; checks the schedule. */
    public RetentionSettings {
        rules = List.copyOf(rules);
        if (schedule != null && (schedule.isNegative() || schedule.isZero())) {
            schedule = null;
        }
        if (schedule != null && schedule.toMinutes() < 1) {
            throw new IllegalArgumentException("retention.schedule must be at least PT1M, got " + schedule);
        }
    }

    /** No rules, no schedule, deletes off. */
    public static RetentionSettings none() {
        return new RetentionSettings(List.of(), null, DEFAULT_LEASE_NAME, "default", false);
    }

    /** The first rule governing the repository, or {@code null}. */
    public RetentionRule ruleFor(String repository) {
        for (RetentionRule rule : rules) {
            if (rule.governs(repository)) {
                return rule;
            }
        }
        return null;
    }
}
