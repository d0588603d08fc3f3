package dev.imagecatalog.catalog.index;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.MediaTypes;
import dev.imagecatalog.registry.Platform;
import dev.imagecatalog.registry.TagSummary;

/**
 * An index built in memory the way {@link IndexUpdater} builds one (interned media types, layers and platforms; tag
 * summaries derived by {@link RepositoryReader}), in the benchmark's realistic shape (bench {@code RealisticSeeder}):
 * every fifth repository holds buildx indexes of 2 or 3 platforms, each platform with its attestation manifest (an
 * SPDX SBOM and a SLSA provenance layer, their predicate types noted); the others single-platform images, half Docker
 * v2 and half OCI. Per platform two base layers shared by the repository's tags and one layer per tag, sizes
 * log-uniform 0.5–400 KB; three labels per image, as buildx's metadata writes them. For the heap measurements: no
 * registry is needed to know what an index of 100,000 tags costs.
 */
public final class SyntheticIndex {

    private static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    private static final String IN_TOTO = "application/vnd.in-toto+json";
    private static final String SPDX = "https://spdx.dev/Document";
    private static final String SLSA = "https://slsa.dev/provenance/v0.2";
    private static final Platform UNKNOWN = new Platform("unknown", "unknown", null);
    private static final List<Platform> PLATFORMS = List.of(new Platform("linux", "amd64", null),
            new Platform("linux", "arm64", null), new Platform("linux", "arm", "v7"));

    private SyntheticIndex() {
    }

    /** {@code repositories} × {@code tags} in the realistic shape, the same for the same arguments. */
    public static RegistryIndex realistic(int repositories, int tags) {
        RegistryIndex index = new RegistryIndex();
        for (int r = 0; r < repositories; r++) {
            index.put(repository(r, tags));
        }
        return index;
    }

    private static RepositorySnapshot repository(int r, int tags) {
        Random random = new Random(r);
        String name = "team-" + (r % 37) + "/service-" + r;
        boolean multi = r % 5 == 0;
        boolean docker = !multi && r % 2 == 1;
        List<Platform> platforms = multi ? PLATFORMS.subList(0, r % 10 == 0 ? 3 : 2) : PLATFORMS.subList(0, 1);
        String layerType = docker ? DOCKER_LAYER : OCI_LAYER;
        RepositoryReader reader = new RepositoryReader(null, name, null);
        List<List<String>> bases = new ArrayList<>();
        for (int p = 0; p < platforms.size(); p++) {
            bases.add(List.of(digest(random), digest(random)));
        }
        List<TagSummary> summaries = new ArrayList<>();
        for (int t = 0; t < tags; t++) {
            String tag = "1." + (t / 10) + "." + (t % 10);
            Instant created = Instant.ofEpochSecond(1_700_000_000L + r * 1_000L + t * 86_400L);
            Map<String, String> labels = Map.of(
                    Names.intern("org.opencontainers.image.version"), tag,
                    Names.intern("org.opencontainers.image.source"), "https://git.example.com/" + name,
                    Names.intern("org.opencontainers.image.revision"), hex(random, 20));
            List<IndexedManifest.Child> children = new ArrayList<>();
            List<String> attestations = new ArrayList<>();
            IndexedManifest single = null;
            for (int p = 0; p < platforms.size(); p++) {
                Platform platform = Names.platform(platforms.get(p));
                // as the crawl reads them: each manifest's descriptors anew, shared through the reader
                List<Layer> layers = List.of(base(reader, bases.get(p).get(0), layerType),
                        base(reader, bases.get(p).get(1), layerType), layer(reader, random, layerType));
                IndexedManifest.Image image = new IndexedManifest.Image(digest(random),
                        Names.intern(docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST), ArtifactKind.IMAGE,
                        reader.layer(digest(random), 1_000 + random.nextInt(6_000),
                                docker ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG),
                        layers, platform, created, reader.sharedLabels(labels), true, 600 + random.nextInt(600));
                reader.manifests.put(image.digest(), image);
                single = image;
                children.add(new IndexedManifest.Child(image.digest(), platform));
                if (multi) {
                    IndexedManifest.Image attestation = attestation(reader, random, image.digest());
                    reader.manifests.put(attestation.digest(), attestation);
                    attestations.add(attestation.digest());
                }
            }
            IndexedManifest tagged = multi
                    ? new IndexedManifest.Index(digest(random), Names.intern(MediaTypes.OCI_INDEX),
                            List.copyOf(children),
                            List.copyOf(attestations), false, 800 + 400 * platforms.size())
                    : single;
            reader.manifests.put(tagged.digest(), tagged);
            summaries.add(reader.summary(tag, tagged));
        }
        return reader.snapshot(summaries, Map.of());
    }

    /** buildx's attestation manifest of one platform: an SBOM and a provenance, {@code unknown/unknown}. */
    private static IndexedManifest.Image attestation(RepositoryReader reader, Random random, String subject) {
        Layer sbom = reader.layer(digest(random), 10_000 + random.nextInt(90_000), IN_TOTO);
        Layer provenance = reader.layer(digest(random), 2_000 + random.nextInt(8_000), IN_TOTO);
        return new IndexedManifest.Image(digest(random), Names.intern(MediaTypes.OCI_MANIFEST),
                ArtifactKind.SIGNATURE, reader.layer(digest(random), 200 + random.nextInt(300), MediaTypes.OCI_CONFIG),
                List.of(sbom, provenance),
                Names.platform(UNKNOWN), null, Map.of(), true, 800 + subject.length(),
                List.of(new IndexedManifest.LayerNote(sbom.digest(), Names.intern(SPDX), false, null, null),
                        new IndexedManifest.LayerNote(provenance.digest(), Names.intern(SLSA), false, null, null)));
    }

    private static Layer layer(RepositoryReader reader, Random random, String mediaType) {
        return reader.layer(digest(random), size(new Random(random.nextLong())), mediaType);
    }

    /** A base layer: the same size wherever the repository's tags name it. */
    private static Layer base(RepositoryReader reader, String digest, String mediaType) {
        return reader.layer(digest, size(new Random(digest.hashCode())), mediaType);
    }

    /** Log-uniform 0.5–400 KB: many small layers, a few large ones. */
    private static long size(Random random) {
        return Math.round(512 * Math.pow(800, random.nextDouble()));
    }

    private static String digest(Random random) {
        return "sha256:" + hex(random, 32);
    }

    private static String hex(Random random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
