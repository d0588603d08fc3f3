package dev.imagecatalog.registry;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Parses manifests and image configs (pure: bytes in, records out) and classifies what a tag points at. */
public final class ManifestParser {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COSIGN_TAG = Pattern.compile("sha256-[a-f0-9]{64}\\.(sig|att|sbom)");

    private ManifestParser() {
    }

    /**
     * Parses a manifest.
     *
     * @param body        exact bytes served
     * @param contentType the response's Content-Type (may be {@code null} or generic); the body's own
     *                    {@code mediaType} and shape decide when it is not a manifest type
     * @param digest      the manifest digest
     * @throws RegistryException BAD_RESPONSE when the body is not a manifest
     */
    public static Manifest parse(byte[] body, String contentType, String digest) {
        JsonNode root = read(body, "manifest " + digest);
        String declared = text(root, "mediaType");
        String type = stripParams(contentType);
        if (type == null || !MediaTypes.MANIFEST_ACCEPT.contains(type)) {
            type = declared;
        }
        if (root.path("schemaVersion").asInt() == 1 || MediaTypes.SCHEMA1.equals(type)
                || MediaTypes.SCHEMA1_SIGNED.equals(type)) {
            return new Manifest.Schema1(digest, type == null ? MediaTypes.SCHEMA1_SIGNED : type,
                    text(root, "architecture"), body.length);
        }
        if (root.has("manifests") || MediaTypes.OCI_INDEX.equals(type) || MediaTypes.DOCKER_LIST.equals(type)) {
            List<Manifest.IndexEntry> entries = new ArrayList<>();
            for (JsonNode m : root.path("manifests")) {
                JsonNode p = m.get("platform");
                Platform platform = p == null || !p.isObject() ? null
                        : new Platform(text(p, "os"), text(p, "architecture"), blankToNull(text(p, "variant")));
                entries.add(new Manifest.IndexEntry(descriptor(m, digest), platform, strings(m.get("annotations"))));
            }
            return new Manifest.Index(digest, type == null ? MediaTypes.OCI_INDEX : type, List.copyOf(entries), body.length);
        }
        if (root.has("config")) {
            List<Layer> layers = new ArrayList<>();
            List<Map<String, String>> notes = new ArrayList<>();
            for (JsonNode l : root.path("layers")) {
                Descriptor d = descriptor(l, digest);
                layers.add(new Layer(d.digest(), d.size(), d.mediaType()));
                notes.add(strings(l.get("annotations")));
            }
            return new Manifest.Image(digest, type == null ? MediaTypes.OCI_MANIFEST : type,
                    descriptor(root.get("config"), digest), List.copyOf(layers), text(root, "artifactType"),
                    strings(root.get("annotations")), body.length, List.copyOf(notes));
        }
        throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                "The registry returned something that is not a manifest for " + digest);
    }

    /** Parses an image config blob; tolerant of missing fields (created, labels, history are optional). */
    public static ImageConfig parseConfig(byte[] body, String digest) {
        JsonNode root = read(body, "config " + digest);
        Platform platform = new Platform(text(root, "os"), text(root, "architecture"),
                blankToNull(text(root, "variant")));
        List<HistoryEntry> history = new ArrayList<>();
        for (JsonNode h : root.path("history")) {
            history.add(new HistoryEntry(instant(text(h, "created")), text(h, "created_by"), text(h, "comment"),
                    h.path("empty_layer").asBoolean(false)));
        }
        return new ImageConfig(instant(text(root, "created")), platform, strings(root.path("config").get("Labels")),
                List.copyOf(history), defaults(root.path("config")));
    }

    /**
     * Parses a Helm chart config (Chart.yaml as JSON): name, version, appVersion and description, each cut at
     * {@link ChartConfig#MAX_TEXT} characters.
     *
     * @throws RegistryException BAD_RESPONSE when the body is not JSON
     */
    public static ChartConfig parseChartConfig(byte[] body, String digest) {
        JsonNode root = read(body, "chart config " + digest);
        return new ChartConfig(cut(text(root, "name")), cut(text(root, "version")), cut(text(root, "appVersion")),
                cut(text(root, "description")));
    }

    private static String cut(String value) {
        String v = blankToNull(value);
        return v == null || v.length() <= ChartConfig.MAX_TEXT ? v : v.substring(0, ChartConfig.MAX_TEXT) + "…";
    }

    /** {@code config.Entrypoint}, {@code Cmd}, {@code Env}, {@code ExposedPorts}, {@code User}, … (all optional). */
    private static RunDefaults defaults(JsonNode config) {
        if (!config.isObject()) {
            return RunDefaults.NONE;
        }
        List<String> ports = new ArrayList<>();
        JsonNode exposed = config.get("ExposedPorts");
        if (exposed != null && exposed.isObject()) {
            exposed.fieldNames().forEachRemaining(ports::add);
        }
        ports.sort(null);
        return new RunDefaults(list(config.get("Entrypoint")), list(config.get("Cmd")), list(config.get("Env")),
                ports, blankToNull(text(config, "User")), blankToNull(text(config, "WorkingDir")),
                blankToNull(text(config, "StopSignal")));
    }

    /** A JSON array of strings (a lone string counts as one item, as Docker reads it); empty otherwise. */
    private static List<String> list(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : node) {
            items.add(item.isNull() ? "" : item.asText());
        }
        return List.copyOf(items);
    }

    /**
     * What a tag points at: cosign tags by name; schema 1; indexes; Helm charts by config media type; other OCI
     * artifacts by {@code artifactType} or a config that is not an image config (e.g. the empty config).
     */
    public static ArtifactKind classify(String tag, Manifest manifest) {
        if (tag != null && COSIGN_TAG.matcher(tag).matches()) {
            return ArtifactKind.SIGNATURE;
        }
        return switch (manifest) {
            case Manifest.Schema1 s -> ArtifactKind.SCHEMA1;
            case Manifest.Index i -> ArtifactKind.INDEX;
            case Manifest.Image image -> {
                String configType = image.config().mediaType();
                if (MediaTypes.HELM_CONFIG.equals(configType)) {
                    yield ArtifactKind.HELM_CHART;
                }
                if (image.artifactType() != null || !MediaTypes.isImageConfig(configType)) {
                    yield ArtifactKind.ARTIFACT;
                }
                yield ArtifactKind.IMAGE;
            }
        };
    }

    /**
     * A descriptor, its digest validated: a manifest is input, and a child or config digest ends up in request
     * paths and pod images ({@code not-a-digest/../../x} must never get there).
     */
    private static Descriptor descriptor(JsonNode node, String context) {
        if (node == null || !node.hasNonNull("digest")) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                    "Manifest " + context + " has a descriptor without digest");
        }
        String digest = node.get("digest").asText();
        if (!Digests.isValid(digest)) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE, "Manifest " + context
                    + " has a descriptor with an invalid digest: \"" + abbreviate(digest) + "\"");
        }
        long size = node.path("size").asLong(0);
        if (size < 0) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                    "Manifest " + context + " has a descriptor with a negative size");
        }
        return new Descriptor(text(node, "mediaType"), digest, size);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    private static JsonNode read(byte[] body, String what) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                        "The registry returned an invalid " + what + " (not a JSON object)");
            }
            return root;
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.BAD_RESPONSE,
                    "The registry returned an invalid " + what + " (not JSON)", e);
        }
    }

    private static Map<String, String> strings(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        return java.util.Collections.unmodifiableMap(map);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static String stripParams(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
    }

    /** RFC 3339 with any offset; {@code null} when absent or unparsable (images built with odd tools exist). */
    static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
