package dev.imagecatalog.catalog.index;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.Platform;
import dev.imagecatalog.registry.TagSummary;

/**
 * The index as bytes, one format for a peer's copy ({@code GET /api/index/snapshot}) and the snapshot on disk:
 * UTF-8 lines — a header ({@code format}, {@code version}, when written), one line per repository (its manifests'
 * parsed fields and its tags as name → digest; tag summaries are derived again from the manifests on load, as the
 * crawl derives them), and a trailer with the repository count and the SHA-256 of every byte before it.
 *
 * <p>Written repository by repository and read line by line, so neither side holds the bytes of a whole index; the
 * reader builds fresh snapshots and hands them out only when the trailer's checksum verifies: a corrupt, truncated
 * or foreign-version copy is refused whole ({@link Invalid}), never half-loaded.
 */
public final class IndexFormat {

    /** Names the format in the header. */
    static final String FORMAT = "image-catalog-index";
    /** Bumped when a line's meaning changes; another version is refused. */
    public static final int VERSION = 1;
    /** Longest line accepted (one repository's manifests; a 3,000-tag repository is a few MB). */
    static final int MAX_LINE = 64 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    /** The copy cannot be used: corrupt, truncated, too large, or of another format version. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** What a verified copy holds. */
    public record Loaded(Instant written, List<RepositorySnapshot> repositories) {
    }

    private IndexFormat() {
    }

