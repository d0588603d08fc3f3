package dev.imagecatalog.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.imagecatalog.catalog.index.IndexedManifest;
import dev.imagecatalog.catalog.index.Attachments;
import dev.imagecatalog.catalog.index.RepositorySnapshot;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.TagSummary;

/**
 * Search over the index: repository names and tag names (substring, case-insensitive), digest prefixes
 * ({@code sha256:3a4b…} or at least four hex digits, matching a tag's digest or one of its platforms'), and label
 * keys or values (substring). Results are grouped by repository, repositories in name order.
 */
final class Search {

    private static final int MIN_HEX = 4;

    private Search() {
    }

    /**
     * @param snapshots the indexed repositories in name order
     * @param maxHits   tags listed plus repositories matching by name, at most; the result says when cut
     * @param perGroup  tags listed per repository at most (a label value every tag carries would otherwise list
     *                  every tag); each group still counts all of its matches
     */
    static SearchResult run(Collection<RepositorySnapshot> snapshots, String query, int maxHits, int perGroup) {
        String q = query == null ? "" : query.strip();
        if (q.isEmpty()) {
            return new SearchResult(q, List.of(), false);
        }
        String needle = q.toLowerCase(Locale.ROOT);
        String digestPrefix = digestPrefix(needle);
        // cosign's sidecar tags name their subject's digest: they would match every digest search twice, so they
        // are found only when asked for by their own name
        boolean sidecarsToo = needle.startsWith("sha256-");
        List<SearchResult.Group> groups = new ArrayList<>();
        int listed = 0;
        boolean truncated = false;
        for (RepositorySnapshot s : snapshots) {
            if (listed >= maxHits) {
                // a repository found by its name counts as a hit too: "a" must not list 100,000 repositories
                truncated = true;
                break;
            }
            boolean nameMatches = s.name().toLowerCase(Locale.ROOT).contains(needle);
            if (nameMatches) {
                listed++;
            }
            List<SearchResult.Hit> found = new ArrayList<>();
            int count = 0;
            for (TagSummary t : s.tags()) {
                if (!sidecarsToo && Attachments.isSidecar(t.name())) {
                    continue;
                }
                String reason = reason(s, t, needle, digestPrefix);
                if (reason != null) {
                    count++;
                    // counting the rest of this repository is cheap (no allocation); listing is what is bounded
                    if (found.size() < perGroup && listed < maxHits) {
                        found.add(new SearchResult.Hit(t.name(), t.digest(), reason));
                        listed++;
                    }
                }
            }
            if (nameMatches || count > 0) {
                groups.add(new SearchResult.Group(s.name(), nameMatches, List.copyOf(found), count));
            }
        }
        return new SearchResult(q, List.copyOf(groups), truncated);
    }

    /** Why a tag matches, or {@code null}. */
    private static String reason(RepositorySnapshot s, TagSummary t, String needle, String digestPrefix) {
        if (t.name().toLowerCase(Locale.ROOT).contains(needle)) {
            return "tag";
        }
        if (digestPrefix != null) {
            if (matchesDigest(t.digest(), digestPrefix)) {
                return "digest";
            }
            for (PlatformImage p : t.platforms()) {
                if (matchesDigest(p.digest(), digestPrefix)) {
                    return "digest";
                }
            }
        }
        for (PlatformImage p : t.platforms()) {
            if (s.manifest(p.digest()) instanceof IndexedManifest.Image image) {
                for (Map.Entry<String, String> label : image.labels().entrySet()) {
                    if (label.getKey().toLowerCase(Locale.ROOT).contains(needle)
                            || label.getValue().toLowerCase(Locale.ROOT).contains(needle)) {
                        return "label " + label.getKey() + "=" + label.getValue();
                    }
                }
            }
        }
        return null;
    }

    private static boolean matchesDigest(String digest, String prefix) {
        if (digest == null) {
            return false;
        }
        return prefix.contains(":") ? digest.startsWith(prefix) : digest.startsWith("sha256:" + prefix);
    }

    /** {@code sha256:…} as typed, or a bare hex string of at least four digits; else {@code null}. */
    private static String digestPrefix(String needle) {
        if (needle.startsWith("sha256:") && needle.length() > "sha256:".length()) {
            return needle;
        }
        return needle.length() >= MIN_HEX && needle.chars().allMatch(c -> Character.digit(c, 16) >= 0) ? needle : null;
    }
}
