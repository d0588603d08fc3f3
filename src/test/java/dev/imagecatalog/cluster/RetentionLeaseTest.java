package dev.imagecatalog.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.imagecatalog.catalog.lifecycle.RetentionSchedule;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.kubernetes.client.openapi.ApiClient;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.Buffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas with a retention schedule against the Fabric8 mock API server (CRUD: the Lease is a real object
 * there): exactly the one holding the Lease applies, the other does not, and the other takes over when the leader
 * stops. (Against a real API server and the chart's RBAC: RetentionLeaseK3sIT.)
 */
class RetentionLeaseTest {

    private static final String NAMESPACE = "catalog";
    private static final String LEASE = "catalog-retention";

    @Test
    void twoReplicas_onlyTheLeaseHolderApplies_andTheOtherTakesOverWhenItStops() throws Exception {
        try (MockKubernetes k8s = MockKubernetes.withNodes(Map.of());
             RetentionSchedule a = new RetentionSchedule(() -> { }, Duration.ofMillis(50));
             RetentionSchedule b = new RetentionSchedule(() -> { }, Duration.ofMillis(50))) {
            KubernetesLeaseElection electionA = elect(k8s, "replica-a", a);
            KubernetesLeaseElection electionB = elect(k8s, "replica-b", b);
            try {
                await(() -> a.runs() + b.runs() >= 5);
                String holder = holder(k8s);
                RetentionSchedule leader = holder.equals("replica-a") ? a : b;
                RetentionSchedule follower = leader == a ? b : a;

                assertThat(holder).isIn("replica-a", "replica-b");
                assertThat(leader.leading()).isTrue();
                assertThat(leader.runs()).isGreaterThanOrEqualTo(5);
                assertThat(follower.leading()).isFalse();
                assertThat(follower.runs()).isZero();

                // the leader shuts down: once its Lease expires the other replica leads and applies from then on
                (leader == a ? electionA : electionB).close();
                await(() -> follower.runs() > 0);
                await(() -> !leader.leading());
                int leaderRuns = leader.runs();
                await(() -> follower.runs() >= 3);
                assertThat(holder(k8s)).isEqualTo(leader == a ? "replica-b" : "replica-a");
                assertThat(leader.runs()).isEqualTo(leaderRuns);
            } finally {
                electionA.close();
                electionB.close();
            }
        }
    }

    private static KubernetesLeaseElection elect(MockKubernetes k8s, String identity, RetentionSchedule schedule) {
        return KubernetesLeaseElection.start(withLeaseKind(k8s.apiClient()), NAMESPACE, LEASE, identity, schedule::lead,
                schedule::follow, Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(300));
    }

    /**
     * The stand-in API refuses objects posted without {@code kind}/{@code apiVersion} (422; a real API server takes
     * them from the URL), and client-java's LeaseLock creates its Lease without them: this adds them to such a POST,
     * so the elector's own create, read and replace run unchanged against the stand-in. The k3s test needs none.
     */
    private static ApiClient withLeaseKind(ApiClient client) {
        return client.setHttpClient(client.getHttpClient().newBuilder().addInterceptor(chain -> {
            Request request = chain.request();
            if (!"POST".equals(request.method()) || !request.url().encodedPath().endsWith("/leases")
                || request.body() == null) {
                return chain.proceed(request);
            }
            Buffer buffer = new Buffer();
            request.body().writeTo(buffer);
            String json = buffer.readUtf8();
            if (!json.contains("\"kind\"")) {
                json = "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\"," + json.substring(1);
            }
            return chain.proceed(request.newBuilder().post(RequestBody.create(json,
                    MediaType.get("application/json"))).build());
        }).build());
    }

    private static String holder(MockKubernetes k8s) {
        Lease lease = k8s.fabric8().leases().inNamespace(NAMESPACE).withName(LEASE).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** Waits for a condition the elector brings about in the background (fails after 30 s). */
    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition reached within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
