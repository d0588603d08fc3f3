package dev.imagecatalog.auth;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailedReviewLimitTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final FailedReviewLimit limit = new FailedReviewLimit(nanos::get);

    @Test
    void aBurstOfFailures_thenOneMorePerRefill_perClient() {
        for (int i = 0; i < FailedReviewLimit.BURST; i++) {
            assertThat(limit.acquire("10.0.0.1")).as("attempt %d", i + 1).isEmpty();
        }
        assertThat(limit.acquire("10.0.0.1")).contains(FailedReviewLimit.REFILL);
        // another client is not affected
        assertThat(limit.acquire("10.0.0.2")).isEmpty();

        nanos.addAndGet(FailedReviewLimit.REFILL.toNanos() / 2);
        assertThat(limit.acquire("10.0.0.1")).contains(FailedReviewLimit.REFILL.dividedBy(2));
        nanos.addAndGet(FailedReviewLimit.REFILL.toNanos() / 2);
        assertThat(limit.acquire("10.0.0.1")).isEmpty();
        assertThat(limit.acquire("10.0.0.1")).isPresent();
    }

    @Test
    void successfulReviews_giveTheirReservationBack() {
        for (int i = 0; i < 3 * FailedReviewLimit.BURST; i++) {
            assertThat(limit.acquire("10.0.0.3")).isEmpty();
            limit.refund("10.0.0.3");
        }
        assertThat(limit.acquire("10.0.0.3")).isEmpty();
    }

    @Test
    void aRefundNeverFillsTheBucketBeyondItsBurst() {
        limit.acquire("10.0.0.4");
        limit.refund("10.0.0.4");
        limit.refund("10.0.0.4");
        for (int i = 0; i < FailedReviewLimit.BURST; i++) {
            assertThat(limit.acquire("10.0.0.4")).isEmpty();
        }
        assertThat(limit.acquire("10.0.0.4")).hasValueSatisfying(wait -> assertThat(wait).isPositive()
                .isLessThanOrEqualTo(Duration.ofSeconds(6)));
    }
}
