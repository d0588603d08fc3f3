package dev.imagecatalog.catalog.index;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a starting replica gets its index without a crawl ({@code index.*} keys).
 *
 * @param snapshotPath     file the index is written to periodically and on shutdown, and loaded from at start when
 *                         no peer answers ({@code index.snapshot.path}); {@code null}: no snapshot
 * @param snapshotInterval time between snapshot writes ({@code index.snapshot.interval})
 * @param peerTimeout      how long asking one peer for its copy may take in all, connect to last byte
 *                         ({@code index.peer-timeout}); then the next peer, the snapshot, the crawl
 * @param maxCopyBytes     largest copy accepted from a peer or a file ({@code index.max-copy-bytes})
 */
public record RestartSettings(Path snapshotPath, Duration snapshotInterval, Duration peerTimeout, long maxCopyBytes) {

    /** Default time between snapshot writes. */
    public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofMinutes(5);
    /** Default deadline of one peer's copy. */
    public static final Duration DEFAULT_PEER_TIMEOUT = Duration.ofSeconds(30);
    /** Default largest copy: about 1.5 million tags at the measured ~700 bytes a tag. */
    public static final long DEFAULT_MAX_COPY_BYTES = 1024L * 1024 * 1024;

    /** Validates. */
    public RestartSettings {
        Objects.requireNonNull(snapshotInterval, "index.snapshot.interval");
        Objects.requireNonNull(peerTimeout, "index.peer-timeout");
        if (snapshotInterval.isNegative() || snapshotInterval.isZero()) {
            throw new IllegalArgumentException("index.snapshot.interval must be positive");
        }
        if (peerTimeout.isNegative() || peerTimeout.isZero()) {
            throw new IllegalArgumentException("index.peer-timeout must be positive");
        }
        if (maxCopyBytes < 1) {
            throw new IllegalArgumentException("index.max-copy-bytes must be positive");
        }
    }

    /** No snapshot; peers asked with the default deadline. */
    public static RestartSettings defaults() {
        return new RestartSettings(null, DEFAULT_SNAPSHOT_INTERVAL, DEFAULT_PEER_TIMEOUT, DEFAULT_MAX_COPY_BYTES);
    }

    /** A copy with a snapshot file. */
    public RestartSettings withSnapshot(Path path) {
        return new RestartSettings(path, snapshotInterval, peerTimeout, maxCopyBytes);
    }

    /** A copy with another peer deadline. */
    public RestartSettings withPeerTimeout(Duration timeout) {
        return new RestartSettings(snapshotPath, snapshotInterval, timeout, maxCopyBytes);
    }
}
