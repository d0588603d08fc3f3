package dev.imagecatalog.cluster;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

/**
 * Elects one replica with a {@code coordination.k8s.io} Lease — the library's leader election (a {@code LeaseLock}
 * it reads, creates and renews with a JSON merge patch carrying the resourceVersion: RBAC {@code get},
 * {@code create}, {@code patch} on {@code leases} in the Lease's
 * namespace), never a lock of our own. The leader renews the Lease; when it stops (or its pod dies) another replica
 * takes it over once the Lease expires.
 *
 * <p>The adapter for this one purpose uses Fabric8's client (client-java's {@code client-java-extended} has the same
 * elector but is not published at 27.0.0); everything else talks to the API server through client-java.
 */
public final class KubernetesLeaseElection implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(KubernetesLeaseElection.class.getName());

    /** How long a Lease stays held without renewal; a crashed leader is replaced after about this long. */
    public static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    /** The leader gives up leading when it could not renew for this long. */
    public static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    /** How often a candidate tries to acquire, and the leader renews. */
    public static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final boolean ownClient;
    private final CompletableFuture<?> running;

    private KubernetesLeaseElection(KubernetesClient client, boolean ownClient, String namespace, String lease,
                                    String identity, Runnable onStartLeading, Runnable onStopLeading,
                                    Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        this.client = client;
        this.ownClient = ownClient;
        this.running = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                        .withName(lease)
                        .withLock(new LeaseLock(namespace, lease, identity))
                        .withLeaseDuration(leaseDuration)
                        .withRenewDeadline(renewDeadline)
                        .withRetryPeriod(retryPeriod)
                        // a replica shutting down hands the Lease over at once instead of after it expires
                        .withReleaseOnCancel(true)
                        .withLeaderCallbacks(new LeaderCallbacks(onStartLeading, onStopLeading,
                                leader -> LOGGER.info(() -> "Lease " + namespace + "/" + lease + " held by "
                                        + leader)))
                        .build())
                .build()
                .start();
    }

    /**
     * Competes for the Lease from inside the cluster (the pod's service account).
     *
     * @param namespace      the Lease's namespace (the release namespace)
     * @param lease          the Lease's name
     * @param identity       this replica (its pod name)
     * @param onStartLeading called when this replica acquires the Lease
     * @param onStopLeading  called when it loses or releases it
     */
    public static KubernetesLeaseElection fromEnvironment(String namespace, String lease, String identity,
                                                          Runnable onStartLeading, Runnable onStopLeading) {
        return new KubernetesLeaseElection(new KubernetesClientBuilder().build(), true, namespace, lease, identity,
                onStartLeading, onStopLeading, LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD);
    }

    /**
     * Competes through a given client with given timings (tests: a mock or k3s API server, short periods).
     */
    public static KubernetesLeaseElection start(KubernetesClient client, String namespace, String lease,
                                                String identity, Runnable onStartLeading, Runnable onStopLeading,
                                                Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        return new KubernetesLeaseElection(Objects.requireNonNull(client), false, namespace, lease, identity,
                onStartLeading, onStopLeading, leaseDuration, renewDeadline, retryPeriod);
    }

    /** Stops competing, releasing the Lease if held. */
    @Override
    public void close() {
        running.cancel(true);
        if (ownClient) {
            client.close();
        }
    }
}
