package dev.imagecatalog.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import dev.imagecatalog.testing.TestPusher;

/**
 * Pushes N repositories × M tags plus one large repository straight over the Distribution API, many requests in
 * flight: per repository one small layer blob shared by its tags; per tag a config blob unique to that tag (so every
 * manifest digest differs) and its manifest.
 */
final class Seeder {

    /** Repository holding the many tags. */
    static final String BIG = "bench/big";

    private final TestPusher pusher;
    private final int inFlight;
    private final AtomicLong requests = new AtomicLong();

    Seeder(TestPusher pusher, int inFlight) {
        this.pusher = pusher;
        this.inFlight = inFlight;
    }

    /** Name of the i-th small repository. */
    static String repository(int i) {
        return String.format("bench/repo-%04d", i);
    }

    /** Name of the j-th tag of a small repository. */
    static String tag(int j) {
        return String.format("t%03d", j);
    }

    /** Pushes everything; returns the number of registry requests made. */
    long seed(int repositories, int tags, int bigTags) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(inFlight)) {
            List<Future<?>> work = new ArrayList<>();
            // no big repository at all when it has no tags (a repository of blobs only has no tag list: 404)
            String bigLayer = bigTags > 0 ? layer(BIG) : null;
            int chunk = 100;
            for (int from = 0; from < bigTags; from += chunk) {
                int start = from;
                int end = Math.min(bigTags, from + chunk);
                work.add(pool.submit(() -> {
                    for (int j = start; j < end; j++) {
                        pushTag(BIG, String.format("v%04d", j), bigLayer);
                    }
                    return null;
                }));
            }
            for (int i = 0; i < repositories; i++) {
                String repository = repository(i);
                work.add(pool.submit(() -> {
                    String layer = layer(repository);
                    for (int j = 0; j < tags; j++) {
                        pushTag(repository, tag(j), layer);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
        return requests.get();
    }

    /** The shared layer of one repository (same bytes everywhere: one blob in storage, linked per repository). */
    String layer(String repository) {
        requests.addAndGet(2);
        return pusher.pushBlob(repository, "bench layer".getBytes(), TestPusher.OCI_LAYER).digest();
    }

    /** One tag: a unique config blob and an OCI manifest referencing it and the repository's layer. */
    String pushTag(String repository, String tag, String layerDigest) {
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2026-01-01T00:00:00Z\","
                + "\"config\":{\"Labels\":{\"bench.ref\":\"" + repository + ":" + tag + "\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layerDigest + "\"]}}";
        byte[] configBytes = config.getBytes();
        TestPusher.Blob blob = pusher.pushBlob(repository, configBytes, TestPusher.OCI_CONFIG);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + TestPusher.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"" + TestPusher.OCI_CONFIG + "\",\"digest\":\"" + blob.digest()
                + "\",\"size\":" + configBytes.length + "},"
                + "\"layers\":[{\"mediaType\":\"" + TestPusher.OCI_LAYER + "\",\"digest\":\"" + layerDigest
                + "\",\"size\":" + "bench layer".length() + "}]}";
        requests.addAndGet(3);
        return pusher.pushManifest(repository, tag, TestPusher.OCI_MANIFEST, manifest.getBytes());
    }
}
