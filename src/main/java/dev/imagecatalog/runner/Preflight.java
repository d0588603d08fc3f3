package dev.imagecatalog.runner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.cluster.Taint;
import dev.imagecatalog.registry.Layer;
import dev.imagecatalog.registry.PlatformDetail;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.TagDetail;

/**
 * The pre-flight's judgement of one node for one image: platform, node state, taints under the operator's policy,
 * the run's requests against free capacity ({@link Capacity}), the pull estimate, and the verdict with its reasons
 * in plain words. Pure: the {@link RunnerService} hands in the node and what its pods already request (kept for
 * every viewer by {@link NodeLoads}).
 */
final class Preflight {

    private final Catalog catalog;
    private final RunSettings settings;

    Preflight(Catalog catalog, RunSettings settings) {
        this.catalog = catalog;
        this.settings = settings;
    }

    /**
     * Ready before wait before cannot; then the preselectable, the cached, the smaller pull, the more free memory
     * (unknown last), the name. The Run form's script orders the same way when typed requests change the verdicts
     * ({@code static/catalog.js}).
     */
    static final Comparator<NodeChoice> BEST_FIRST = Comparator
            .comparing(NodeChoice::verdict)
            .thenComparing(c -> !c.preferred())
            .thenComparing(c -> !c.cached())
            .thenComparing(c -> c.pull() == null ? Long.MAX_VALUE : c.pull().bytes())
            .thenComparing(Preflight::freeMemory, Comparator.reverseOrder())
            .thenComparing(c -> c.node().name());

    /** Free memory in bytes, -1 when unknown. */
    private static long freeMemory(NodeChoice c) {
        NodeLoad load = c.fit().load();
        return load == null || load.requestedMemory() == null ? -1
                : Math.max(0, load.allocatableMemory() - load.requestedMemory());
    }

    /** The verdict for launch: node state, platform, policy and the node's size, without reading its pods. */
    NodeChoice choice(TagDetail image, Node node, Resources requests) {
        return choice(image, node, requests, (Capacity.Amount) null, null);
    }

    /**
     * The pre-flight for one node.
     *
     * @param requested what the pods already on the node request, {@code null} when unknown (capacity then unknown)
     * @param layers    what the catalog knows about the node's layers, {@code null} to skip the pull estimate
     */
    NodeChoice choice(TagDetail image, Node node, Resources requests, Capacity.Amount requested,
                      LayerKnowledge layers) {
        List<PlatformImage> platforms = image.summary().platforms();
        PlatformImage fit = platforms.stream()
                .filter(p -> node.os().equals(p.platform().os()) && node.architecture().equals(p.platform().architecture()))
                .findFirst()
                .orElse(null);
        boolean cached = fit != null && isCached(image, fit, node);
        boolean tainted = tainted(node);
        Fit capacity = Capacity.fit(requests.cpuRequest(), requests.memoryRequest(), node.cpu(), node.memory(),
                                    requested);
        List<String> reasons = new ArrayList<>();
        String reason = null;
        Verdict verdict = Verdict.CANNOT;
        int capacityReason = -1;
        boolean blocked = true;
        PlatformImage missing = fit == null ? missingFor(image, node) : null;
        if (missing != null) {
            // the index names this platform but the registry lost its manifest: the pull would fail on the node
            reason = "the " + missing.platform().architecture() + " image is missing from the registry";
            reasons.add(reason);
        } else if (!image.summary().runnable()) {
            reason = "a " + image.summary().kind().label() + " cannot be run";
            reasons.add(reason);
        } else if (fit == null) {
            boolean sameOs = platforms.stream().anyMatch(p -> node.os().equals(p.platform().os()));
            String platformList = platforms.stream().map(p -> p.platform().toString()).distinct()
                    .collect(Collectors.joining(", "));
            reason = (sameOs ? node.architecture() : node.platform()) + " node; image has " + platformList + " only";
            reasons.add(reason);
        } else {
            reasons.add("runs the " + fit.platform() + " image " + shortDigest(fit.digest()));
            if (!node.ready()) {
                reason = "NotReady";
                reasons.add("the node is not Ready: the catalog does not start runs there until it recovers");
            } else if (node.unschedulable()) {
                reason = "unschedulable (cordoned)";
                reasons.add("the node is cordoned (unschedulable): no new pods start there");
            }
            if (tainted && !settings.allowTaintedNodes()) {
                String policy = "tainted (" + taints(node) + "); runs.allow-tainted-nodes is off";
                reason = reason == null ? policy : reason;
                reasons.add(policy);
            } else if (tainted) {
                reasons.add("tainted (" + taints(node) + "): running there needs your confirmation, the run then "
                            + "tolerates these taints");
            }
            blocked = reason != null;
            if (!capacity.everFits()) {
                reason = reason == null ? capacity.message() : reason;
            }
            capacityReason = reasons.size();
            reasons.add(capacity.message());
            verdict = reason != null ? Verdict.CANNOT : Boolean.FALSE.equals(capacity.fits()) ? Verdict.WAIT
                    : Verdict.READY;
            if (verdict == Verdict.WAIT) {
                reasons.add("the run would stay Pending until other pods on the node finish");
            }
        }
        PullEstimate pull = fit == null ? null : pullEstimate(image, fit, node, cached, layers);
        if (pull != null) {
            reasons.add(switch (pull.basis()) {
                case CACHED -> "the image is cached here: nothing to pull";
                case SHARED_LAYERS -> "pulls about " + bytes(pull.bytes())
                                      + " (estimate: layers the node holds through other catalog images left out)";
                case FULL_SIZE -> "pulls about " + bytes(pull.bytes()) + " (estimate: the full compressed size)";
            });
        }
        return new NodeChoice(node, verdict != Verdict.CANNOT, reason, fit, cached, tainted, verdict, reasons,
                              capacity, pull, blocked, capacityReason);
    }

