package dev.imagecatalog.runner;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.imagecatalog.catalog.Catalog;
import dev.imagecatalog.cluster.ContainerRequests;
import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.PodRequests;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.cluster.Taint;
import dev.imagecatalog.registry.ArtifactKind;
import dev.imagecatalog.registry.Platform;
import dev.imagecatalog.registry.PlatformImage;
import dev.imagecatalog.registry.RegistryException;
import dev.imagecatalog.registry.TagDetail;
import dev.imagecatalog.registry.TagSummary;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pre-flight's verdict for one node, on hand-made nodes: taints (which repel, the operator's policy), node
 * state, capacity, and the order of the choices. No registry or cluster: the image and nodes are values.
 */
class PreflightTest {

    private static final String DIGEST = "sha256:" + "a".repeat(64);
    private static final TagDetail IMAGE = new TagDetail("team/app", new TagSummary("v1", DIGEST,
            "application/vnd.oci.image.manifest.v1+json", 1000L, null, ArtifactKind.IMAGE,
            List.of(new PlatformImage(new Platform("linux", "amd64", null), DIGEST, 1000, null))), List.of());
    /** Only the pull host is asked: the layer look-ups are not part of these tests. */
    private static final Catalog CATALOG = new Catalog() {
        @Override public List<String> repositories(String q) { return List.of(); }
        @Override public List<TagSummary> tags(String repository) { throw new RegistryException(RegistryException.Kind.NOT_FOUND, "none"); }
        @Override public TagDetail tag(String repository, String tag) { throw new RegistryException(RegistryException.Kind.NOT_FOUND, "none"); }
        @Override public TagDetail digest(String repository, String digest) { throw new RegistryException(RegistryException.Kind.NOT_FOUND, "none"); }
        @Override public void ping() { }
        @Override public String pullHost() { return "localhost:5001"; }
    };

    private static Node node(String name, boolean ready, boolean cordoned, List<Taint> taints, String... roles) {
        return new Node(name, name, ready, List.of(roles), "linux", "amd64", "v1.36.1", "2", "4Gi", taints, cordoned,
                        Set.of());
    }

    private static Preflight preflight(boolean allowTainted) {
        return new Preflight(CATALOG, new RunSettings(true, "runs", Duration.ofHours(1), allowTainted,
                                                      RunSettings.BASELINE));
    }

    @Test
    void noScheduleTaint_policyOff_cannot_policyOn_readyButNotPreferred() {
        Node tainted = node("gpu", true, false, List.of(new Taint("gpu", "true", "NoSchedule")));

        NodeChoice off = preflight(false).choice(IMAGE, tainted, Resources.NONE, Capacity.Amount.ZERO, null);
        NodeChoice on = preflight(true).choice(IMAGE, tainted, Resources.NONE, Capacity.Amount.ZERO, null);

        assertThat(off.verdict()).isEqualTo(Verdict.CANNOT);
        assertThat(off.reason()).isEqualTo("tainted (gpu:NoSchedule); runs.allow-tainted-nodes is off");
        assertThat(on.verdict()).isEqualTo(Verdict.READY);
        assertThat(on.tainted()).isTrue();
        assertThat(on.preferred()).isFalse();
    }

    @Test
    void preferNoScheduleTaint_doesNotRepel_theNodeIsReadyAndPreferred() {
        NodeChoice c = preflight(false).choice(IMAGE, node("soft", true, false,
                List.of(new Taint("maintenance", null, "PreferNoSchedule"))), Resources.NONE, Capacity.Amount.ZERO, null);

        assertThat(c.verdict()).isEqualTo(Verdict.READY);
        assertThat(c.tainted()).isFalse();
        assertThat(c.preferred()).isTrue();
    }

    @Test
    void notReadyOrCordoned_cannot_andAControlPlaneIsNeverPreferred() {
        assertThat(preflight(false).choice(IMAGE, node("down", false, false, List.of()), Resources.NONE, Capacity.Amount.ZERO,
                                           null).verdict()).isEqualTo(Verdict.CANNOT);
        assertThat(preflight(false).choice(IMAGE, node("cordoned", true, true, List.of()), Resources.NONE, Capacity.Amount.ZERO,
                                           null).reasons())
                .contains("the node is cordoned (unschedulable): no new pods start there");
        NodeChoice cp = preflight(true).choice(IMAGE, node("cp", true, false, List.of(), "control-plane"),
                                               Resources.NONE, Capacity.Amount.ZERO, null);
        assertThat(cp.verdict()).isEqualTo(Verdict.READY);
        assertThat(cp.preferred()).isFalse();
    }

    @Test
    void requestsBeyondWhatIsFree_wait_beyondTheNode_cannot_andTheOrderIsBestFirst() {
        Node busy = node("busy", true, false, List.of());
        Node idle = node("idle", true, false, List.of());
        List<PodRequests> onBusy = List.of(new PodRequests("ns", "p", "busy",
                List.of(new ContainerRequests("1500m", "3Gi", false)), List.of(), null));
        Resources requests = new Resources("1", null, "2Gi", null);

        NodeChoice waits = preflight(false).choice(IMAGE, busy, requests, Capacity.requested(onBusy), null);
        NodeChoice ready = preflight(false).choice(IMAGE, idle, requests, Capacity.Amount.ZERO, null);
        NodeChoice never = preflight(false).choice(IMAGE, idle, new Resources("3", null, null, null), Capacity.Amount.ZERO, null);

        assertThat(waits.verdict()).isEqualTo(Verdict.WAIT);
        assertThat(waits.selectable()).isTrue();
        assertThat(waits.reasons()).contains("does not fit: needs 1 CPU, 500m CPU and 2Gi, 1Gi free");
        assertThat(ready.verdict()).isEqualTo(Verdict.READY);
        assertThat(never.verdict()).isEqualTo(Verdict.CANNOT);
        assertThat(never.reason()).isEqualTo("never fits: needs 3 CPU, 2 CPU allocatable on the whole node");
        assertThat(java.util.stream.Stream.of(never, waits, ready).sorted(Preflight.BEST_FIRST))
                .extracting(NodeChoice::verdict).containsExactly(Verdict.READY, Verdict.WAIT, Verdict.CANNOT);
    }

    @Test
    void bytes_inSentences_useBinaryUnits_likeThePages() {
        assertThat(Preflight.bytes(1023)).isEqualTo("1023 B");
        assertThat(Preflight.bytes(400_384)).isEqualTo("391.0 KiB");
        assertThat(Preflight.bytes(5L * 1024 * 1024 * 1024)).isEqualTo("5.0 GiB");
    }
}
