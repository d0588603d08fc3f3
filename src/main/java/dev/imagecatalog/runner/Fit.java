package dev.imagecatalog.runner;

/**
 * A run's CPU and memory requests against one node (the pre-flight's capacity check).
 *
 * @param fits       whether the requests fit into what is free now; {@code null} when unknown
 * @param everFits   whether they fit into the node's allocatable at all (false: the run would wait forever)
 * @param freeCpu    free CPU as a quantity ({@code 1500m}), {@code null} when unknown
 * @param freeMemory free memory as a quantity ({@code 300Mi}), {@code null} when unknown
 * @param message    in plain words: {@code fits (…)}, {@code does not fit: needs 512Mi, 300Mi free}…
 * @param load       the node's allocatable and what is requested of it, in numbers, so the browser can judge other
 *                   requests without asking again; {@code null} when the node reports no allocatable
 */
public record Fit(Boolean fits, boolean everFits, String freeCpu, String freeMemory, String message, NodeLoad load) {
}
