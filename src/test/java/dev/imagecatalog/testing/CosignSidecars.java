package dev.imagecatalog.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.imagecatalog.testing.TestPusher.Blob;

/**
 * Pushes what {@code cosign sign}, {@code cosign attest} and {@code cosign attach sbom} push: sidecar tags
 * {@code sha256-<hex>.sig/.att/.sbom} whose manifests have cosign's config and layers with cosign's real media types
 * and annotations — a simple-signing payload with {@code dev.cosignproject.cosign/signature} (and, keyless, the
 * Fulcio-shaped certificate in {@code dev.sigstore.cosign/certificate}), DSSE envelopes of in-toto statements with
 * {@code predicateType}, an SPDX or CycloneDX document.
 */
public final class CosignSidecars {

    public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
    public static final String DSSE = "application/vnd.dsse.envelope.v1+json";
    public static final String SPDX = "text/spdx+json";
    public static final String CYCLONEDX = "application/vnd.cyclonedx+json";

    private final TestPusher pusher;

    /**
     * A pushed sidecar.
     *
     * @param tag    its tag
     * @param digest its manifest digest
     * @param layers its layers (the attached documents), in order
     */
    public record Sidecar(String tag, String digest, List<Blob> layers) {
    }

    public CosignSidecars(TestPusher pusher) {
        this.pusher = pusher;
    }

    /** {@code cosign sign} (keyless when {@code certificatePem} is given) of the manifest {@code subject}. */
    public Sidecar sign(String repository, String subject, String certificatePem) {
        byte[] payload = TestPusher.toJson(Map.of("critical", Map.of(
                "identity", Map.of("docker-reference", "registry.example/" + repository),
                "image", Map.of("docker-manifest-digest", subject),
                "type", "cosign container image signature"), "optional", Map.of()));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("dev.cosignproject.cosign/signature",
                Base64.getEncoder().encodeToString(TestPusher.random(71)));
        if (certificatePem != null) {
            annotations.put("dev.sigstore.cosign/certificate", certificatePem);
            annotations.put("dev.sigstore.cosign/chain", certificatePem);
        }
        return push(repository, subject, "sig", List.of(new Layer(payload, SIMPLE_SIGNING, annotations)));
    }

    /** {@code cosign attest --type <predicate>} of {@code subject}: one DSSE envelope per predicate type. */
    public Sidecar attest(String repository, String subject, List<String> predicateTypes) {
        List<Layer> layers = new ArrayList<>();
        for (String predicateType : predicateTypes) {
            byte[] statement = TestPusher.toJson(Map.of("_type", "https://in-toto.io/Statement/v0.1",
                    "predicateType", predicateType,
                    "subject", List.of(Map.of("name", "registry.example/" + repository,
                            "digest", Map.of("sha256", subject.substring(7)))),
                    "predicate", Map.of("note", "attested by the test")));
            byte[] envelope = TestPusher.toJson(Map.of("payloadType", "application/vnd.in-toto+json",
                    "payload", Base64.getEncoder().encodeToString(statement),
                    "signatures", List.of(Map.of("keyid", "", "sig",
                            Base64.getEncoder().encodeToString(TestPusher.random(70))))));
            layers.add(new Layer(envelope, DSSE, Map.of("predicateType", predicateType)));
        }
        return push(repository, subject, "att", layers);
    }

    /** {@code cosign attach sbom --type spdx|cyclonedx} of {@code subject}. */
    public Sidecar sbom(String repository, String subject, String mediaType, byte[] document) {
        return push(repository, subject, "sbom", List.of(new Layer(document, mediaType, Map.of())));
    }

    private record Layer(byte[] bytes, String mediaType, Map<String, String> annotations) {
    }

    private Sidecar push(String repository, String subject, String suffix, List<Layer> layers) {
        List<Blob> blobs = new ArrayList<>();
        List<Map<String, Object>> descriptors = new ArrayList<>();
        for (Layer l : layers) {
            Blob blob = pusher.pushBlob(repository, l.bytes(), l.mediaType());
            blobs.add(blob);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("mediaType", l.mediaType());
            d.put("size", blob.size());
            d.put("digest", blob.digest());
            if (!l.annotations().isEmpty()) {
                d.put("annotations", l.annotations());
            }
            descriptors.add(d);
        }
        // cosign's config: an image config naming the layers as its rootfs
        Blob config = pusher.pushBlob(repository, TestPusher.toJson(Map.of("architecture", "", "os", "",
                "config", Map.of(), "created", "0001-01-01T00:00:00Z", "rootfs", Map.of("type", "layers",
                        "diff_ids", blobs.stream().map(Blob::digest).toList()))), TestPusher.OCI_CONFIG);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", TestPusher.OCI_MANIFEST);
        manifest.put("config", Map.of("mediaType", TestPusher.OCI_CONFIG, "size", config.size(),
                "digest", config.digest()));
        manifest.put("layers", descriptors);
        String tag = subject.replace(':', '-') + "." + suffix;
        String digest = pusher.pushManifest(repository, tag, TestPusher.OCI_MANIFEST, TestPusher.toJson(manifest));
        return new Sidecar(tag, digest, List.copyOf(blobs));
    }

    /**
     * A certificate shaped like Fulcio's (made with the JDK's keytool): the identity as an e-mail subject
     * alternative name, the OIDC issuer in Fulcio's extension {@code 1.3.6.1.4.1.57264.1.8}; PEM.
     */
    public static String fulcioLikeCertificate(String email, String issuer) {
        try {
            Path dir = Files.createTempDirectory("cert");
            Path store = dir.resolve("ks.p12");
            byte[] utf8 = issuer.getBytes(StandardCharsets.UTF_8);
            // the extension's value: a DER UTF8String (tag 0x0c, short length)
            String value = "0c" + String.format("%02x", utf8.length) + HexFormat.of().formatHex(utf8);
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(keytool, "-genkeypair", "-alias", "s", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=sigstore", "-ext", "san=email:" + email, "-ext", "1.3.6.1.4.1.57264.1.8=" + value,
                    "-validity", "1", "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", "changeit", "-keypass", "changeit");
            Path pem = dir.resolve("cert.pem");
            run(keytool, "-exportcert", "-rfc", "-alias", "s", "-keystore", store.toString(),
                    "-storetype", "PKCS12", "-storepass", "changeit", "-file", pem.toString());
            return Files.readString(pem);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
