package dev.imagecatalog.cluster;

import java.time.Duration;
import java.util.Objects;
import java.util.logging.Logger;

import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;

/**
 * Elects one replica with a {@code coordination.k8s.io} Lease — client-java's leader election (its
 * {@code LeaseLock} reads, creates and replaces the Lease, the replace carrying the resourceVersion: RBAC
 * {@code get}, {@code create}, {@code update} on {@code leases} in the Lease's namespace), never a lock of our own.
 * The leader renews the Lease; when it stops (or its pod dies) another replica takes it over once the Lease expires.
 */
public final class KubernetesLeaseElection implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger(KubernetesLeaseElection.class.getName());

    /** How long a Lease stays held without renewal; a crashed leader is replaced after about this long. */
    public static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    /** The leader gives up leading when it could not renew for this long. */
    public static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    /** How often a candidate tries to acquire, and the leader renews. */
    public static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

    private final LeaderElector elector;
    private final Thread running;

    private KubernetesLeaseElection(ApiClient client, String namespace, String lease, String identity,
                                    Runnable onStartLeading, Runnable onStopLeading, Duration leaseDuration,
                                    Duration renewDeadline, Duration retryPeriod) {
        this.elector = new LeaderElector(new LeaderElectionConfig(new LeaseLock(namespace, lease, identity, client),
                                                                  leaseDuration, renewDeadline, retryPeriod),
                e -> LOGGER.warning(() -> "Lease " + namespace + "/" + lease + ": " + e.getMessage()));
        // run() blocks while this replica competes or leads, and returns when leading ends or the elector closes
        this.running = Thread.ofPlatform().daemon().name("lease-" + lease).start(() -> elector.run(onStartLeading,
                onStopLeading, leader -> LOGGER.info(() -> "Lease " + namespace + "/" + lease + " held by " + leader)));
    }

    /**
     * Competes for the Lease from inside the cluster (the pod's service account).
     *
     * @param namespace      the Lease's namespace (the release namespace)
     * @param lease          the Lease's name
     * @param identity       this replica (its pod name)
     * @param onStartLeading called when this replica acquires the Lease
     * @param onStopLeading  called when it loses it
     */
    public static KubernetesLeaseElection fromEnvironment(String namespace, String lease, String identity,
                                                          Runnable onStartLeading, Runnable onStopLeading) {
        try {
            ApiClient client = ClientBuilder.cluster().setReadTimeout(Duration.ofSeconds(10)).build();
            return new KubernetesLeaseElection(client, namespace, lease, identity, onStartLeading, onStopLeading,
                                               LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD);
        } catch (java.io.IOException | RuntimeException e) {
            throw new ClusterException(ClusterException.Kind.UNREACHABLE, 0,
                                       "cannot compete for the retention Lease: " + e.getMessage(), null, e);
        }
    }

    /** Competes through a given client with given timings (tests: a mock or k3s API server, short periods). */
    public static KubernetesLeaseElection start(ApiClient client, String namespace, String lease, String identity,
                                                Runnable onStartLeading, Runnable onStopLeading,
                                                Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        return new KubernetesLeaseElection(Objects.requireNonNull(client), namespace, lease, identity, onStartLeading,
                                           onStopLeading, leaseDuration, renewDeadline, retryPeriod);
    }

    /** Stops competing (a leader stops renewing; another replica takes over once the Lease expires). */
    @Override
    public void close() {
        elector.close();
        running.interrupt();
    }
}
