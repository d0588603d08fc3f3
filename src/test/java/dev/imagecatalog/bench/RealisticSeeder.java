package dev.imagecatalog.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import dev.imagecatalog.testing.TestPusher;
import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TestPusher.Blob;
import dev.imagecatalog.testing.TestPusher.Image;

/**
 * A registry shaped like real ones rather than like the easiest case: every fifth repository holds multi-platform
 * images — buildx indexes of 2 or 3 platforms, each platform with its attestation manifest (an SPDX SBOM and a SLSA
 * provenance) — and the others single-platform images, half of them Docker v2 and half OCI. Each platform of a
 * repository has two base layers its tags share, and each tag adds one layer of its own; every layer's size is drawn
 * log-uniformly from 0.5 to 400 KB (many small layers, a few large ones, as in real images). Sizes come from a
 * random generator seeded by the repository's number, so every run seeds the same shape.
 */
final class RealisticSeeder {

    private static final int MIN_LAYER = 512;
    private static final int MAX_LAYER = 400 * 1024;
    private static final List<Arch> TWO = List.of(Arch.AMD64, Arch.ARM64);
    private static final List<Arch> THREE = List.of(Arch.AMD64, Arch.ARM64, Arch.ARM_V7);

    private final TestPusher pusher;
    private final int inFlight;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    RealisticSeeder(TestPusher pusher, int inFlight) {
        this.pusher = pusher;
        this.inFlight = inFlight;
    }

    /** Name of the i-th repository (the same names as {@link Seeder}, so the other rows find their repositories). */
    static String repository(int i) {
        return Seeder.repository(i);
    }

    /** Bytes of layers pushed so far. */
    long bytes() {
        return bytes.get();
    }

    /** Pushes every repository; returns the registry requests made. */
    long seed(int repositories, int tags) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(inFlight)) {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < repositories; i++) {
                int n = i;
                work.add(pool.submit(() -> {
                    seedRepository(n, tags);
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
        return requests.get();
    }

    private void seedRepository(int i, int tags) {
        Random random = new Random(i);
        String repository = repository(i);
        boolean multi = i % 5 == 0;
        boolean docker = !multi && i % 2 == 1;
        List<Arch> platforms = multi ? (i % 10 == 0 ? THREE : TWO) : List.of(Arch.AMD64);
        String layerType = docker ? TestPusher.DOCKER_LAYER : TestPusher.OCI_LAYER;
        List<List<Blob>> bases = new ArrayList<>();
        for (int p = 0; p < platforms.size(); p++) {
            bases.add(List.of(layer(repository, random, layerType), layer(repository, random, layerType)));
        }
        for (int j = 0; j < tags; j++) {
            String tag = Seeder.tag(j);
            Map<String, String> labels = Map.of("org.opencontainers.image.source",
                    "https://git.example.com/" + repository, "org.opencontainers.image.version", "1." + j + ".0");
            List<Image> images = new ArrayList<>();
            for (int p = 0; p < platforms.size(); p++) {
                List<Blob> layers = new ArrayList<>(bases.get(p));
                layers.add(layer(repository, random, layerType));
                String reference = multi ? null : tag;
                requests.addAndGet(3); // config upload (POST + PUT) and the manifest
                images.add(docker
                        ? pusher.pushDockerImageWithLayers(repository, reference, platforms.get(p), labels, layers)
                        : pusher.pushOciImageWithLayers(repository, reference, platforms.get(p), labels, layers));
            }
            if (multi) {
                pusher.pushBuildxIndexOf(repository, tag, images, 2048 + random.nextInt(30 * 1024));
                // per platform an attestation (two layers and a config, two requests each, and its manifest)
                requests.addAndGet(7L * images.size() + 1);
            }
        }
    }

    private Blob layer(String repository, Random random, String mediaType) {
        // log-uniform: as many layers between 0.5 and 5 KB as between 40 and 400 KB
        double exponent = Math.log(MIN_LAYER) + random.nextDouble() * (Math.log(MAX_LAYER) - Math.log(MIN_LAYER));
        int size = (int) Math.exp(exponent);
        bytes.addAndGet(size);
        requests.addAndGet(2);
        return pusher.pushBlob(repository, TestPusher.random(size), mediaType);
    }
}
