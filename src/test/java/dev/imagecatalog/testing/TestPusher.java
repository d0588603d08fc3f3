package dev.imagecatalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Pushes blobs and manifests straight through the Distribution API (monolithic POST + PUT uploads) with the JDK
 * HTTP client, for shapes that are hard to build with real tools: OCI indexes and Docker manifest lists with
 * attestation entries, an index with a missing child, Helm charts, cosign signatures, OCI artifacts, many
 * repositories. Every method returns what it pushed — digests and sizes computed here from the pushed bytes — so
 * tests derive expected values from these records, never from the code under test.
 */
public final class TestPusher {

    /** OCI image manifest media type. */
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    /** OCI image index media type. */
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    /** Docker v2 schema 2 manifest media type. */
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    /** Docker manifest list media type. */
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** OCI image config media type. */
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    /** Docker image config media type. */
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    /** OCI gzip layer media type. */
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    /** Docker gzip layer media type. */
    public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /** Helm chart config media type. */
    public static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
    /** OCI empty descriptor media type (config of artifacts). */
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A pushed blob.
     *
     * @param digest    {@code sha256:…} of its bytes
     * @param size      byte count
     * @param mediaType media type used in the descriptor
     */
    public record Blob(String digest, long size, String mediaType) {
    }

    /**
     * OS / architecture / variant wanted for a pushed image.
     *
     * @param os           e.g. linux
     * @param architecture e.g. amd64
     * @param variant      e.g. v8, or {@code null}
     */
    public record Arch(String os, String architecture, String variant) {
        /** linux/amd64. */
        public static final Arch AMD64 = new Arch("linux", "amd64", null);
        /** linux/arm64/v8. */
        public static final Arch ARM64 = new Arch("linux", "arm64", "v8");
        /** linux/arm/v7. */
        public static final Arch ARM_V7 = new Arch("linux", "arm", "v7");

        /** {@code linux/arm64/v8} or {@code linux/amd64}. */
        @Override
        public String toString() {
            return variant == null ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
        }
    }

    /**
     * A pushed image manifest (or artifact manifest) and what it references.
     *
     * @param repository   repository
     * @param tag          tag, {@code null} when pushed by digest only (index children)
     * @param digest       manifest digest (sha256 of the pushed manifest bytes)
     * @param mediaType    manifest media type
     * @param size         expected image size: config size + sum of layer sizes
     * @param arch         platform written into the config ({@code null} for artifacts without one)
     * @param created      {@code created} written into the config ({@code null} if none)
     * @param labels       {@code config.Labels} written into the config
     * @param config       config descriptor
     * @param layers       layer descriptors in order
     * @param historyCount number of history entries in the config
     * @param manifestSize byte count of the manifest
     */
    public record Image(String repository, String tag, String digest, String mediaType, long size, Arch arch,
                        Instant created, Map<String, String> labels, Blob config, List<Blob> layers,
                        int historyCount, long manifestSize) {
    }

    /**
     * A pushed OCI index or Docker manifest list.
     *
     * @param repository   repository
     * @param tag          tag
     * @param digest       index digest
     * @param mediaType    index media type
     * @param platforms    the real platform children, in index order (present in the registry)
     * @param attestations the attestation children ({@code unknown/unknown}), in index order; empty if none
     * @param missing      platform children listed in the index but deleted from the registry
     * @param manifestSize byte count of the index manifest
     */
    public record Index(String repository, String tag, String digest, String mediaType, List<Image> platforms,
                        List<Image> attestations, List<Image> missing, long manifestSize) {

        /** The first attestation child, or {@code null} when the index has none. */
        public Image attestation() {
            return attestations.isEmpty() ? null : attestations.getFirst();
        }
    }

    private final LocalRegistry registry;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /** A pusher for this registry, using its credentials (Basic, or a token from its token server). */
    public TestPusher(LocalRegistry registry) {
        this.registry = registry;
    }

    // ---- building blocks ------------------------------------------------------------------------------------

