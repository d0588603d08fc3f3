package dev.imagecatalog.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.Run;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.TagDetail;

/**
 * Diagnoses a run whose image does not pull: asks the catalog whether the manifest still exists and holds the node's
 * platform, and compares the run's registry host with {@code registry.pull-host} (in kind the node reaches the
 * registry only through containerd's {@code hosts.toml} mapping of that name).
 */
final class PullDiagnostics {

    /** Container reasons this diagnosis answers. */
    static final List<String> PULL_REASONS = List.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName");

    private final Catalog catalog;

    PullDiagnostics(Catalog catalog) {
        this.catalog = catalog;
    }

    /** The diagnosis, or empty when the run is not failing to pull. */
    Optional<Diagnosis> diagnose(Run run, Node node) {
        if (run.reason() == null || !PULL_REASONS.contains(run.reason()) || run.image() == null) {
            return Optional.empty();
        }
        List<Diagnosis.Check> checks = new ArrayList<>();
        String summary = null;
        Reference ref = Reference.parse(run.image());
        String pullHost = catalog.pullHost();

        // 1. the registry host the node was told to pull from
        boolean hostMatches = ref != null && ref.host().equals(pullHost);
        String message = run.message() == null ? "" : run.message().toLowerCase(Locale.ROOT);
        boolean unreachable = message.contains("no such host") || message.contains("connection refused")
                              || message.contains("i/o timeout") || message.contains("dial tcp")
                              || message.contains("server gave http response to https client");
        String hostsHint = "in kind, containerd on every node needs /etc/containerd/certs.d/" + pullHost
                           + "/hosts.toml pointing at the registry (kind's local-registry guide; scripts/up.sh "
                           + "writes it); elsewhere the name must resolve on the node and serve TLS or be listed as "
                           + "an insecure registry";
        if (ref == null) {
            checks.add(new Diagnosis.Check("Is the image reference the catalog's?", false,
                    "the run's image \"" + run.image() + "\" is not <host>/<repository>@<digest>", null));
        } else if (!hostMatches) {
            summary = "the run names registry host " + ref.host() + ", but registry.pull-host is now " + pullHost;
            checks.add(new Diagnosis.Check("Is the run's registry host the configured pull host?", false,
                    "the run pulls from " + ref.host() + "; registry.pull-host is " + pullHost,
                    "start the run again from its tag page: new runs use " + pullHost));
        } else {
            checks.add(new Diagnosis.Check("Can the node reach " + pullHost + "?", unreachable ? Boolean.FALSE : null,
                    unreachable ? "the kubelet reports: " + run.message()
                            : "the node pulls from " + pullHost + " (registry.pull-host); the kubelet's message does "
                              + "not say it is unreachable",
                    hostsHint));
            if (unreachable) {
                summary = "the node cannot reach the registry at " + pullHost + ": " + hostsHint;
            }
        }

        // 2. the manifest the run pins, and 3. the node's platform in it
        if (ref != null) {
            String repository = run.repository() != null ? run.repository() : ref.repository();
            try {
                if (!catalog.manifestExists(repository, ref.digest())) {
                    checks.add(new Diagnosis.Check("Is the manifest still in the registry?", false,
                            "no: " + repository + "@" + short12(ref.digest()) + " was deleted (or garbage-collected)",
                            "push the image again, or run a tag that exists now"));
                    summary = summary != null ? summary
                            : "the image " + repository + "@" + short12(ref.digest()) + " is no longer in the registry";
                } else {
                    checks.add(new Diagnosis.Check("Is the manifest still in the registry?", true,
                            repository + "@" + short12(ref.digest()) + " is there", null));
                    summary = platformCheck(repository, ref.digest(), node, checks, summary);
                }
            } catch (RegistryException e) {
                checks.add(new Diagnosis.Check("Is the manifest still in the registry?", null,
                        "the registry cannot be asked right now: " + e.getMessage(), null));
            }
        }
        if (summary == null) {
            summary = "the registry has the image for this node; the kubelet's message is the best clue: "
                      + (run.message() == null ? run.reason() : run.message());
        }
        return Optional.of(new Diagnosis(summary, checks));
    }

    /** Adds whether the image holds the node's platform; returns the summary (set when it does not). */
    private String platformCheck(String repository, String digest, Node node, List<Diagnosis.Check> checks,
                                 String summary) {
        if (node == null) {
            return summary;
        }
        TagDetail image = catalog.digest(repository, digest);
        List<String> platforms = image.summary().platforms().stream().map(p -> p.platform().toString()).distinct()
                .toList();
        boolean there = image.summary().platforms().stream().map(PlatformImage::platform)
                .anyMatch(p -> node.os().equals(p.os()) && node.architecture().equals(p.architecture()));
        checks.add(new Diagnosis.Check("Does it hold the node's platform (" + node.platform() + ")?", there,
                (there ? "" : "no: ") + "the image has " + String.join(", ", platforms),
                there ? null : "run it on a node of a platform the image has, or push a " + node.platform() + " image"));
        return there || summary != null ? summary
                : "the image has no " + node.platform() + " platform for node " + node.name();
    }

    private static String short12(String digest) {
        int colon = digest.indexOf(':');
        return digest.length() > colon + 13 ? digest.substring(0, colon + 13) + "…" : digest;
    }

    /** {@code host/repository@digest}, the shape of every run's image. */
    record Reference(String host, String repository, String digest) {

        static Reference parse(String image) {
            int slash = image.indexOf('/');
            int at = image.indexOf('@');
            if (slash <= 0 || at < slash) {
                return null;
            }
            return new Reference(image.substring(0, slash), image.substring(slash + 1, at), image.substring(at + 1));
        }
    }
}
