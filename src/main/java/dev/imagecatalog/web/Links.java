package dev.imagecatalog.web;

/** URLs of pages and {@code docker pull} commands, built in one place so templates and tests agree. */
final class Links {

    private Links() {
    }

    /** {@code /repositories/team-a/app}: names and tags are already URL-safe by their grammar. */
    static String repository(String repository) {
        return "/repositories/" + repository;
    }

    /** {@code /repositories/team-a/app/tags/v1}. */
    static String tag(String repository, String tag) {
        return repository(repository) + "/tags/" + tag;
    }

    /** {@code docker pull localhost:5001/team-a/app:v1}. */
    static String pullByTag(String pullHost, String repository, String tag) {
        return "docker pull " + pullHost + "/" + repository + ":" + tag;
    }

    /** {@code docker pull localhost:5001/team-a/app@sha256:…}. */
    static String pullByDigest(String pullHost, String repository, String digest) {
        return "docker pull " + pullHost + "/" + repository + "@" + digest;
    }
}
