package dev.imagecatalog.catalog.index;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Who a replica forwards registry events to. */
class PeerForwarderTest {

    @Test
    void peers_areTheStaticListPlusTheServiceAddresses_withoutThisReplicasOwn() {
        // "localhost" resolves to this machine's loopback addresses: all of them are this replica's own
        IndexSettings settings = new IndexSettings(64, IndexSettings.DEFAULT_RECONCILE_INTERVAL, 3, 1024, "token",
                List.of(URI.create("http://10.1.2.3:8080")), "localhost", 8080,
                IndexSettings.DEFAULT_EVENTS_MAX_PENDING);

        PeerForwarder forwarder = new PeerForwarder(settings);

        assertThat(forwarder.enabled()).isTrue();
        assertThat(forwarder.peers()).containsExactly(URI.create("http://10.1.2.3:8080"));
    }

    @Test
    void withoutATokenOrPeers_nothingIsForwarded() {
        assertThat(new PeerForwarder(IndexSettings.defaults().withPeers(List.of(URI.create("http://10.1.2.3:8080"))))
                .enabled()).isFalse();
        assertThat(new PeerForwarder(IndexSettings.defaults().withEventsToken("t")).enabled()).isFalse();
    }
}
