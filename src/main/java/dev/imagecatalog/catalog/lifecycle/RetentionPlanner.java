package dev.imagecatalog.catalog.lifecycle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.imagecatalog.catalog.index.IndexedManifest;
import dev.imagecatalog.catalog.index.RepositorySnapshot;
import dev.imagecatalog.registry.TagSummary;

/**
 * Computes a {@link RetentionPlan} from the index alone: a pure function of the snapshots, the rules, what pods use
 * and the time, so the same inputs give the same plan (and id).
 *
 * <p>In a governed repository a tag is kept by its rule when it is among the newest {@code keepLast} (image creation
 * time, newest first, ties by name), matches {@code keepTags} or is younger than {@code keepYoungerThan}. A digest
 * is then protected — every tag naming it stays — when a kept tag names it, a pod uses it (or one of its platforms),
 * a kept index lists it, or it is a cosign sidecar of a protected digest. Tags the index could not read stay. The
 * other tags go, their manifests deleted by digest with the index children and attestations nothing kept lists,
 * and the cosign sidecars ({@code sha256-<hex>.sig/.att/.sbom}) of what goes.
 */
public final class RetentionPlanner {

    private static final Comparator<TagSummary> NEWEST_FIRST = Comparator
            .comparing(TagSummary::created, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(TagSummary::name);

    private RetentionPlanner() {
    }

    /**
     * The plan.
     *
     * @param snapshots every indexed repository (the freed bytes look at all of them)
     * @param settings  the rules
     * @param inUse     pods by the digest they run
     * @param now       the time {@code keepYoungerThan} counts back from
     */
    public static RetentionPlan plan(Collection<RepositorySnapshot> snapshots, RetentionSettings settings,
                                     Map<String, List<PodUse>> inUse, Instant now) {
        List<RepositorySnapshot> sorted = new ArrayList<>(snapshots);
        sorted.sort(Comparator.comparing(RepositorySnapshot::name));
        List<RetentionPlan.Repository> repositories = new ArrayList<>();
        for (RepositorySnapshot repo : sorted) {
            RetentionRule rule = settings.ruleFor(repo.name());
            if (rule != null) {
                repositories.add(repository(repo, rule, inUse, now));
            }
        }
        long freed = freed(sorted, deletedManifests(repositories));
        return new RetentionPlan(id(repositories, freed), repositories, freed);
    }

    private static RetentionPlan.Repository repository(RepositorySnapshot repo, RetentionRule rule,
                                                       Map<String, List<PodUse>> inUse, Instant now) {
        List<TagSummary> ordinary = new ArrayList<>();
        List<TagSummary> sidecars = new ArrayList<>();
        Map<String, String> keptByRule = new LinkedHashMap<>();
        Map<String, String> keptOther = new LinkedHashMap<>();
        for (TagSummary t : repo.tags()) {
            if (t.digest() == null || t.error() != null) {
                keptOther.put(t.name(), "could not be read" + (t.error() == null ? "" : ": " + t.error()));
            } else if (BlastRadius.sidecarSubject(t.name()) != null) {
                sidecars.add(t);
            } else {
                ordinary.add(t);
            }
        }
        List<TagSummary> newest = new ArrayList<>(ordinary);
        newest.sort(NEWEST_FIRST);
        for (int rank = 0; rank < newest.size(); rank++) {
            TagSummary t = newest.get(rank);
            List<String> why = new ArrayList<>();
            if (rule.keepLast() != null && rank < rule.keepLast()) {
                why.add("among the newest " + rule.keepLast());
            }
            if (rule.keepTags() != null && rule.keepTags().matcher(t.name()).matches()) {
                why.add("matches keepTags");
            }
            if (rule.keepYoungerThan() != null && t.created() != null
                    && t.created().isAfter(now.minus(rule.keepYoungerThan()))) {
                why.add("younger than " + RetentionRule.describe(rule.keepYoungerThan()));
            }
            if (!why.isEmpty()) {
                keptByRule.put(t.name(), String.join(", ", why));
            }
        }

        // protected digests with the first reason found, in a fixed order: kept tags, unreadable tags, pods, then
        // what kept indexes list and what signs a protected digest, until nothing changes
        Map<String, String> protectedDigests = new LinkedHashMap<>();
        for (TagSummary t : repo.tags()) {
            if ((keptByRule.containsKey(t.name()) || keptOther.containsKey(t.name())) && t.digest() != null) {
                protectedDigests.putIfAbsent(t.digest(), "digest also tagged " + t.name() + " (kept)");
            }
        }
        protectInUse(repo, inUse, protectedDigests);
        Set<String> tagged = new HashSet<>();
        ordinary.forEach(t -> tagged.add(t.digest()));
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String digest : List.copyOf(protectedDigests.keySet())) {
                if (repo.manifest(digest) instanceof IndexedManifest.Index index) {
                    for (IndexedManifest.Child c : index.children()) {
                        changed |= protectedDigests.putIfAbsent(c.digest(), "child of kept index " + digest) == null;
                    }
                    for (String a : index.attestations()) {
                        changed |= protectedDigests.putIfAbsent(a, "attestation of kept index " + digest) == null;
                    }
                }
            }
            for (TagSummary s : sidecars) {
                String subject = BlastRadius.sidecarSubject(s.name());
                if (protectedDigests.containsKey(subject) || !tagged.contains(subject)) {
                    changed |= protectedDigests.putIfAbsent(s.digest(), protectedDigests.containsKey(subject)
                            ? "cosign sidecar of kept " + subject
                            : "cosign sidecar of " + subject + ", which no tag here names") == null;
                }
            }
        }

