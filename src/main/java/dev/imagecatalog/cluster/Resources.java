package dev.imagecatalog.cluster;

/**
 * CPU and memory requests and limits of a run's container, in Kubernetes quantity syntax; {@code null} means unset.
 *
 * @param cpuRequest    e.g. {@code 100m}
 * @param cpuLimit      e.g. {@code 1}
 * @param memoryRequest e.g. {@code 64Mi}
 * @param memoryLimit   e.g. {@code 256Mi}
 */
public record Resources(String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit) {

    /** No requests, no limits. */
    public static final Resources NONE = new Resources(null, null, null, null);

    /** Whether nothing is set. */
    public boolean isEmpty() {
        return cpuRequest == null && cpuLimit == null && memoryRequest == null && memoryLimit == null;
    }
}