    /** Uploads a blob with a monolithic POST + PUT. */
    public Blob pushBlob(String repository, byte[] bytes, String mediaType) {
        String digest = sha256(bytes);
        HttpResponse<String> start = send(repository, HttpRequest.newBuilder(api(repository, "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(start, 202);
        String location = start.headers().firstValue("Location").orElseThrow();
        URI upload = registry.url().resolve(location);
        String sep = upload.getRawQuery() == null ? "?" : "&";
        HttpResponse<String> put = send(repository, HttpRequest.newBuilder(URI.create(upload + sep + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        expect(put, 201);
        return new Blob(digest, bytes.length, mediaType);
    }

    /** PUTs a manifest under a tag or digest reference and returns its digest (sha256 of {@code body}). */
    public String pushManifest(String repository, String reference, String mediaType, byte[] body) {
        HttpResponse<String> put = send(repository, HttpRequest.newBuilder(api(repository, "/manifests/" + reference))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
        expect(put, 201);
        return sha256(body);
    }

    /** Points {@code newTag} at an existing manifest (GET by digest, PUT of the same bytes under the tag). */
    public void tag(String repository, String digest, String mediaType, String newTag) {
        HttpResponse<String> get = send(repository, HttpRequest.newBuilder(api(repository, "/manifests/" + digest))
                .header("Accept", mediaType).GET());
        expect(get, 200);
        String pushed = pushManifest(repository, newTag, mediaType, get.body().getBytes(StandardCharsets.UTF_8));
        if (!pushed.equals(digest)) {
            throw new IllegalStateException("re-tagging changed the manifest bytes of " + digest);
        }
    }

    /** Deletes a manifest by digest (the registry runs with deletes enabled). */
    public void deleteManifest(String repository, String digest) {
        expect(send(repository, HttpRequest.newBuilder(api(repository, "/manifests/" + digest)).DELETE()), 202);
    }

    // ---- images ---------------------------------------------------------------------------------------------

    /** An OCI single-platform image with two random layers; platform only in its config. */
    public Image pushOciImage(String repository, String tag, Arch arch, Map<String, String> labels) {
        return pushImage(repository, tag, arch, labels, OCI_MANIFEST, OCI_CONFIG, OCI_LAYER);
    }

    /** A Docker v2 schema 2 single-platform image with two random layers; platform only in its config. */
    public Image pushDockerImage(String repository, String tag, Arch arch, Map<String, String> labels) {
        return pushImage(repository, tag, arch, labels, DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER);
    }

    /**
     * An OCI image whose config also says what it runs ({@code Entrypoint}, {@code Cmd}, {@code Env},
     * {@code ExposedPorts}, {@code User}, {@code WorkingDir}, {@code StopSignal} — whatever {@code runConfig} holds;
     * its {@code Env} replaces the default {@code PATH}).
     */
    public Image pushOciImageWithRunConfig(String repository, String tag, Arch arch, Map<String, Object> runConfig) {
        return pushImage(repository, tag, arch, Map.of(), OCI_MANIFEST, OCI_CONFIG, OCI_LAYER, runConfig);
    }

    private Image pushImage(String repository, String tag, Arch arch, Map<String, String> labels,
                            String manifestType, String configType, String layerType) {
        return pushImage(repository, tag, arch, labels, manifestType, configType, layerType, Map.of());
    }

    private Image pushImage(String repository, String tag, Arch arch, Map<String, String> labels,
                            String manifestType, String configType, String layerType, Map<String, Object> runConfig) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<Blob> layers = List.of(
                pushBlob(repository, randomBytes(1000 + random.nextInt(5000)), layerType),
                pushBlob(repository, randomBytes(200 + random.nextInt(800)), layerType));
        return pushImageWithLayers(repository, tag, arch, labels, layers, manifestType, configType, runConfig);
    }

    /**
     * An OCI image made of these layers (already pushed to {@code repository}, e.g. the same bytes pushed to
     * several repositories to share them) and a new config.
     */
    public Image pushOciImageWithLayers(String repository, String tag, Arch arch, Map<String, String> labels,
                                        List<Blob> layers) {
        return pushImageWithLayers(repository, tag, arch, labels, layers, OCI_MANIFEST, OCI_CONFIG, Map.of());
    }

    /** A Docker v2 schema 2 image made of these layers (already pushed to {@code repository}) and a new config. */
    public Image pushDockerImageWithLayers(String repository, String tag, Arch arch, Map<String, String> labels,
                                           List<Blob> layers) {
        return pushImageWithLayers(repository, tag, arch, labels, layers, DOCKER_MANIFEST, DOCKER_CONFIG, Map.of());
    }

    /**
     * An OCI image of these layers (already pushed to {@code repository}) with a new config created at
     * {@code created} ({@code null}: the config has no {@code created}); one config blob and one manifest pushed.
     */
    public Image pushOciImageCreatedAt(String repository, String tag, Arch arch, List<Blob> layers, Instant created) {
        Map<String, Object> config = new LinkedHashMap<>();
        if (created != null) {
            config.put("created", created.toString());
        }
        config.put("architecture", arch.architecture());
        config.put("os", arch.os());
        // the tag makes each config distinct even when two images share a creation time
        config.put("config", Map.of("Labels", Map.of("tag", tag)));
        config.put("rootfs", Map.of("type", "layers",
                "diff_ids", layers.stream().map(l -> sha256(l.digest().getBytes(StandardCharsets.UTF_8))).toList()));
        Blob configBlob = pushBlob(repository, toJson(config), OCI_CONFIG);
        return pushManifestOf(repository, tag, OCI_MANIFEST, configBlob, layers, null, null, arch, created,
                Map.of("tag", tag), 0);
    }

    /**
     * Pushes {@code image}'s manifest again by digest (the same bytes: its config and layers are still stored after
     * a manifest delete), e.g. a deleted index child coming back.
     */
    public void pushAgain(Image image) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", image.mediaType());
        manifest.put("config", descriptor(image.config()));
        manifest.put("layers", image.layers().stream().map(TestPusher::descriptor).toList());
        byte[] body = toJson(manifest);
        if (!sha256(body).equals(image.digest())) {
            throw new IllegalStateException("not the manifest pushed before: " + image.digest());
        }
        pushManifest(image.repository(), image.digest(), image.mediaType(), body);
    }

    /** {@code size} random bytes (layer content). */
    public static byte[] random(int size) {
        return randomBytes(size);
    }

    private Image pushImageWithLayers(String repository, String tag, Arch arch, Map<String, String> labels,
                                      List<Blob> layers, String manifestType, String configType,
                                      Map<String, Object> runConfig) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Instant created = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(10_000_000));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", created.toString());
        config.put("architecture", arch.architecture());
        config.put("os", arch.os());
        if (arch.variant() != null) {
            config.put("variant", arch.variant());
        }
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("Labels", labels);
        section.put("Env", List.of("PATH=/usr/bin:/bin"));
        section.putAll(runConfig);
        config.put("config", section);
        config.put("rootfs", Map.of("type", "layers",
                "diff_ids", layers.stream().map(l -> sha256(l.digest().getBytes(StandardCharsets.UTF_8))).toList()));
        List<Map<String, Object>> history = List.of(
                Map.of("created", created.toString(), "created_by", "/bin/sh -c #(nop) ADD file:base in /"),
                Map.of("created", created.toString(), "created_by", "/bin/sh -c #(nop) ENV PATH=/usr/bin:/bin",
                        "empty_layer", true),
                Map.of("created", created.toString(), "created_by", "/bin/sh -c echo app > /app"));
        config.put("history", history);
        Blob configBlob = pushBlob(repository, toJson(config), configType);
        return pushManifestOf(repository, tag, manifestType, configBlob, layers, null, null, arch, created, labels,
                history.size());
    }

    private Image pushManifestOf(String repository, String tag, String manifestType, Blob config, List<Blob> layers,
                                 String artifactType, Map<String, String> annotations, Arch arch, Instant created,
                                 Map<String, String> labels, int historyCount) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", manifestType);
        if (artifactType != null) {
            manifest.put("artifactType", artifactType);
        }
        manifest.put("config", descriptor(config));
        manifest.put("layers", layers.stream().map(TestPusher::descriptor).toList());
        if (annotations != null) {
            manifest.put("annotations", annotations);
        }
        byte[] body = toJson(manifest);
        String digest = pushManifest(repository, tag == null ? sha256(body) : tag, manifestType, body);
        long size = config.size() + layers.stream().mapToLong(Blob::size).sum();
        return new Image(repository, tag, digest, manifestType, size, arch, created, labels, config, layers,
                historyCount, body.length);
    }

    /**
     * An OCI image built on top of {@code base}: the base's layers (mounted from its repository when that differs,
     * as a real {@code docker push} does) plus one new random layer; same platform as the base.
     */
    public Image pushOciImageOnTopOf(String repository, String tag, Image base) {
        if (!repository.equals(base.repository())) {
            for (Blob layer : base.layers()) {
                HttpResponse<String> mount = send(repository, HttpRequest.newBuilder(api(repository,
                        "/blobs/uploads/?mount=" + layer.digest() + "&from=" + base.repository()))
                        .POST(HttpRequest.BodyPublishers.noBody()));
                expect(mount, 201);
            }
        }
        List<Blob> layers = new java.util.ArrayList<>(base.layers());
        layers.add(pushBlob(repository, randomBytes(3000), OCI_LAYER));
        Instant created = base.created().plusSeconds(60);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", created.toString());
        config.put("architecture", base.arch().architecture());
        config.put("os", base.arch().os());
        config.put("config", Map.of("Env", List.of("PATH=/usr/bin:/bin")));
        config.put("rootfs", Map.of("type", "layers",
                "diff_ids", layers.stream().map(l -> sha256(l.digest().getBytes(StandardCharsets.UTF_8))).toList()));
        Blob configBlob = pushBlob(repository, toJson(config), OCI_CONFIG);
        return pushManifestOf(repository, tag, OCI_MANIFEST, configBlob, layers, null, null, base.arch(), created,
                              Map.of(), 0);
    }

    /** An OCI index with one child per platform and, if asked, a buildx-style attestation entry. */
    public Index pushOciIndex(String repository, String tag, List<Arch> platforms, boolean withAttestation) {
        return pushIndex(repository, tag, platforms, withAttestation, OCI_INDEX, OCI_MANIFEST, OCI_CONFIG, OCI_LAYER,
                List.of());
    }

    /** A Docker manifest list with one Docker v2 child per platform and, if asked, an attestation entry. */
    public Index pushDockerList(String repository, String tag, List<Arch> platforms, boolean withAttestation) {
        return pushIndex(repository, tag, platforms, withAttestation, DOCKER_LIST, DOCKER_MANIFEST, DOCKER_CONFIG,
                DOCKER_LAYER, List.of());
    }

    /**
     * An OCI index shaped like {@code docker buildx build --platform … --sbom=true --push} makes it: per platform an
     * image child and an attestation manifest ({@code unknown/unknown}, annotations
     * {@code vnd.docker.reference.type: attestation-manifest} and {@code vnd.docker.reference.digest}) whose layers
     * are in-toto statements — an SBOM of {@code sbomBytes} bytes and a SLSA provenance — with annotation
     * {@code in-toto.io/predicate-type}, and an empty-rootfs config.
     */
    public Index pushBuildxIndex(String repository, String tag, List<Arch> platforms, int sbomBytes) {
        List<Image> children = new ArrayList<>();
        for (Arch arch : platforms) {
            children.add(pushImage(repository, null, arch, Map.of(), OCI_MANIFEST, OCI_CONFIG, OCI_LAYER));
        }
        return pushBuildxIndexOf(repository, tag, children, sbomBytes);
    }

    /** {@link #pushBuildxIndex} of children already pushed by digest (e.g. with chosen layers). */
    public Index pushBuildxIndexOf(String repository, String tag, List<Image> children, int sbomBytes) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Image child : children) {
            entries.add(indexEntry(child, platformMap(child.arch()), null));
        }
        List<Image> attestations = new ArrayList<>();
        for (Image child : children) {
            Image attestation = pushAttestation(repository, child, sbomBytes);
            attestations.add(attestation);
            entries.add(indexEntry(attestation, Map.of("architecture", "unknown", "os", "unknown"), Map.of(
                    "vnd.docker.reference.digest", child.digest(),
                    "vnd.docker.reference.type", "attestation-manifest")));
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", OCI_INDEX);
        index.put("manifests", entries);
        byte[] body = toJson(index);
        String digest = pushManifest(repository, tag, OCI_INDEX, body);
        return new Index(repository, tag, digest, OCI_INDEX, List.copyOf(children), List.copyOf(attestations),
                List.of(), body.length);
    }

    /** buildx's attestation manifest for {@code subject}: an SPDX SBOM and a SLSA provenance as in-toto layers. */
    private Image pushAttestation(String repository, Image subject, int sbomBytes) {
        String name = "pkg:oci/app@" + subject.digest();
        // an SPDX document padded with packages up to about sbomBytes (real SBOMs list every package of the image)
        List<Map<String, Object>> packages = new ArrayList<>();
        int approx = 0;
        for (int i = 0; approx < sbomBytes; i++) {
            String pkg = "package-" + i + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
            Map<String, Object> entry = Map.of("name", pkg, "SPDXID", "SPDXRef-Package-" + i, "versionInfo", "1." + i,
                    "downloadLocation", "NOASSERTION");
            packages.add(entry);
            approx += toJson(entry).length + 1;
        }
        Map<String, Object> sbom = new LinkedHashMap<>();
        sbom.put("_type", "https://in-toto.io/Statement/v0.1");
        sbom.put("predicateType", "https://spdx.dev/Document");
        sbom.put("subject", List.of(Map.of("name", name, "digest", Map.of("sha256", subject.digest().substring(7)))));
        sbom.put("predicate", Map.of("spdxVersion", "SPDX-2.3", "name", "sbom", "packages", packages));
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("_type", "https://in-toto.io/Statement/v0.1");
        provenance.put("predicateType", "https://slsa.dev/provenance/v0.2");
        provenance.put("subject", List.of(Map.of("name", name, "digest", Map.of("sha256", subject.digest().substring(7)))));
        provenance.put("predicate", Map.of("builder", Map.of("id", ""), "buildType",
                "https://mobyproject.org/buildkit@v1", "metadata", Map.of("buildStartedOn",
                        Instant.now().toString())));
        String inToto = "application/vnd.in-toto+json";
        List<Blob> layers = List.of(pushBlob(repository, toJson(sbom), inToto),
                pushBlob(repository, toJson(provenance), inToto));
        Blob config = pushBlob(repository, toJson(Map.of("architecture", "unknown", "os", "unknown",
                "config", Map.of(), "rootfs", Map.of("type", "layers",
                        "diff_ids", layers.stream().map(Blob::digest).toList()))), OCI_CONFIG);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OCI_MANIFEST);
        manifest.put("config", descriptor(config));
        List<Map<String, Object>> layerDescriptors = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Map<String, Object> d = descriptor(layers.get(i));
            d.put("annotations", Map.of("in-toto.io/predicate-type",
                    i == 0 ? "https://spdx.dev/Document" : "https://slsa.dev/provenance/v0.2"));
            layerDescriptors.add(d);
        }
        manifest.put("layers", layerDescriptors);
        byte[] body = toJson(manifest);
        String digest = pushManifest(repository, sha256(body), OCI_MANIFEST, body);
        long size = config.size() + layers.stream().mapToLong(Blob::size).sum();
        return new Image(repository, null, digest, OCI_MANIFEST, size, new Arch("unknown", "unknown", null), null,
                Map.of(), config, layers, 0, body.length);
    }

    /**
     * An OCI index of {@code present} + {@code missing} platforms whose {@code missing} children are deleted after
     * the push (Distribution refuses an index with unknown children, so they exist at push time).
     */
    public Index pushIndexWithMissingChild(String repository, String tag, List<Arch> present, List<Arch> missing) {
        return pushIndex(repository, tag, present, false, OCI_INDEX, OCI_MANIFEST, OCI_CONFIG, OCI_LAYER, missing);
    }

    private Index pushIndex(String repository, String tag, List<Arch> platforms, boolean withAttestation,
                            String indexType, String childType, String configType, String layerType,
                            List<Arch> missingPlatforms) {
        List<Image> children = new ArrayList<>();
        for (Arch arch : platforms) {
            children.add(pushImage(repository, null, arch, Map.of("org.opencontainers.image.title", arch.toString()),
                    childType, configType, layerType));
        }
        List<Image> missing = new ArrayList<>();
        for (Arch arch : missingPlatforms) {
            missing.add(pushImage(repository, null, arch, Map.of(), childType, configType, layerType));
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Image child : children) {
            entries.add(indexEntry(child, platformMap(child.arch()), null));
        }
        for (Image child : missing) {
            entries.add(indexEntry(child, platformMap(child.arch()), null));
        }
        Image attestation = null;
        if (withAttestation) {
            Blob config = pushBlob(repository, toJson(Map.of("architecture", "unknown", "os", "unknown",
                    "config", Map.of(), "rootfs", Map.of("type", "layers", "diff_ids", List.of()))), OCI_CONFIG);
            Blob statement = pushBlob(repository, toJson(Map.of("_type", "https://in-toto.io/Statement/v0.1",
                    "predicateType", "https://spdx.dev/Document")), "application/vnd.in-toto+json");
            attestation = pushManifestOf(repository, null, OCI_MANIFEST, config, List.of(statement), null, null,
                    new Arch("unknown", "unknown", null), null, Map.of(), 0);
            entries.add(indexEntry(attestation, Map.of("architecture", "unknown", "os", "unknown"), Map.of(
                    "vnd.docker.reference.digest", children.getFirst().digest(),
                    "vnd.docker.reference.type", "attestation-manifest")));
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", indexType);
        index.put("manifests", entries);
        byte[] body = toJson(index);
        String digest = pushManifest(repository, tag, indexType, body);
        for (Image gone : missing) {
            deleteManifest(repository, gone.digest());
        }
        return new Index(repository, tag, digest, indexType, List.copyOf(children),
                attestation == null ? List.of() : List.of(attestation), List.copyOf(missing), body.length);
    }

    private static Map<String, Object> indexEntry(Image child, Map<String, Object> platform,
                                                  Map<String, String> annotations) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("mediaType", child.mediaType());
        entry.put("digest", child.digest());
        entry.put("size", child.manifestSize());
        entry.put("platform", platform);
        if (annotations != null) {
            entry.put("annotations", annotations);
        }
        return entry;
    }

    private static Map<String, Object> platformMap(Arch arch) {
        Map<String, Object> platform = new LinkedHashMap<>();
        platform.put("architecture", arch.architecture());
        platform.put("os", arch.os());
        if (arch.variant() != null) {
            platform.put("variant", arch.variant());
        }
        return platform;
    }

    /**
     * An OCI image of exactly these layers (already pushed to {@code repository}; a layer may repeat) whose config
     * holds these labels, run settings ({@code Entrypoint}, {@code Cmd}, {@code Env}… — {@code Env} replaces the
     * default {@code PATH}) and history steps (an instruction starting with {@code ENV}, {@code CMD},
     * {@code ENTRYPOINT}, {@code LABEL}, {@code USER}, {@code WORKDIR} or {@code EXPOSE} is an empty layer).
     */
    public Image pushOciImageOf(String repository, String tag, Arch arch, List<Blob> layers,
                                Map<String, String> labels, Map<String, Object> runConfig, List<String> history) {
        Instant created = Instant.ofEpochSecond(1_700_000_000L + ThreadLocalRandom.current().nextInt(10_000_000));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", created.toString());
        config.put("architecture", arch.architecture());
        config.put("os", arch.os());
        if (arch.variant() != null) {
            config.put("variant", arch.variant());
        }
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("Labels", labels);
        section.put("Env", List.of("PATH=/usr/bin:/bin"));
        section.putAll(runConfig);
        config.put("config", section);
        config.put("rootfs", Map.of("type", "layers",
                "diff_ids", layers.stream().map(l -> sha256(l.digest().getBytes(StandardCharsets.UTF_8))).toList()));
        List<Map<String, Object>> steps = new ArrayList<>();
        for (String step : history) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("created", created.toString());
            h.put("created_by", step);
            if (step.matches("(ENV|CMD|ENTRYPOINT|LABEL|USER|WORKDIR|EXPOSE) .*")) {
                h.put("empty_layer", true);
            }
            steps.add(h);
        }
        config.put("history", steps);
        Blob configBlob = pushBlob(repository, toJson(config), OCI_CONFIG);
        return pushManifestOf(repository, tag, OCI_MANIFEST, configBlob, layers, null, null, arch, created, labels,
                steps.size());
    }

    /**
     * An OCI index of these images (pushed to {@code repository} already, e.g. by {@link #pushOciImageOf} without
     * a tag) and, if asked, a buildx-style attestation manifest for each.
     */
    public Index pushOciIndexOf(String repository, String tag, List<Image> children, boolean withAttestations) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Image child : children) {
            entries.add(indexEntry(child, platformMap(child.arch()), null));
        }
        List<Image> attestations = new ArrayList<>();
        if (withAttestations) {
            for (Image child : children) {
                Image attestation = pushAttestation(repository, child, 512);
                attestations.add(attestation);
                entries.add(indexEntry(attestation, Map.of("architecture", "unknown", "os", "unknown"), Map.of(
                        "vnd.docker.reference.digest", child.digest(),
                        "vnd.docker.reference.type", "attestation-manifest")));
            }
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", OCI_INDEX);
        index.put("manifests", entries);
        byte[] body = toJson(index);
        String digest = pushManifest(repository, tag, OCI_INDEX, body);
        return new Index(repository, tag, digest, OCI_INDEX, List.copyOf(children), List.copyOf(attestations),
                List.of(), body.length);
    }

    // ---- artifacts ------------------------------------------------------------------------------------------

    /** A Helm chart as pushed by {@code helm push} (config {@code application/vnd.cncf.helm.config.v1+json}). */
    public Image pushHelmChart(String repository, String tag) {
        Blob config = pushBlob(repository, toJson(Map.of("apiVersion", "v2", "name", "demo", "version", tag)),
                HELM_CONFIG);
        Blob chart = pushBlob(repository, randomBytes(1500), "application/vnd.cncf.helm.chart.content.v1.tar+gzip");
        return pushManifestOf(repository, tag, OCI_MANIFEST, config, List.of(chart), null, null, null, null,
                Map.of(), 0);
    }

    /** A Helm chart whose config (Chart.yaml as JSON) is {@code chartYaml}, e.g. a version other than the tag. */
    public Image pushHelmChart(String repository, String tag, Map<String, Object> chartYaml) {
        Blob config = pushBlob(repository, toJson(chartYaml), HELM_CONFIG);
        Blob chart = pushBlob(repository, randomBytes(1500), "application/vnd.cncf.helm.chart.content.v1.tar+gzip");
        return pushManifestOf(repository, tag, OCI_MANIFEST, config, List.of(chart), null, null, null, null,
                Map.of(), 0);
    }

    /** A cosign signature of {@code signed}, tagged {@code sha256-<hex>.sig} in the same repository. */
    public Image pushCosignSignature(Image signed) {
        String repository = signed.repository();
        String tag = signed.digest().replace(':', '-') + ".sig";
        Blob config = pushBlob(repository, toJson(Map.of("architecture", "", "os", "", "config", Map.of(),
                "rootfs", Map.of("type", "layers", "diff_ids", List.of()))), OCI_CONFIG);
        Blob payload = pushBlob(repository, toJson(Map.of("critical", Map.of("image",
                Map.of("docker-manifest-digest", signed.digest())))), "application/vnd.dev.cosign.simplesigning.v1+json");
        return pushManifestOf(repository, tag, OCI_MANIFEST, config, List.of(payload), null, null, null, null,
                Map.of(), 0);
    }

    /**
     * A cosign signature of any manifest (an index too), tagged {@code sha256-<hex>.sig}: cosign's shape, a config
     * and one {@code application/vnd.dev.cosign.simplesigning.v1+json} payload layer naming the digest.
     */
    public Image pushCosignSignature(String repository, String signedDigest) {
        String tag = signedDigest.replace(':', '-') + ".sig";
        Blob config = pushBlob(repository, toJson(Map.of("architecture", "", "os", "", "config", Map.of(),
                "rootfs", Map.of("type", "layers", "diff_ids", List.of()))), OCI_CONFIG);
        Blob payload = pushBlob(repository, toJson(Map.of("critical", Map.of("image",
                Map.of("docker-manifest-digest", signedDigest)))), "application/vnd.dev.cosign.simplesigning.v1+json");
        return pushManifestOf(repository, tag, OCI_MANIFEST, config, List.of(payload), null, null, null, null,
                Map.of(), 0);
    }

    /** A generic OCI artifact: {@code artifactType} set and the empty config {@code {}}. */
    public Image pushOciArtifact(String repository, String tag) {
        Blob config = pushBlob(repository, "{}".getBytes(StandardCharsets.UTF_8), OCI_EMPTY);
        Blob sbom = pushBlob(repository, toJson(Map.of("spdxVersion", "SPDX-2.3", "name", tag)),
                "application/spdx+json");
        return pushManifestOf(repository, tag, OCI_MANIFEST, config, List.of(sbom), "application/spdx+json",
                Map.of("org.opencontainers.image.created", "2024-01-01T00:00:00Z"), null, null, Map.of(), 0);
    }

    /** Docker schema 1 signed manifest media type. */
    public static final String SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /**
     * A legacy Docker schema 1 image, signed like Docker did (libtrust JWS, ES256, key in the {@code jwk} header).
     * Its digest is that of the unsigned payload, as Distribution computes it. {@code size} is 0: schema 1 has
     * no sizes. Distribution 2.8 serves it only with {@link LocalRegistry#startWithSchema1()}.
     */
    public Image pushSchema1Image(String repository, String tag) {
        Blob layer = pushBlob(repository, randomBytes(700), DOCKER_LAYER);
        String v1 = "{\"id\":\"" + layer.digest().substring(7) + "\",\"created\":\"2016-01-02T03:04:05Z\","
                + "\"architecture\":\"amd64\",\"os\":\"linux\"}";
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 1);
        manifest.put("name", repository);
        manifest.put("tag", tag);
        manifest.put("architecture", "amd64");
        manifest.put("fsLayers", List.of(Map.of("blobSum", layer.digest())));
        manifest.put("history", List.of(Map.of("v1Compatibility", v1)));
        try {
            byte[] payload = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
            byte[] signed = Schema1Signer.sign(payload);
            pushManifest(repository, tag, SCHEMA1_SIGNED, signed);
            return new Image(repository, tag, sha256(payload), SCHEMA1_SIGNED, 0, new Arch("linux", "amd64", null),
                    null, Map.of(), null, List.of(layer), 1, signed.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} repositories {@code <prefix>-000 …} each with one tiny OCI image tagged {@code v1}. */
    public List<String> pushManyRepositories(String prefix, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = String.format("%s-%03d", prefix, i);
            Blob config = pushBlob(name, toJson(Map.of("architecture", "amd64", "os", "linux",
                    "rootfs", Map.of("type", "layers", "diff_ids", List.of()))), OCI_CONFIG);
            pushManifestOf(name, "v1", OCI_MANIFEST, config, List.of(), null, null, Arch.AMD64, null, Map.of(), 0);
            names.add(name);
        }
        return names;
    }

    // ---- plumbing -------------------------------------------------------------------------------------------

    private URI api(String repository, String path) {
        return registry.url().resolve("/v2/" + repository + path);
    }

    private HttpResponse<String> send(String repository, HttpRequest.Builder request) {
        String authorization = authorization(repository);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String authorization(String repository) {
        if (registry.username() == null) {
            return null;
        }
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                (registry.username() + ":" + registry.password()).getBytes(StandardCharsets.UTF_8));
        TokenServer tokenServer = registry.tokenServer();
        if (tokenServer == null) {
            return basic;
        }
        return "Bearer " + tokens.computeIfAbsent(repository, repo -> {
            URI uri = URI.create(tokenServer.realm() + "?service=" + TokenServer.SERVICE
                    + "&scope=repository:" + repo + ":pull,push");
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).header("Authorization", basic)
                        .build(), HttpResponse.BodyHandlers.ofString());
                expect(response, 200);
                JsonNode json = JSON.readTree(response.body());
                return json.has("token") ? json.get("token").asText() : json.get("access_token").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri() + " → "
                    + response.statusCode() + " " + response.body());
        }
    }

    private static Map<String, Object> descriptor(Blob blob) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", blob.mediaType());
        d.put("digest", blob.digest());
        d.put("size", blob.size());
        return d;
    }

    /** {@code sha256:<hex>} of the bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    static byte[] toJson(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
