package dev.imagecatalog.registry;

/**
 * What a Helm chart's config blob ({@code application/vnd.cncf.helm.config.v1+json}, the chart's
 * {@code Chart.yaml} as JSON) says about it. {@code helm pull … --version} needs {@link #version()}, which need not be
 * the tag.
 *
 * @param name        chart name
 * @param version     chart version (SemVer), {@code null} when absent
 * @param appVersion  version of the application it deploys, {@code null} when absent
 * @param description one-line description, {@code null} when absent; cut at {@link #MAX_TEXT} characters
 */
public record ChartConfig(String name, String version, String appVersion, String description) {

    /**
     * Largest chart config read: a Chart.yaml is a few hundred bytes (dependencies and maintainers included, a few
     * KiB); the registry's config limit is for image configs, which can be megabytes.
     */
    public static final int MAX_BYTES = 64 * 1024;
    /** Longest text kept of any field (a description can be a paragraph). */
    public static final int MAX_TEXT = 500;
}