    /** The platform of {@code image} the index lists for this node's OS and architecture but the registry lacks. */
    private static PlatformImage missingFor(TagDetail image, Node node) {
        return image.summary().missing().stream()
                .filter(p -> node.os().equals(p.platform().os())
                             && node.architecture().equals(p.platform().architecture()))
                .findFirst().orElse(null);
    }

    /**
     * Nothing when cached; else the image's size minus the layers the node holds through catalog images it reports
     * (same registry, same digests); else the full size.
     */
    private PullEstimate pullEstimate(TagDetail image, PlatformImage fit, Node node, boolean cached,
                                      LayerKnowledge layers) {
        if (cached) {
            return new PullEstimate(0, PullEstimate.Basis.CACHED);
        }
        if (layers != null) {
            Set<String> held = layers.heldBy(node);
            List<Layer> mine = image.platforms().stream()
                    .filter(p -> p.image().digest().equals(fit.digest()))
                    .findFirst().map(PlatformDetail::layers).orElse(List.of());
            long shared = mine.stream().filter(l -> held.contains(l.digest()))
                    .mapToLong(Layer::size).sum();
            if (shared > 0) {
                return new PullEstimate(Math.max(0, fit.size() - shared), PullEstimate.Basis.SHARED_LAYERS);
            }
        }
        return new PullEstimate(fit.size(), PullEstimate.Basis.FULL_SIZE);
    }

    private static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        return digest.length() > colon + 13 ? digest.substring(0, colon + 13) + "…" : digest;
    }

    /**
     * Bytes for a sentence: {@code 391.0 KiB} — binary units, as every size on the pages (the same row showed
     * "391.0 KiB" and "400.4 kB" for one download when this used decimal ones).
     */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static boolean tainted(Node node) {
        return node.taints().stream().anyMatch(Taint::repels);
    }

    static String taints(Node node) {
        return node.taints().stream().filter(Taint::repels).map(t -> t.key() + ":" + t.effect())
                .collect(Collectors.joining(", "));
    }

    // containerd lists an image under every name it was pulled by: repo@digest (manifest or index) and repo:tag.
    private boolean isCached(TagDetail image, PlatformImage fit, Node node) {
        String base = catalog.pullHost() + "/" + image.repository();
        return node.images().contains(base + "@" + fit.digest())
                || node.images().contains(base + "@" + image.summary().digest())
                || node.images().contains(base + ":" + image.summary().name());
    }
}
