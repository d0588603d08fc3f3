package dev.imagecatalog.cluster;

import java.time.Instant;

/**
 * A Kubernetes event about a run's pod.
 *
 * @param type     {@code Normal} or {@code Warning}
 * @param reason   e.g. {@code Scheduled}, {@code FailedScheduling}, {@code Pulling}, {@code BackOff}
 * @param message  the event message
 * @param source   reporting component, e.g. {@code default-scheduler} or {@code kubelet}; {@code null} if unknown
 * @param count    how often it happened (1 when the API does not say)
 * @param lastSeen latest occurrence (UTC), {@code null} if the event carries no time
 */
public record RunEvent(String type, String reason, String message, String source, int count, Instant lastSeen) {
}