    /** Writes every indexed repository (a weakly consistent pass: each repository as it is when reached). */
    public static void write(RegistryIndex index, OutputStream out) throws IOException {
        MessageDigest sha = sha256();
        ByteArrayOutputStream line = new ByteArrayOutputStream(64 * 1024);
        try (JsonGenerator g = FACTORY.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeStringField("written", Instant.now().toString());
            g.writeEndObject();
        }
        emit(line, sha, out);
        int count = 0;
        for (RepositorySnapshot s : index.snapshots()) {
            try (JsonGenerator g = FACTORY.createGenerator(line)) {
                repository(g, s);
            }
            emit(line, sha, out);
            count++;
        }
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeBooleanField("end", true);
            g.writeNumberField("repositories", count);
            g.writeStringField("sha256", HexFormat.of().formatHex(sha.digest()));
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    private static void emit(ByteArrayOutputStream line, MessageDigest sha, OutputStream out) throws IOException {
        line.write('\n');
        byte[] bytes = line.toByteArray();
        sha.update(bytes);
        out.write(bytes);
        line.reset();
    }

    /**
     * Reads a whole copy, at most {@code maxBytes}: the repositories, only when every line parsed, the trailer came
     * and its checksum and count match.
     */
    public static Loaded read(InputStream in, long maxBytes) throws IOException, Invalid {
        MessageDigest sha = sha256();
        Lines lines = new Lines(in, maxBytes);
        byte[] first = lines.next();
        if (first == null) {
            throw new Invalid("empty");
        }
        JsonNode header = parse(first);
        if (!FORMAT.equals(header.path("format").asText())) {
            throw new Invalid("not an index copy (format " + header.path("format") + ")");
        }
        if (header.path("version").asInt(-1) != VERSION) {
            throw new Invalid("format version " + header.path("version") + ", this service reads " + VERSION);
        }
        sha.update(first);
        Instant written = instant(header.path("written").asText(null));
        List<RepositorySnapshot> repositories = new ArrayList<>();
        while (true) {
            byte[] bytes = lines.next();
            if (bytes == null) {
                throw new Invalid("truncated after " + repositories.size() + " repositories (no trailer)");
            }
            JsonNode node = parse(bytes);
            if (node.path("end").asBoolean(false)) {
                String expected = HexFormat.of().formatHex(sha.digest());
                if (!expected.equals(node.path("sha256").asText())) {
                    throw new Invalid("checksum mismatch");
                }
                if (node.path("repositories").asInt(-1) != repositories.size()) {
                    throw new Invalid("trailer counts " + node.path("repositories") + " repositories, read "
                            + repositories.size());
                }
                if (lines.next() != null) {
                    throw new Invalid("data after the trailer");
                }
                return new Loaded(written, repositories);
            }
            sha.update(bytes);
            try {
                repositories.add(repository(node));
            } catch (RuntimeException e) {
                throw new Invalid("unreadable repository line: " + e.getMessage());
            }
        }
    }

    // ---- one repository ---------------------------------------------------------------------------------------

    private static void repository(JsonGenerator g, RepositorySnapshot s) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", s.name());
        g.writeArrayFieldStart("manifests");
        for (IndexedManifest m : s.manifests().values()) {
            manifest(g, m);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("tags");
        for (TagSummary t : s.tags()) {
            g.writeStartArray();
            g.writeString(t.name());
            g.writeString(t.digest());
            if (t.error() != null) {
                g.writeString(t.error());
            }
            g.writeEndArray();
        }
        g.writeEndArray();
        if (!s.referrers().isEmpty()) {
            // what the registry's referrers API listed, by subject (the manifests themselves are in "manifests")
            g.writeObjectFieldStart("referrers");
            for (Map.Entry<String, List<String>> e : s.referrers().entrySet()) {
                g.writeArrayFieldStart(e.getKey());
                for (String d : e.getValue()) {
                    g.writeString(d);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void manifest(JsonGenerator g, IndexedManifest m) throws IOException {
        g.writeStartObject();
        g.writeStringField("digest", m.digest());
        g.writeStringField("mediaType", m.mediaType());
        g.writeNumberField("bytes", m.bytes());
        switch (m) {
            case IndexedManifest.Image i -> {
                g.writeStringField("kind", i.kind().name());
                if (i.config() != null) {
                    g.writeFieldName("config");
                    layer(g, i.config());
                }
                g.writeArrayFieldStart("layers");
                for (Layer l : i.layers()) {
                    layer(g, l);
                }
                g.writeEndArray();
                if (i.platform() != null) {
                    g.writeFieldName("platform");
                    platform(g, i.platform());
                }
                if (i.created() != null) {
                    g.writeStringField("created", i.created().toString());
                }
                g.writeObjectFieldStart("labels");
                for (Map.Entry<String, String> e : i.labels().entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
                g.writeBooleanField("labelsComplete", i.labelsComplete());
                if (!i.notes().isEmpty()) {
                    // what signature and attestation layers say: the attached list and badges come from these
                    g.writeArrayFieldStart("notes");
                    for (IndexedManifest.LayerNote n : i.notes()) {
                        g.writeStartArray();
                        g.writeString(n.layer());
                        g.writeString(n.predicateType());
                        g.writeBoolean(n.signature());
                        g.writeString(n.identity());
                        g.writeString(n.issuer());
                        g.writeEndArray();
                    }
                    g.writeEndArray();
                }
            }
            case IndexedManifest.Index x -> {
                g.writeStringField("kind", "INDEX");
                g.writeArrayFieldStart("children");
                for (IndexedManifest.Child c : x.children()) {
                    child(g, c);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("attestations");
                for (String a : x.attestations()) {
                    g.writeString(a);
                }
                g.writeEndArray();
                g.writeBooleanField("capped", x.capped());
                if (!x.missing().isEmpty()) {
                    // platforms the registry answered 404 for: pages say "missing from the registry"
                    g.writeArrayFieldStart("missing");
                    for (IndexedManifest.Child c : x.missing()) {
                        child(g, c);
                    }
                    g.writeEndArray();
                }
            }
        }
        g.writeEndObject();
    }

    private static void child(JsonGenerator g, IndexedManifest.Child c) throws IOException {
        g.writeStartObject();
        g.writeStringField("digest", c.digest());
        if (c.platform() != null) {
            g.writeFieldName("platform");
            platform(g, c.platform());
        }
        g.writeEndObject();
    }

    private static void layer(JsonGenerator g, Layer l) throws IOException {
        g.writeStartArray();
        g.writeString(l.digest());
        g.writeNumber(l.size());
        g.writeString(l.mediaType());
        g.writeEndArray();
    }

    private static void platform(JsonGenerator g, Platform p) throws IOException {
        g.writeStartArray();
        g.writeString(p.os());
        g.writeString(p.architecture());
        if (p.variant() != null) {
            g.writeString(p.variant());
        }
        g.writeEndArray();
    }

    /** A repository line back into a snapshot, shared values interned as the crawl interns them. */
    private static RepositorySnapshot repository(JsonNode node) {
        String name = text(node, "name");
        RepositoryReader reader = new RepositoryReader(null, name, null);
        // images first, then indexes: an index's children and attestations then name the images' own digest
        // instances, as after a crawl (20,000 tags hold some 10,000 such references)
        for (boolean indexes : new boolean[] {false, true}) {
            for (JsonNode m : node.path("manifests")) {
                if ("INDEX".equals(m.path("kind").asText()) == indexes) {
                    IndexedManifest entry = manifest(m, reader);
                    reader.manifests.put(entry.digest(), entry);
                }
            }
        }
        List<TagSummary> tags = new ArrayList<>();
        for (JsonNode t : node.path("tags")) {
            String tag = t.path(0).asText();
            String digest = t.path(1).isNull() ? null : t.path(1).asText(null);
            String error = t.has(2) ? t.path(2).asText() : null;
            IndexedManifest m = digest == null ? null : reader.manifests.get(digest);
            tags.add(error == null && m != null ? reader.summary(tag, m) : TagSummary.failed(tag, digest,
                    error != null ? error : "manifest missing from the index copy"));
        }
        Map<String, List<String>> referrers = new LinkedHashMap<>();
        node.path("referrers").properties().forEach(e -> {
            List<String> digests = new ArrayList<>();
            e.getValue().forEach(d -> digests.add(d.asText()));
            referrers.put(e.getKey(), List.copyOf(digests));
        });
        return reader.snapshot(tags, referrers);
    }

    /**
     * One manifest; digests of manifests the reader knows are taken as those manifests hold them, labels shared as a
     * crawl shares them.
     */
    private static IndexedManifest manifest(JsonNode m, RepositoryReader reader) {
        Map<String, IndexedManifest> known = reader.manifests;
        String digest = text(m, "digest");
        String mediaType = Names.intern(m.path("mediaType").asText(null));
        long bytes = m.path("bytes").asLong();
        String kind = text(m, "kind");
        if (kind.equals("INDEX")) {
            List<IndexedManifest.Child> children = new ArrayList<>();
            for (JsonNode c : m.path("children")) {
                children.add(new IndexedManifest.Child(shared(text(c, "digest"), known), platform(c.get("platform"))));
            }
            List<String> attestations = new ArrayList<>();
            for (JsonNode a : m.path("attestations")) {
                attestations.add(shared(a.asText(), known));
            }
            List<IndexedManifest.Child> missing = new ArrayList<>();
            for (JsonNode c : m.path("missing")) {
                missing.add(new IndexedManifest.Child(text(c, "digest"), platform(c.get("platform"))));
            }
            return new IndexedManifest.Index(digest, mediaType, List.copyOf(children), List.copyOf(attestations),
                    m.path("capped").asBoolean(), bytes, missing);
        }
        JsonNode config = m.get("config");
        List<Layer> layers = new ArrayList<>();
        for (JsonNode l : m.path("layers")) {
            layers.add(layer(l, reader));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        m.path("labels").properties().forEach(e -> labels.put(Names.intern(e.getKey()), e.getValue().asText()));
        return new IndexedManifest.Image(digest, mediaType, ArtifactKind.valueOf(kind),
                config == null ? null : layer(config, reader), List.copyOf(layers), platform(m.get("platform")),
                instant(m.path("created").asText(null)), reader.sharedLabels(labels),
                m.path("labelsComplete").asBoolean(true), bytes, notes(m.path("notes")));
    }

    private static String shared(String digest, Map<String, IndexedManifest> known) {
        IndexedManifest m = known.get(digest);
        return m == null ? digest : m.digest();
    }

    private static List<IndexedManifest.LayerNote> notes(JsonNode notes) {
        List<IndexedManifest.LayerNote> list = new ArrayList<>();
        for (JsonNode n : notes) {
            list.add(new IndexedManifest.LayerNote(n.path(0).asText(), n.path(1).isNull() ? null : n.path(1).asText(),
                    n.path(2).asBoolean(), n.path(3).isNull() ? null : n.path(3).asText(),
                    n.path(4).isNull() ? null : n.path(4).asText()));
        }
        return list.isEmpty() ? List.of() : List.copyOf(list);
    }

    private static Layer layer(JsonNode l, RepositoryReader reader) {
        return reader.layer(l.path(0).asText(), l.path(1).asLong(), l.path(2).asText(null));
    }

    private static Platform platform(JsonNode p) {
        if (p == null || p.isNull()) {
            return null;
        }
        return Names.platform(new Platform(p.path(0).asText(), p.path(1).asText(),
                p.has(2) ? p.path(2).asText() : null));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("no " + field);
        }
        return v.asText();
    }

    private static Instant instant(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static JsonNode parse(byte[] line) throws Invalid {
        try {
            JsonNode node = JSON.readTree(line);
            if (node == null || !node.isObject()) {
                throw new Invalid("a line is no JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new Invalid("a line is no JSON: " + e.getMessage());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Lines of at most {@link #MAX_LINE} bytes (newline included), all together at most {@code maxBytes}. */
    private static final class Lines {
        private final InputStream in;
        private final long maxBytes;
        private final byte[] buffer = new byte[64 * 1024];
        private int pos;
        private int end;
        private long total;

        Lines(InputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        /** The next line with its newline, or {@code null} at the end of the stream. */
        byte[] next() throws IOException, Invalid {
            ByteArrayOutputStream line = null;
            while (true) {
                if (pos == end) {
                    end = in.read(buffer);
                    pos = 0;
                    if (end <= 0) {
                        end = 0;
                        if (line != null && line.size() > 0) {
                            throw new Invalid("truncated: the last line has no end");
                        }
                        return null;
                    }
                    total += end;
                    if (total > maxBytes) {
                        throw new Invalid("larger than " + maxBytes + " bytes");
                    }
                }
                int start = pos;
                while (pos < end && buffer[pos] != '\n') {
                    pos++;
                }
                if (line == null) {
                    line = new ByteArrayOutputStream(pos < end ? pos - start + 1 : 4096);
                }
                boolean complete = pos < end;
                if (complete) {
                    pos++;
                }
                line.write(buffer, start, pos - start);
                if (line.size() > MAX_LINE) {
                    throw new Invalid("a line is longer than " + MAX_LINE + " bytes");
                }
                if (complete) {
                    return line.toByteArray();
                }
            }
        }
    }

    /** Serialises to a byte array (tests, small indexes). */
    static byte[] toBytes(RegistryIndex index) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(index, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
