package dev.imagecatalog.auth;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * A token bucket per client address for TokenReviews that came back "not authenticated": {@value #BURST} at once,
 * then one more every {@link #REFILL}. Only failures are counted — a valid token costs its client nothing — but a
 * client whose bucket is empty gets no review at all until it refills, so guessing or flooding with made-up tokens
 * costs the API server at most {@value #BURST} reviews and then 10 a minute per address.
 *
 * <p>The buckets are a Caffeine cache weighed by bytes (key and bucket), so a flood of addresses cannot grow the
 * heap: the least useful buckets are dropped first, which at worst gives that address a fresh burst.
 */
public final class FailedReviewLimit {

    /** Failed reviews a client may cause at once. */
    public static final int BURST = 10;
    /** One more failed review allowed this often. */
    public static final Duration REFILL = Duration.ofSeconds(6);
    /** Memory for all buckets together. */
    static final long MAX_BYTES = 4L * 1024 * 1024;
    /** Per bucket, besides its key's characters: the object, its two fields and the cache's entry. */
    private static final int BUCKET_BYTES = 96;

    private final LongSupplier nanos;
    private final Cache<String, Bucket> buckets;

    /** With the system's nano time. */
    public FailedReviewLimit() {
        this(System::nanoTime);
    }

    /** With a clock of our choosing (tests move it). */
    public FailedReviewLimit(LongSupplier nanos) {
        this.nanos = nanos;
        // a bucket untouched for BURST refills is full again: forgetting it changes nothing
        this.buckets = Caffeine.newBuilder()
                .expireAfterAccess(REFILL.multipliedBy(BURST))
                .maximumWeight(MAX_BYTES)
                .weigher((String key, Bucket bucket) -> 2 * key.length() + BUCKET_BYTES)
                .build();
    }

    /**
     * Reserves one review for the client, as if it were to fail (so concurrent attempts cannot overrun the bucket).
     *
     * @return empty when reserved; otherwise how long the client must wait for its next review
     */
    public Optional<Duration> acquire(String client) {
        return buckets.get(client, k -> new Bucket(nanos.getAsLong())).take(nanos.getAsLong());
    }

    /** Gives a reservation back: the review succeeded. */
    public void refund(String client) {
        Bucket bucket = buckets.getIfPresent(client);
        if (bucket != null) {
            bucket.refund(nanos.getAsLong());
        }
    }

    /** Tokens in units of nanoseconds of refill: full = BURST × REFILL. */
    private static final class Bucket {

        private static final long REFILL_NANOS = REFILL.toNanos();
        private static final long FULL = BURST * REFILL_NANOS;

        private long level;
        private long at;

        Bucket(long now) {
            this.level = FULL;
            this.at = now;
        }

        synchronized Optional<Duration> take(long now) {
            refill(now);
            if (level < REFILL_NANOS) {
                return Optional.of(Duration.ofNanos(REFILL_NANOS - level));
            }
            level -= REFILL_NANOS;
            return Optional.empty();
        }

        synchronized void refund(long now) {
            refill(now);
            level = Math.min(FULL, level + REFILL_NANOS);
        }

        private void refill(long now) {
            level = Math.min(FULL, level + Math.max(0, now - at));
            at = now;
        }
    }
}
