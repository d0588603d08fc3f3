package dev.imagecatalog.testing;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.imagecatalog.testing.TestPusher.Arch;
import dev.imagecatalog.testing.TestPusher.Image;
import dev.imagecatalog.testing.TestPusher.Index;

/**
 * A {@link LocalRegistry} seeded with the standard set of shapes the catalog must show correctly.
 * Expected values (digests, sizes, platforms, created, labels) are read from the returned records, which hold what
 * was pushed; compute expectations from them, never from the code under test.
 *
 * <table>
 * <caption>Seeded repositories</caption>
 * <tr><th>repository:tag</th><th>accessor</th><th>what</th></tr>
 * <tr><td>{@code oci/amd64-only:1.0}</td><td>{@link #amd64Only()}</td><td>OCI single image, linux/amd64, built
 *     with umoci, copied with skopeo; label {@code org.example.arch=amd64}</td></tr>
 * <tr><td>{@code oci/arm64-only:1.0}</td><td>{@link #arm64Only()}</td><td>OCI single image, linux/arm64 (no
 *     variant), umoci + skopeo</td></tr>
 * <tr><td>{@code multi/app:2.0}</td><td>{@link #multiArch()}</td><td>OCI index: linux/amd64 + linux/arm64/v8 +
 *     an attestation entry (unknown/unknown), which is not a platform</td></tr>
 * <tr><td>{@code multi/docker-list:1.0}</td><td>{@link #dockerList()}</td><td>Docker manifest list: linux/amd64 +
 *     linux/arm/v7 + an attestation entry</td></tr>
 * <tr><td>{@code docker/single:latest}</td><td>{@link #dockerSingle()}</td><td>Docker v2 schema 2 single image,
 *     linux/amd64</td></tr>
 * <tr><td>{@code team-a/app:v1}</td><td>{@link #labelled()}</td><td>OCI single image, linux/arm64/v8, labels incl.
 *     {@code org.example.note=<script>alert(1)</script>} (escaping tests)</td></tr>
 * <tr><td>{@code team-a/app:sha256-<hex>.sig}</td><td>{@link #signature()}</td><td>cosign signature of
 *     {@code team-a/app:v1} (not runnable)</td></tr>
 * <tr><td>{@code deep/nested/path/image:1}</td><td>{@link #nested()}</td><td>OCI single image, linux/amd64, name
 *     with several {@code /}</td></tr>
 * <tr><td>{@code charts/demo:0.1.0}</td><td>{@link #helmChart()}</td><td>Helm chart artifact (not runnable)</td></tr>
 * <tr><td>{@code artifacts/sbom:v1}</td><td>{@link #artifact()}</td><td>generic OCI artifact: artifactType +
 *     empty config (not runnable)</td></tr>
 * <tr><td>{@code broken/partial:1}</td><td>{@link #partialIndex()}</td><td>OCI index listing linux/amd64 (present)
 *     and linux/arm64/v8 (child deleted → absent, not an error)</td></tr>
 * </table>
 * For catalog paging use {@link TestPusher#pushManyRepositories(String, int)} on a registry of your own.
 */
public final class SeededRegistry implements AutoCloseable {

    /** Label whose value must be rendered escaped. */
    public static final String SCRIPT_LABEL_VALUE = "<script>alert(1)</script>";

    private final LocalRegistry registry;
    private final Image amd64Only;
    private final Image arm64Only;
    private final Index multiArch;
    private final Index dockerList;
    private final Image dockerSingle;
    private final Image labelled;
    private final Image signature;
    private final Image nested;
    private final Image helmChart;
    private final Image artifact;
    private final Index partialIndex;

    private SeededRegistry(LocalRegistry registry) {
        this.registry = registry;
        TestPusher pusher = new TestPusher(registry);
        amd64Only = OciImages.push(registry, "oci/amd64-only", "1.0", "linux", "amd64",
                Map.of("org.example.arch", "amd64"));
        arm64Only = OciImages.push(registry, "oci/arm64-only", "1.0", "linux", "arm64",
                Map.of("org.example.arch", "arm64"));
        multiArch = pusher.pushOciIndex("multi/app", "2.0", List.of(Arch.AMD64, Arch.ARM64), true);
        dockerList = pusher.pushDockerList("multi/docker-list", "1.0", List.of(Arch.AMD64, Arch.ARM_V7), true);
        dockerSingle = pusher.pushDockerImage("docker/single", "latest", Arch.AMD64,
                Map.of("maintainer", "team-docker"));
        labelled = pusher.pushOciImage("team-a/app", "v1", Arch.ARM64,
                Map.of("org.example.note", SCRIPT_LABEL_VALUE, "org.opencontainers.image.title", "app"));
        signature = pusher.pushCosignSignature(labelled);
        nested = pusher.pushOciImage("deep/nested/path/image", "1", Arch.AMD64, Map.of());
        helmChart = pusher.pushHelmChart("charts/demo", "0.1.0");
        artifact = pusher.pushOciArtifact("artifacts/sbom", "v1");
        partialIndex = pusher.pushIndexWithMissingChild("broken/partial", "1", List.of(Arch.AMD64),
                List.of(Arch.ARM64));
    }

    /** Starts an anonymous registry and seeds it (about 2 s). */
    public static SeededRegistry start() {
        LocalRegistry registry = LocalRegistry.start();
        try {
            return new SeededRegistry(registry);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** The running registry (url, stop/restart, request counts). */
    public LocalRegistry registry() {
        return registry;
    }

    /** All seeded repository names, sorted. */
    public List<String> repositories() {
        return List.copyOf(new TreeSet<>(List.of(amd64Only.repository(), arm64Only.repository(),
                multiArch.repository(), dockerList.repository(), dockerSingle.repository(), labelled.repository(),
                nested.repository(), helmChart.repository(), artifact.repository(), partialIndex.repository())));
    }

    /** {@code oci/amd64-only:1.0}. */
    public Image amd64Only() {
        return amd64Only;
    }

    /** {@code oci/arm64-only:1.0}. */
    public Image arm64Only() {
        return arm64Only;
    }

    /** {@code multi/app:2.0}, amd64 + arm64/v8 + attestation. */
    public Index multiArch() {
        return multiArch;
    }

    /** {@code multi/docker-list:1.0}, amd64 + arm/v7 + attestation. */
    public Index dockerList() {
        return dockerList;
    }

    /** {@code docker/single:latest}. */
    public Image dockerSingle() {
        return dockerSingle;
    }

    /** {@code team-a/app:v1} with a {@code <script>} label. */
    public Image labelled() {
        return labelled;
    }

    /** {@code team-a/app:sha256-<hex>.sig}. */
    public Image signature() {
        return signature;
    }

    /** {@code deep/nested/path/image:1}. */
    public Image nested() {
        return nested;
    }

    /** {@code charts/demo:0.1.0}. */
    public Image helmChart() {
        return helmChart;
    }

    /** {@code artifacts/sbom:v1}. */
    public Image artifact() {
        return artifact;
    }

    /** {@code broken/partial:1}: amd64 present, arm64 missing. */
    public Index partialIndex() {
        return partialIndex;
    }

    @Override
    public void close() {
        registry.close();
    }
}
