package dev.imagecatalog.catalog.lifecycle;

import java.util.List;

/**
 * What retention would delete and keep now, per repository, with the reason for every tag. Its {@link #id()} is a
 * hash of its content: two equal plans have equal ids, so an apply can prove it carries out the plan its caller saw.
 *
 * @param id           hash of the content (repositories, decisions, manifests, freed bytes)
 * @param repositories the repositories a rule governs, sorted by name
 * @param freedBytes   bytes {@code registry garbage-collect} removes after the whole plan is applied
 */
public record RetentionPlan(String id, List<Repository> repositories, long freedBytes) {

    /** Copies the list. */
    public RetentionPlan {
        repositories = List.copyOf(repositories);
    }

    /** The repositories the plan deletes from (where the delete permission is needed). */
    public List<String> touched() {
        return repositories.stream().filter(r -> !r.delete().isEmpty()).map(Repository::name).toList();
    }

    /**
     * One repository's part.
     *
     * @param name   repository
     * @param delete tags that go, by name
     * @param keep   tags that stay, by name
     * @param groups the manifests to delete, in order: each a tagged manifest with what goes with it
     */
    public record Repository(String name, List<Decision> delete, List<Decision> keep, List<Group> groups) {

        /** Copies the lists. */
        public Repository {
            delete = List.copyOf(delete);
            keep = List.copyOf(keep);
            groups = List.copyOf(groups);
        }
    }

    /**
     * One tag's fate.
     *
     * @param tag    tag
     * @param digest the manifest it pointed at when planned
     * @param reason why it goes or stays
     */
    public record Decision(String tag, String digest, String reason) {
    }

    /**
     * A manifest deleted by digest, with the tags that must still name it just before (else it is left out) and the
     * manifests that go with it (index children and attestations no kept manifest lists).
     *
     * @param digest  the tagged manifest
     * @param tags    its tags in this repository (all of them go)
     * @param members its children and attestations deleted after it
     * @param subject for a cosign sidecar, the manifest it signs (left out too when that one is), else {@code null}
     */
    public record Group(String digest, List<String> tags, List<String> members, String subject) {

        /** Copies the lists. */
        public Group {
            tags = List.copyOf(tags);
            members = List.copyOf(members);
        }
    }
}
