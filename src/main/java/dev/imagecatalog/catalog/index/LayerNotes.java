package dev.imagecatalog.catalog.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.registry.Manifest;
import dev.imagecatalog.registry.SigningCertificate;

/** Turns a manifest's layer annotations into the few {@link IndexedManifest.LayerNote}s the index keeps. */
final class LayerNotes {

    static final String COSIGN_SIGNATURE = "dev.cosignproject.cosign/signature";
    static final String COSIGN_CERTIFICATE = "dev.sigstore.cosign/certificate";
    /** cosign's attestation layers name their predicate so. */
    static final String PREDICATE_TYPE = "predicateType";
    /** buildx's attestation layers name their predicate so. */
    static final String IN_TOTO_PREDICATE_TYPE = "in-toto.io/predicate-type";

    private LayerNotes() {
    }

    /** One note per layer whose annotations name a signature or a predicate type; none for ordinary images. */
    static List<IndexedManifest.LayerNote> of(Manifest.Image image) {
        List<IndexedManifest.LayerNote> notes = new ArrayList<>();
        for (int i = 0; i < image.layers().size(); i++) {
            Map<String, String> a = image.layerAnnotations(i);
            if (a.isEmpty()) {
                continue;
            }
            String predicate = a.getOrDefault(PREDICATE_TYPE, a.get(IN_TOTO_PREDICATE_TYPE));
            boolean signature = a.containsKey(COSIGN_SIGNATURE);
            if (predicate == null && !signature) {
                continue;
            }
            // the certificate is parsed once, when the manifest is read; only the two names are kept
            SigningCertificate cert = signature ? SigningCertificate.of(a.get(COSIGN_CERTIFICATE)) : null;
            notes.add(new IndexedManifest.LayerNote(image.layers().get(i).digest(),
                    Names.intern(bounded(predicate)), signature,
                    cert == null ? null : bounded(cert.identity()), cert == null ? null : bounded(cert.issuer())));
        }
        return notes.isEmpty() ? List.of() : List.copyOf(notes);
    }

    private static String bounded(String value) {
        int max = IndexedManifest.Limits.NOTE_VALUE;
        return value == null || value.length() <= max ? value : value.substring(0, max) + "…";
    }
}
