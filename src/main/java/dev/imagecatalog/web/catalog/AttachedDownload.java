package dev.imagecatalog.web.catalog;


import dev.imagecatalog.catalog.AttachedDocument;
import dev.imagecatalog.catalog.index.Attached;
import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.registry.Digests;
import dev.imagecatalog.web.http.Html;
import dev.imagecatalog.web.http.WebException;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /api/repositories/<name>/attached/<digest>}: an SBOM, attestation or signature payload attached to a
 * manifest of the repository, as a download. Only a digest the index knows as attached in that repository is
 * served (anything else is 404: this is no general blob proxy), at most {@link #MAX_BYTES}; the bytes are the
 * registry's (an attacker's document, possibly): served as {@code application/json} or {@code text/plain}, never
 * as HTML, with {@code Content-Disposition: attachment} and {@code nosniff}.
 */
final class AttachedDownload {

    /** Largest document served (SBOMs of large images run to megabytes: those are pulled with oras or cosign). */
    static final int MAX_BYTES = 1024 * 1024;

    private AttachedDownload() {
    }

    /** The command that fetches a document from the registry itself ({@code pullHost} null: {@code <registry>}). */
    static String fetchCommand(String pullHost, String repository, String digest) {
        return "oras blob fetch --output " + digest.replace(':', '-') + ".json "
                + (pullHost == null ? "<registry>" : pullHost) + "/" + repository + "@" + digest;
    }

    static void send(ServerResponse res, Catalog catalog, String repository, String digest) {
        if (!RepositoryPath.isRepositoryName(repository)) {
            throw WebException.badRequest("\"" + repository + "\" is not a valid repository name "
                    + "(lower-case letters, digits and . _ - separated by /).");
        }
        if (!Digests.isValid(digest)) {
            throw WebException.badRequest("\"" + digest + "\" is not a digest (sha256:<64 hex digits>).");
        }
        Attached attached = catalog.attachments(repository).document(digest);
        if (attached != null && attached.size() > MAX_BYTES) {
            // our limit, not the registry's fault (a 502 would say so): the answer names the way around it
            throw WebException.tooLarge("The document " + digest + " has "
                    + attached.size() + " bytes, more than the " + MAX_BYTES + " this service serves. Fetch it from "
                    + "the registry: " + fetchCommand(null, repository, digest));
        }
        AttachedDocument doc = catalog.attachedDocument(repository, digest, MAX_BYTES);
        boolean json = doc.attached().json();
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, json ? "application/json" : "text/plain; charset=utf-8");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\""
                + digest.replace(':', '-') + (json ? ".json" : ".txt") + "\"");
        res.header(HeaderValues.X_CONTENT_TYPE_OPTIONS_NOSNIFF);
        res.header(Html.NO_STORE);
        res.header(HeaderNames.create("Content-Security-Policy"), "default-src 'none'; sandbox");
        res.send(doc.bytes());
    }

}
