package dev.imagecatalog.deploy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.imagecatalog.catalog.lifecycle.RetentionSchedule;
import dev.imagecatalog.cluster.KubernetesLeaseElection;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retention schedule's leader election against a real API server (k3s in Docker), as the chart deploys it: the
 * chart's own lease Role and RoleBinding (rendered with the schedule on) for its ServiceAccount, two replicas with
 * that account's token — one holds the Lease and applies, the other does not — so the chart's verbs are proven
 * enough for the library's lock.
 */
@Testcontainers(disabledWithoutDocker = true)
class RetentionLeaseK3sIT {

    /** Kubernetes 1.36, the version client-java 27 is generated for. */
    @Container
    static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.36.2-k3s1"));

    private static final String LEASE = "catalog-retention";

    @Test
    void twoReplicasWithTheChartsRbac_onlyTheLeaseHolderApplies() throws Exception {
        Config adminConfig = Config.fromKubeconfig(K3S.getKubeConfigYaml());
        RenderedChart chart = RenderedChart.withValuesFile("values-retention.yaml");
        V1Role role = chart.all(V1Role.class).stream().filter(r -> r.getRules().stream()
                .anyMatch(rule -> rule.getApiGroups().contains("coordination.k8s.io"))).findFirst().orElseThrow();
        V1RoleBinding binding = chart.all(V1RoleBinding.class).stream()
                .filter(b -> b.getRoleRef().getName().equals(role.getMetadata().getName())).findFirst().orElseThrow();
        String account = binding.getSubjects().getFirst().getName();
        String namespace = RenderedChart.NAMESPACE;
        String token;
        try (KubernetesClient admin = new KubernetesClientBuilder().withConfig(adminConfig).build()) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                    .build()).create();
            admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
                    .withName(account).endMetadata().build()).create();
            JSON json = new JSON();
            admin.load(new ByteArrayInputStream(json.serialize(role).getBytes(StandardCharsets.UTF_8)))
                    .inNamespace(namespace).create();
            admin.load(new ByteArrayInputStream(json.serialize(binding).getBytes(StandardCharsets.UTF_8)))
                    .inNamespace(namespace).create();
            token = admin.serviceAccounts().inNamespace(namespace).withName(account).tokenRequest(
                    new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                    .getStatus().getToken();
        }
        Config serviceAccount = new ConfigBuilder().withMasterUrl(adminConfig.getMasterUrl())
                .withCaCertData(adminConfig.getCaCertData()).withOauthToken(token).build();
        try (KubernetesClient asService = new KubernetesClientBuilder().withConfig(serviceAccount).build();
             RetentionSchedule a = new RetentionSchedule(() -> { }, Duration.ofMillis(100));
             RetentionSchedule b = new RetentionSchedule(() -> { }, Duration.ofMillis(100));
             KubernetesLeaseElection electionA = elect(serviceClient(adminConfig, token), namespace, "replica-a", a);
             KubernetesLeaseElection electionB = elect(serviceClient(adminConfig, token), namespace, "replica-b", b)) {
            await(() -> a.runs() + b.runs() >= 5);
            Lease lease = asService.leases().inNamespace(namespace).withName(LEASE).get();
            String holder = lease.getSpec().getHolderIdentity();
            RetentionSchedule leader = holder.equals("replica-a") ? a : b;
            RetentionSchedule follower = leader == a ? b : a;

            assertThat(List.of("replica-a", "replica-b")).contains(holder);
            assertThat(leader.runs()).isGreaterThanOrEqualTo(5);
            assertThat(follower.runs()).isZero();
            assertThat(follower.leading()).isFalse();
        }
    }

    /** A client-java client with the service account's token, as the elector uses in a pod. */
    private static io.kubernetes.client.openapi.ApiClient serviceClient(Config admin, String token) {
        String url = admin.getMasterUrl().endsWith("/") ? admin.getMasterUrl().substring(0,
                admin.getMasterUrl().length() - 1) : admin.getMasterUrl();
        return io.kubernetes.client.util.Config.fromToken(url, token, false);
    }

    private static KubernetesLeaseElection elect(io.kubernetes.client.openapi.ApiClient client, String namespace,
                                                 String identity,
                                                 RetentionSchedule schedule) {
        return KubernetesLeaseElection.start(client, namespace, LEASE, identity, schedule::lead, schedule::follow,
                Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(1));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition reached within 60 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
