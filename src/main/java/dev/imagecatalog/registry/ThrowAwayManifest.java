package dev.imagecatalog.registry;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The manifest an untag on Distribution 2.8 points the tag at before deleting it by digest: an OCI manifest with
 * the 2-byte empty config {@code {}} ({@code application/vnd.oci.empty.v1+json}), no layers, and a nonce annotation
 * so that its digest is unique — a digest shared with any other tag would take that tag with it on delete.
 */
final class ThrowAwayManifest {

    /** The empty JSON object every OCI "empty" descriptor names. */
    static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);
    /** {@code sha256} of {@link #EMPTY_CONFIG}. */
    static final String EMPTY_CONFIG_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    /** Annotation carrying the nonce (and saying where the manifest came from, to anyone who finds one). */
    static final String NONCE_ANNOTATION = "dev.imagecatalog.untag.nonce";

    private ThrowAwayManifest() {
    }

    /** A new throw-away manifest's bytes, unique by a random nonce. */
    static byte[] create() {
        return create(UUID.randomUUID().toString());
    }

    static byte[] create(String nonce) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + EMPTY_CONFIG_DIGEST + "\",\"size\":"
                + EMPTY_CONFIG.length + "},\"layers\":[],\"annotations\":{\"" + NONCE_ANNOTATION + "\":\"" + nonce
                + "\"}}").getBytes(StandardCharsets.UTF_8);
    }
}
