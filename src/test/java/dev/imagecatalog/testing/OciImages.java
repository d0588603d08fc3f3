package dev.imagecatalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Seeds a registry the way a real client does: builds an OCI image layout with {@code umoci} (new image, config
 * with os / architecture / created / labels, one inserted file as a layer) and copies it with
 * {@code skopeo copy --dest-tls-verify=false oci:DIR:TAG docker://127.0.0.1:PORT/REPO:TAG}.
 * The returned {@link TestPusher.Image} is read from the layout's own files (manifest bytes, descriptor sizes),
 * not from the code under test. umoci cannot set a variant, so images built here have none.
 */
public final class OciImages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OciImages() {
    }

    /** Builds a one-layer image for {@code os/architecture} with these labels and copies it to {@code repo:tag}. */
    public static TestPusher.Image push(LocalRegistry registry, String repository, String tag, String os,
                                        String architecture, Map<String, String> labels) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("oci-layout-");
            Path layout = dir.resolve("layout");
            String image = layout + ":" + tag;
            Instant created = Instant.parse("2025-03-04T05:06:07Z");
            LocalRegistry.run("umoci", "init", "--layout", layout.toString());
            LocalRegistry.run("umoci", "new", "--image", image);
            List<String> config = new ArrayList<>(List.of("umoci", "config", "--image", image, "--os", os,
                    "--architecture", architecture, "--created", created.toString(),
                    "--config.cmd", "/hello"));
            labels.forEach((k, v) -> {
                config.add("--config.label");
                config.add(k + "=" + v);
            });
            LocalRegistry.run(config.toArray(String[]::new));
            Path file = dir.resolve("hello");
            Files.writeString(file, "hello from " + repository + ":" + tag + " " + System.nanoTime() + "\n");
            LocalRegistry.run("umoci", "insert", "--image", image, "--history.created_by", "COPY hello /hello",
                    file.toString(), "/hello");
            List<String> copy = new ArrayList<>(List.of("skopeo", "copy", "--dest-tls-verify=false"));
            if (registry.username() != null) {
                copy.add("--dest-creds");
                copy.add(registry.username() + ":" + registry.password());
            }
            copy.add("oci:" + image);
            copy.add("docker://" + registry.hostPort() + "/" + repository + ":" + tag);
            LocalRegistry.run(copy.toArray(String[]::new));
            return read(layout, repository, tag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                LocalRegistry.deleteRecursively(dir);
            }
        }
    }

    private static TestPusher.Image read(Path layout, String repository, String tag) throws IOException {
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode entry = null;
        for (JsonNode m : index.get("manifests")) {
            if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
                entry = m;
            }
        }
        if (entry == null) {
            throw new IllegalStateException("tag " + tag + " not in " + index);
        }
        String digest = entry.get("digest").asText();
        byte[] manifestBytes = blob(layout, digest);
        if (!TestPusher.sha256(manifestBytes).equals(digest)) {
            throw new IllegalStateException("layout manifest does not match its digest");
        }
        JsonNode manifest = JSON.readTree(manifestBytes);
        JsonNode configDescriptor = manifest.get("config");
        TestPusher.Blob config = new TestPusher.Blob(configDescriptor.get("digest").asText(),
                configDescriptor.get("size").asLong(), configDescriptor.get("mediaType").asText());
        List<TestPusher.Blob> layers = new ArrayList<>();
        for (JsonNode l : manifest.get("layers")) {
            layers.add(new TestPusher.Blob(l.get("digest").asText(), l.get("size").asLong(),
                    l.get("mediaType").asText()));
        }
        JsonNode configJson = JSON.readTree(blob(layout, config.digest()));
        Map<String, String> labels = JSON.convertValue(configJson.path("config").path("Labels"),
                JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
        long size = config.size() + layers.stream().mapToLong(TestPusher.Blob::size).sum();
        return new TestPusher.Image(repository, tag, digest, manifest.path("mediaType").asText(TestPusher.OCI_MANIFEST),
                size, new TestPusher.Arch(configJson.get("os").asText(), configJson.get("architecture").asText(), null),
                Instant.parse(configJson.get("created").asText()), labels == null ? Map.of() : Map.copyOf(labels),
                config, List.copyOf(layers), configJson.path("history").size(), manifestBytes.length);
    }

    private static byte[] blob(Path layout, String digest) throws IOException {
        String[] parts = digest.split(":", 2);
        return Files.readAllBytes(layout.resolve("blobs").resolve(parts[0]).resolve(parts[1]));
    }
}
