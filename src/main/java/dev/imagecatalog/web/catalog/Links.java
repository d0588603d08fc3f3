package dev.imagecatalog.web.catalog;

import dev.imagecatalog.registry.ArtifactKind;

/** URLs of pages and {@code docker pull} commands, built in one place so templates and tests agree. */
public final class Links {

    private Links() {
    }

    /** {@code /repositories/team-a/app}: names and tags are already URL-safe by their grammar. */
    public static String repository(String repository) {
        return "/repositories/" + repository;
    }

    /** {@code /repositories/team-a/app/tags/v1}. */
    public static String tag(String repository, String tag) {
        return repository(repository) + "/tags/" + tag;
    }

    /** {@code /api/repositories/team-a/app/attached/sha256:…}: where an attached document is downloaded. */
    public static String attachedDocument(String repository, String digest) {
        return "/api" + repository(repository) + "/attached/" + digest;
    }

    /**
     * The pull command a person would use for this kind of artifact: {@code helm pull oci://…} for a Helm chart,
     * {@code oras pull …} for other OCI artifacts and signatures, {@code docker pull …} for images.
     */
    public static String pullByTag(ArtifactKind kind, String pullHost, String repository, String tag) {
        return switch (kind) {
            case HELM_CHART -> "helm pull oci://" + pullHost + "/" + repository + " --version " + tag;
            case ARTIFACT, SIGNATURE -> "oras pull " + pullHost + "/" + repository + ":" + tag;
            default -> pullByTag(pullHost, repository, tag);
        };
    }

    /** {@link #pullByTag(ArtifactKind, String, String, String)} by digest. */
    public static String pullByDigest(ArtifactKind kind, String pullHost, String repository, String digest) {
        return switch (kind) {
            case HELM_CHART -> "helm pull oci://" + pullHost + "/" + repository + "@" + digest;
            case ARTIFACT, SIGNATURE -> "oras pull " + pullHost + "/" + repository + "@" + digest;
            default -> pullByDigest(pullHost, repository, digest);
        };
    }

    /** The tool of those commands: {@code helm}, {@code oras} or {@code docker}. */
    public static String pullTool(ArtifactKind kind) {
        return switch (kind) {
            case HELM_CHART -> "helm";
            case ARTIFACT, SIGNATURE -> "oras";
            default -> "docker";
        };
    }

    /** {@code docker pull localhost:5001/team-a/app:v1}. */
    public static String pullByTag(String pullHost, String repository, String tag) {
        return "docker pull " + pullHost + "/" + repository + ":" + tag;
    }

    /** {@code docker pull localhost:5001/team-a/app@sha256:…}. */
    public static String pullByDigest(String pullHost, String repository, String digest) {
        return "docker pull " + pullHost + "/" + repository + "@" + digest;
    }
}