        List<RetentionPlan.Decision> delete = new ArrayList<>();
        List<RetentionPlan.Decision> keep = new ArrayList<>();
        for (TagSummary t : repo.tags()) {
            String reason = keptOther.get(t.name());
            if (reason == null) {
                reason = keptByRule.get(t.name());
            }
            if (reason == null) {
                reason = protectedDigests.get(t.digest());
            }
            if (reason != null) {
                keep.add(new RetentionPlan.Decision(t.name(), t.digest(), reason));
            } else {
                String subject = BlastRadius.sidecarSubject(t.name());
                delete.add(new RetentionPlan.Decision(t.name(), t.digest(), subject != null
                        ? "cosign sidecar of deleted " + subject : rule.deleteReason()));
            }
        }
        return new RetentionPlan.Repository(repo.name(), delete, keep, groups(repo, delete, protectedDigests));
    }

    /** A pod's digest protects the tagged manifest it is, or the index listing it as a platform or attestation. */
    private static void protectInUse(RepositorySnapshot repo, Map<String, List<PodUse>> inUse,
                                     Map<String, String> protectedDigests) {
        Map<String, String> platformOf = new TreeMap<>();
        for (IndexedManifest m : repo.manifests().values()) {
            if (m instanceof IndexedManifest.Index index) {
                index.children().forEach(c -> platformOf.merge(c.digest(), m.digest(), RetentionPlanner::min));
                index.attestations().forEach(a -> platformOf.merge(a, m.digest(), RetentionPlanner::min));
            }
        }
        for (Map.Entry<String, List<PodUse>> use : new TreeMap<>(inUse).entrySet()) {
            if (use.getValue() == null || use.getValue().isEmpty() || repo.manifest(use.getKey()) == null) {
                continue;
            }
            List<PodUse> pods = new ArrayList<>(use.getValue());
            pods.sort(Comparator.comparing(PodUse::namespace).thenComparing(PodUse::pod));
            String who = "in use by pod " + pods.getFirst().namespace() + "/" + pods.getFirst().pod()
                    + (pods.size() > 1 ? " and " + (pods.size() - 1) + " more" : "");
            protectedDigests.putIfAbsent(use.getKey(), who);
            String index = platformOf.get(use.getKey());
            if (index != null) {
                protectedDigests.putIfAbsent(index, who + " (platform " + use.getKey() + ")");
            }
        }
    }

    private static String min(String a, String b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Deletion order: images and indexes by their first tag's name, each with its unkept members; sidecars last. */
    private static List<RetentionPlan.Group> groups(RepositorySnapshot repo, List<RetentionPlan.Decision> delete,
                                                    Map<String, String> protectedDigests) {
        Map<String, List<String>> tagsOf = new LinkedHashMap<>();
        for (RetentionPlan.Decision d : delete) {
            tagsOf.computeIfAbsent(d.digest(), k -> new ArrayList<>()).add(d.tag());
        }
        List<RetentionPlan.Group> images = new ArrayList<>();
        List<RetentionPlan.Group> signatures = new ArrayList<>();
        Set<String> members = new HashSet<>();
        for (Map.Entry<String, List<String>> e : tagsOf.entrySet()) {
            List<String> withIt = new ArrayList<>();
            if (repo.manifest(e.getKey()) instanceof IndexedManifest.Index index) {
                Set<String> listed = new LinkedHashSet<>();
                index.children().forEach(c -> listed.add(c.digest()));
                listed.addAll(index.attestations());
                for (String m : listed) {
                    // a member another deleted index already took, or one that is tagged itself, is not repeated
                    if (!protectedDigests.containsKey(m) && !tagsOf.containsKey(m) && members.add(m)) {
                        withIt.add(m);
                    }
                }
            }
            String subject = null;
            for (String tag : e.getValue()) {
                if (BlastRadius.sidecarSubject(tag) != null && subject == null) {
                    subject = BlastRadius.sidecarSubject(tag);
                }
            }
            boolean onlySidecars = e.getValue().stream().allMatch(t -> BlastRadius.sidecarSubject(t) != null);
            RetentionPlan.Group g = new RetentionPlan.Group(e.getKey(), e.getValue(), withIt,
                    onlySidecars ? subject : null);
            (onlySidecars ? signatures : images).add(g);
        }
        images.addAll(signatures);
        return images;
    }

    /** Per repository, every manifest the groups delete. */
    static Map<String, Set<String>> deletedManifests(List<RetentionPlan.Repository> repositories) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (RetentionPlan.Repository r : repositories) {
            Set<String> digests = new LinkedHashSet<>();
            for (RetentionPlan.Group g : r.groups()) {
                digests.add(g.digest());
                digests.addAll(g.members());
            }
            if (!digests.isEmpty()) {
                out.put(r.name(), digests);
            }
        }
        return out;
    }

    /**
     * Bytes the collector frees once these manifests are deleted: their blobs (themselves included) that no manifest
     * left in any repository references — {@link BlastRadius}'s model, for many manifests at once.
     */
    static long freed(Collection<RepositorySnapshot> snapshots, Map<String, Set<String>> deleted) {
        Set<String> marked = new HashSet<>();
        Map<String, Long> blobs = new LinkedHashMap<>();
        for (RepositorySnapshot s : snapshots) {
            Set<String> gone = deleted.getOrDefault(s.name(), Set.of());
            for (IndexedManifest m : s.manifests().values()) {
                if (gone.contains(m.digest())) {
                    BlastRadius.ownBlobs(m).forEach(blobs::putIfAbsent);
                } else {
                    marked.addAll(BlastRadius.references(m));
                }
            }
        }
        long freed = 0;
        for (Map.Entry<String, Long> b : blobs.entrySet()) {
            if (!marked.contains(b.getKey())) {
                freed += b.getValue();
            }
        }
        return freed;
    }

    private static String id(List<RetentionPlan.Repository> repositories, long freed) {
        StringBuilder text = new StringBuilder();
        for (RetentionPlan.Repository r : repositories) {
            text.append("R ").append(r.name()).append('\n');
            r.delete().forEach(d -> text.append("D ").append(d.tag()).append(' ').append(d.digest()).append(' ')
                    .append(d.reason()).append('\n'));
            r.keep().forEach(d -> text.append("K ").append(d.tag()).append(' ').append(d.digest()).append(' ')
                    .append(d.reason()).append('\n'));
            r.groups().forEach(g -> text.append("G ").append(g.digest()).append(' ').append(g.members())
                    .append('\n'));
        }
        text.append("F ").append(freed);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
