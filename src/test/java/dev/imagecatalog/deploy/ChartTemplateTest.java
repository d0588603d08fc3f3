package dev.imagecatalog.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1IPBlock;
import io.kubernetes.client.openapi.models.V1LimitRange;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyEgressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPort;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.util.Yaml;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The Helm chart, linted and rendered by the real Helm engine, checked object by object. */
class ChartTemplateTest {

    private static final String SEPARATE_RUNS = "values-separate-runs.yaml";

    @Test
    void lint_strict_passesWithoutWarnings() {
        LintResult result = new Helm(RenderedChart.CHART).lint().strict().call();

        assertThat(result.getMessages()).as("lint messages").noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    }

    @Test
    void parsing_ofUnknownField_isRejected() {
        // The assertions below rely on client-java refusing fields the API does not know: prove it does.
        String typo = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: x
                spec:
                  typo: NodePort
                """;

        assertThatThrownBy(() -> Yaml.loadAll(typo)).hasMessageContaining("typo");
    }

    @Test
    void template_withDefaults_rendersEveryExpectedObject() {
        RenderedChart chart = RenderedChart.withDefaults();

        assertThat(chart.objects()).extracting(o -> o.getClass().getSimpleName(), o -> o.getMetadata().getName())
                .containsExactlyInAnyOrder(
                        tuple("V1ServiceAccount", "catalog"),
                        tuple("V1ConfigMap", "catalog"),
                        tuple("V1Secret", "catalog-session"),
                        tuple("V1ClusterRole", "catalog-catalog-nodes"),
                        tuple("V1ClusterRoleBinding", "catalog-catalog-nodes"),
                        tuple("V1ClusterRole", "catalog-catalog-repository-deleter"),
                        tuple("V1Role", "catalog-runs"),
                        tuple("V1RoleBinding", "catalog-runs"),
                        tuple("V1Service", "catalog"),
                        tuple("V1Service", "catalog-peers"),
                        tuple("V1Deployment", "catalog"));
        assertThat(chart.objects()).allSatisfy(o -> assertThat(o.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/name", "catalog")
                .containsEntry("app.kubernetes.io/instance", RenderedChart.RELEASE)
                .containsEntry("app.kubernetes.io/managed-by", "Helm")
                .containsKeys("helm.sh/chart", "app.kubernetes.io/version"));
    }

    @Test
    void clusterRole_grantsOnlyListingNodesAndPods_andTheTwoReviewsOfSignIn() {
        RenderedChart chart = RenderedChart.withDefaults();
        V1ClusterRole clusterRole = chart.all(V1ClusterRole.class).stream()
                .filter(r -> r.getMetadata().getName().equals("catalog-catalog-nodes")).findFirst().orElseThrow();
        V1ClusterRoleBinding binding = chart.one(V1ClusterRoleBinding.class);

        assertThat(clusterRole.getRules()).containsExactly(
                rule(List.of(""), List.of("nodes"), List.of("list")),
                rule(List.of(""), List.of("pods"), List.of("list")),
                rule(List.of("authentication.k8s.io"), List.of("tokenreviews"), List.of("create")),
                rule(List.of("authorization.k8s.io"), List.of("subjectaccessreviews"), List.of("create")));
        assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(binding.getRoleRef().getName()).isEqualTo(clusterRole.getMetadata().getName());
        assertThat(binding.getSubjects()).containsExactly(serviceAccountSubject(chart));
    }

    @Test
    void readOnlyCatalog_withoutSignIn_getsNoRoleAndNoClusterRole() {
        RenderedChart chart = RenderedChart.withSet(Map.of("runs.enabled", false, "auth.mode", "none"));

        // it calls nothing on the cluster (RbacCoversClusterCallsTest renders every other mode); only the unbound
        // ClusterRole for the people who may delete images exists
        assertThat(chart.all(V1Role.class)).isEmpty();
        assertThat(chart.all(V1RoleBinding.class)).isEmpty();
        assertThat(chart.all(V1ClusterRole.class)).extracting(r -> r.getMetadata().getName())
                .containsExactly("catalog-catalog-repository-deleter");
        assertThat(chart.all(V1ClusterRoleBinding.class)).isEmpty();
    }

    @Test
    void repositoryDeleter_grantsOnlyDeleteOnRepositories_andIsBoundToNobody() {
        for (RenderedChart chart : List.of(RenderedChart.withDefaults(),
                RenderedChart.withSet(Map.of("registry.delete.enabled", true)))) {
            V1ClusterRole deleter = chart.all(V1ClusterRole.class).stream()
                    .filter(r -> r.getMetadata().getName().equals("catalog-catalog-repository-deleter")).findFirst()
                    .orElseThrow();

            // the virtual resource the SubjectAccessReview of an untag or delete asks about
            assertThat(deleter.getRules()).containsExactly(
                    rule(List.of("imagecatalog.dev"), List.of("repositories"), List.of("delete")));
            assertThat(chart.all(V1ClusterRoleBinding.class))
                    .noneMatch(b -> b.getRoleRef().getName().equals(deleter.getMetadata().getName()));
        }
    }

    @Test
    void sessionKey_fromAnExistingSecret_isReadFromIt_andTheChartCreatesNone() {
        RenderedChart chart = RenderedChart.withSet(Map.of("auth.sessionKey.existingSecret", "gitops-session",
                "auth.sessionKey.existingSecretKey", "key"));
        V1Container container = chart.one(V1Deployment.class).getSpec().getTemplate().getSpec().getContainers()
                .getFirst();

        assertThat(chart.all(V1Secret.class)).isEmpty();
        assertThat(env(container, "AUTH_SESSION_KEY").getValueFrom().getSecretKeyRef())
                .returns("gitops-session", V1SecretKeySelector::getName)
                .returns("key", V1SecretKeySelector::getKey);
    }

    @Test
    void sessionKey_fromAnExistingSecret_defaultsToTheKeyNameOfTheChartsOwnSecret() {
        RenderedChart existing = RenderedChart.withSet(Map.of("auth.sessionKey.existingSecret", "gitops-session"));
        RenderedChart generated = RenderedChart.withDefaults();

        assertThat(env(existing.one(V1Deployment.class).getSpec().getTemplate().getSpec().getContainers().getFirst(),
                "AUTH_SESSION_KEY").getValueFrom().getSecretKeyRef().getKey()).isEqualTo("session-key");
        assertThat(generated.one(V1Secret.class).getData()).containsOnlyKeys("session-key");
        assertThat(env(generated.one(V1Deployment.class).getSpec().getTemplate().getSpec().getContainers().getFirst(),
                "AUTH_SESSION_KEY").getValueFrom().getSecretKeyRef())
                .returns("catalog-session", V1SecretKeySelector::getName)
                .returns("session-key", V1SecretKeySelector::getKey);
    }

    @Test
    void deletesEnabled_reachTheContainer_asRegistryDeleteEnabled_offByDefault() {
        for (boolean deletes : List.of(false, true)) {
            RenderedChart chart = deletes ? RenderedChart.withSet(Map.of("registry.delete.enabled", true))
                    : RenderedChart.withDefaults();
            V1Container container = chart.one(V1Deployment.class).getSpec().getTemplate().getSpec().getContainers()
                    .getFirst();

            assertThat(env(container, "REGISTRY_DELETE_ENABLED").getValue()).isEqualTo(String.valueOf(deletes));
        }
    }

    @Test
    void role_grantsExactlyWhatTheRunnerCalls_inTheReleaseNamespaceByDefault() {
        RenderedChart chart = RenderedChart.withDefaults();
        V1Role role = chart.one(V1Role.class);
        V1RoleBinding binding = chart.one(V1RoleBinding.class);

        assertThat(role.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
        assertThat(role.getRules()).containsExactly(
                rule(List.of(""), List.of("pods"), List.of("create", "get", "list", "watch", "delete")),
                rule(List.of(""), List.of("pods/log"), List.of("get")),
                rule(List.of(""), List.of("events"), List.of("list")));
        assertThat(binding.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).containsExactly(serviceAccountSubject(chart));
    }

    @Test
    void rbac_inEveryConfiguration_hasNoSecretsAndNoWildcards() {
        for (RenderedChart chart : List.of(RenderedChart.withDefaults(), RenderedChart.withValuesFile(SEPARATE_RUNS))) {
            List<V1PolicyRule> rules = new ArrayList<>();
            chart.all(V1ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
            chart.all(V1Role.class).forEach(r -> rules.addAll(r.getRules()));

            assertThat(rules).isNotEmpty().allSatisfy(rule -> {
                assertThat(rule.getResources()).doesNotContain("secrets", "*").noneMatch(r -> r.contains("*"));
                assertThat(rule.getVerbs()).doesNotContain("*");
                assertThat(rule.getApiGroups()).doesNotContain("*");
                assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
                assertThat(rule.getResourceNames()).isNullOrEmpty();
            });
        }
    }

    @Test
    void deployment_runsLockedDown() {
        V1PodSpec pod = RenderedChart.withDefaults().one(V1Deployment.class).getSpec().getTemplate().getSpec();
        V1Container container = pod.getContainers().getFirst();
        V1SecurityContext security = container.getSecurityContext();

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        // read-only root: /tmp is an emptyDir
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/tmp");
            assertThat(pod.getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo(m.getName());
                assertThat(v.getEmptyDir()).isNotNull();
            });
        });
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKey("memory");
    }

    @Test
    void deployment_takesItsNamespaceFromTheDownwardApi_andMountsTheConfigMap() {
        RenderedChart chart = RenderedChart.withDefaults();
        V1PodSpec pod = chart.one(V1Deployment.class).getSpec().getTemplate().getSpec();
        V1Container container = pod.getContainers().getFirst();

        V1EnvVar podNamespace = env(container, "POD_NAMESPACE");
        assertThat(podNamespace.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        assertThat(env(container, "CATALOG_CONFIG").getValue()).isEqualTo("/etc/catalog/application.yaml");
        assertThat(container.getEnv()).extracting(V1EnvVar::getName).doesNotContain("REGISTRY_USERNAME", "REGISTRY_PASSWORD");
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/etc/catalog");
            assertThat(pod.getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo(m.getName());
                assertThat(v.getConfigMap().getName()).isEqualTo(chart.one(V1ConfigMap.class).getMetadata().getName());
            });
        });
        assertThat(chart.one(V1ConfigMap.class).getData()).containsKey("application.yaml");
        assertThat(pod.getServiceAccountName()).isEqualTo(chart.one(V1ServiceAccount.class).getMetadata().getName());
        assertThat(container.getImage()).isEqualTo("localhost:5001/catalog:0.1.0");
    }

    @Test
    void probes_useTheServiceHealthEndpoints_onTheHttpPort() {
        V1Container container = RenderedChart.withDefaults().one(V1Deployment.class)
                .getSpec().getTemplate().getSpec().getContainers().getFirst();

        assertThat(container.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(8080);
        });
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo(HealthEndpoints.LIVENESS);
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo(HealthEndpoints.READINESS);
        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo(HealthEndpoints.LIVENESS);
        assertThat(List.of(container.getLivenessProbe(), container.getReadinessProbe(), container.getStartupProbe()))
                .allSatisfy(p -> assertThat(p.getHttpGet().getPort().getStrValue()).isEqualTo("http"));
    }

    @Test
    void service_isANodePortOn30080_targetingTheHttpPort() {
        RenderedChart chart = RenderedChart.withDefaults();
        V1Service service = chart.named(V1Service.class, "catalog");
        V1Deployment deployment = chart.one(V1Deployment.class);

        assertThat(service.getSpec().getType()).isEqualTo("NodePort");
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getNodePort()).isEqualTo(30080);
            assertThat(p.getPort()).isEqualTo(8080);
            assertThat(p.getTargetPort().getStrValue()).isEqualTo("http");
        });
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
    }

    @Test
    void helmTest_checksReadinessThroughTheService() {
        V1Pod test = RenderedChart.testHooks().one(V1Pod.class);
        V1Service service = RenderedChart.withDefaults().named(V1Service.class, "catalog");

        assertThat(test.getMetadata().getName()).isEqualTo("catalog-test-readiness");
        assertThat(test.getMetadata().getAnnotations()).containsKey("helm.sh/hook-delete-policy");
        assertThat(test.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(test.getSpec().getContainers().getFirst().getCommand())
                .contains("http://" + service.getMetadata().getName() + ":8080" + HealthEndpoints.READINESS);
        assertThat(test.getSpec().getContainers().getFirst().getSecurityContext().getCapabilities().getDrop())
                .containsExactly("ALL");
    }

    @Test
    void checksum_changesWithTheConfiguration_only() {
        String defaults = configChecksum(RenderedChart.withDefaults());

        assertThat(configChecksum(RenderedChart.withDefaults())).isEqualTo(defaults);
        assertThat(configChecksum(RenderedChart.withSet(Map.of("replicaCount", 3)))).isEqualTo(defaults);
        assertThat(configChecksum(RenderedChart.withSet(Map.of("registry.url", "http://other-registry:5000"))))
                .isNotEqualTo(defaults);
        assertThat(configChecksum(RenderedChart.withSet(Map.of("runs.ttl", "PT5M")))).isNotEqualTo(defaults);
        assertThat(defaults).matches("[0-9a-f]{64}");
    }

    @Test
    void separateRunsNamespace_isCreatedWithPodSecurityAndLimits_andHoldsTheRole() {
        RenderedChart chart = RenderedChart.withValuesFile(SEPARATE_RUNS);
        V1Namespace namespace = chart.one(V1Namespace.class);
        V1LimitRange limits = chart.one(V1LimitRange.class);

        assertThat(namespace.getMetadata().getName()).isEqualTo("catalog-runs");
        assertThat(namespace.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "baseline")
                .containsEntry("pod-security.kubernetes.io/warn", "restricted")
                .containsEntry("pod-security.kubernetes.io/audit", "restricted");
        assertThat(limits.getMetadata().getNamespace()).isEqualTo("catalog-runs");
        assertThat(limits.getSpec().getLimits()).singleElement().satisfies(l -> {
            assertThat(l.getType()).isEqualTo("Container");
            assertThat(l.getDefaultRequest()).containsKeys("cpu", "memory");
            assertThat(l.getDefault()).containsKeys("cpu", "memory");
        });
        assertThat(chart.one(V1Role.class).getMetadata().getNamespace()).isEqualTo("catalog-runs");
        assertThat(chart.one(V1RoleBinding.class).getMetadata().getNamespace()).isEqualTo("catalog-runs");
        // the subject is the service account in the release namespace, not in the runs namespace
        assertThat(chart.one(V1RoleBinding.class).getSubjects()).containsExactly(serviceAccountSubject(chart));
        // everything else stays in the release namespace
        assertThat(chart.objects()).filteredOn(o -> !(o instanceof V1Role || o instanceof V1RoleBinding
                        || o instanceof V1LimitRange || o instanceof V1Namespace
                        || o instanceof V1ClusterRole || o instanceof V1ClusterRoleBinding))
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE));
    }

    @Test
    void separateRunsValues_runTwoReplicas_withRegistryCredentialsFromTheSecret() {
        RenderedChart chart = RenderedChart.withValuesFile(SEPARATE_RUNS);
        V1Deployment deployment = chart.one(V1Deployment.class);
        V1Container container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();

        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(container.getImage()).isEqualTo("localhost:5001/catalog:1.2.3");
        assertThat(container.getImagePullPolicy()).isEqualTo("Always");
        assertThat(env(container, "REGISTRY_USERNAME").getValueFrom().getSecretKeyRef())
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo("registry-credentials");
                    assertThat(ref.getKey()).isEqualTo("user");
                });
        assertThat(env(container, "REGISTRY_PASSWORD").getValueFrom().getSecretKeyRef())
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo("registry-credentials");
                    assertThat(ref.getKey()).isEqualTo("token");
                });
        // credentials never land in the ConfigMap
        assertThat(chart.one(V1ConfigMap.class).getData().get("application.yaml"))
                .doesNotContain("username", "password", ": user", ": token", "registry-credentials");
    }

    @Test
    void networkPolicy_allowsOnlyDnsApiServerAndRegistry() {
        RenderedChart chart = RenderedChart.withValuesFile(SEPARATE_RUNS);
        V1NetworkPolicy policy = chart.one(V1NetworkPolicy.class);
        List<V1NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();

        assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(chart.one(V1Deployment.class).getSpec().getSelector().getMatchLabels());
        assertThat(policy.getSpec().getIngress()).singleElement()
                .satisfies(rule -> assertThat(rule.getPorts()).extracting(p -> p.getPort().getStrValue())
                        .containsExactly("http"));
        assertThat(egress).hasSize(4);
        assertThat(egress.get(0).getTo()).singleElement().satisfies(peer ->
                assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns"));
        assertThat(ports(egress.get(0))).containsExactlyInAnyOrder("UDP/53", "TCP/53");
        assertThat(cidrs(egress.get(1))).containsExactly("172.18.0.0/16");
        assertThat(ports(egress.get(1))).containsExactlyInAnyOrder("TCP/443", "TCP/6443");
        assertThat(cidrs(egress.get(2))).containsExactly("172.18.0.0/16", "10.96.0.0/12");
        assertThat(ports(egress.get(2))).containsExactly("TCP/5000");
        // the other replicas, for forwarded registry events
        assertThat(egress.get(3).getTo()).singleElement().satisfies(peer -> assertThat(peer.getPodSelector()
                .getMatchLabels()).isEqualTo(chart.one(V1Deployment.class).getSpec().getSelector().getMatchLabels()));
        assertThat(ports(egress.get(3))).containsExactly("TCP/http");
        assertThat(RenderedChart.withDefaults().all(V1NetworkPolicy.class)).isEmpty();
    }

    @Test
    void peersService_isHeadless_selectsTheReplicas_andTheEventsTokenComesFromItsSecret() {
        RenderedChart chart = RenderedChart.withValuesFile(SEPARATE_RUNS);
        V1Service peers = chart.named(V1Service.class, "catalog-peers");
        V1Deployment deployment = chart.one(V1Deployment.class);

        assertThat(peers.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(peers.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(peers.getSpec().getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getTargetPort().getStrValue()).isEqualTo("http"));
        V1EnvVar token = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
                .filter(e -> e.getName().equals("REGISTRY_EVENTS_TOKEN")).findFirst().orElseThrow();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("registry-events");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("events-token");
        assertThat(chart.one(V1ConfigMap.class).getData().get("application.yaml"))
                .contains("peers-service: \"catalog-peers.");
        assertThat(RenderedChart.withSet(Map.of("registry.events.peers", false)).all(V1Service.class))
                .extracting(s -> s.getMetadata().getName()).containsExactly("catalog");
    }

    @Test
    void networkPolicy_withoutCidrs_isRefused() {
        assertThatThrownBy(() -> RenderedChart.withSet(Map.of("networkPolicy.enabled", true)))
                .hasMessageContaining("networkPolicy.apiServer.cidrs");
    }

    @Test
    void createNamespace_withoutASeparateNamespace_isRefused() {
        assertThatThrownBy(() -> RenderedChart.withSet(Map.of("runs.createNamespace", true)))
                .hasMessageContaining("runs.createNamespace needs runs.namespace");
    }

    @Test
    void schema_rejectsValuesOfTheWrongType() {
        assertThatThrownBy(() -> RenderedChart.withValuesFile("values-wrong-type.yaml"))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("replicaCount")
                .hasMessageContaining("enabled");
        assertThatThrownBy(() -> RenderedChart.withSet(Map.of("service.nodePort", 80)))
                .hasMessageContaining("nodePort");
        assertThatThrownBy(() -> RenderedChart.withSet(Map.of("runs.ttl", "1 hour")))
                .hasMessageContaining("ttl");
    }

    private static String configChecksum(RenderedChart chart) {
        return chart.one(V1Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations()
                .get("checksum/config");
    }

    private static V1PolicyRule rule(List<String> apiGroups, List<String> resources, List<String> verbs) {
        return new V1PolicyRule().apiGroups(apiGroups).resources(resources).verbs(verbs);
    }

    private static RbacV1Subject serviceAccountSubject(RenderedChart chart) {
        V1ServiceAccount account = chart.one(V1ServiceAccount.class);
        return new RbacV1Subject().kind("ServiceAccount").name(account.getMetadata().getName())
                .namespace(RenderedChart.NAMESPACE);
    }

    private static V1EnvVar env(V1Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static List<String> cidrs(V1NetworkPolicyEgressRule rule) {
        return rule.getTo().stream().map(V1NetworkPolicyPeer::getIpBlock).map(V1IPBlock::getCidr).toList();
    }

    private static List<String> ports(V1NetworkPolicyEgressRule rule) {
        return rule.getPorts().stream().map(ChartTemplateTest::port).toList();
    }

    private static String port(V1NetworkPolicyPort port) {
        IntOrString number = port.getPort();
        return port.getProtocol() + "/" + (number.isInteger() ? number.getIntValue() : number.getStrValue());
    }

    @Test
    void indexSnapshot_isOffByDefault_andWhenOn_isConfiguredMountedAndKeptOnAClaim() {
        RenderedChart defaults = RenderedChart.withDefaults();
        V1PodSpec pod = defaults.one(V1Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(defaults.one(V1ConfigMap.class).getData().get("application.yaml"))
                .contains("peer-timeout: \"PT30S\"").doesNotContain("snapshot:");
        assertThat(defaults.named(V1Service.class, "catalog-peers").getSpec().getPublishNotReadyAddresses()).isTrue();

        RenderedChart on = RenderedChart.withSet(Map.of("index.snapshot.enabled", true,
                "index.snapshot.persistence.enabled", true, "terminationGracePeriodSeconds", 60));
        V1PodSpec spec = on.one(V1Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(on.one(V1ConfigMap.class).getData().get("application.yaml"))
                .contains("path: \"/var/lib/catalog/index.snapshot\"");
        assertThat(spec.getContainers().getFirst().getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/catalog"));
        assertThat(spec.getVolumes()).filteredOn(v -> v.getPersistentVolumeClaim() != null)
                .singleElement().satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName())
                        .isEqualTo("catalog-index"));
        assertThat(spec.getTerminationGracePeriodSeconds()).isEqualTo(60L);
        assertThat(on.one(io.kubernetes.client.openapi.models.V1PersistentVolumeClaim.class).getMetadata().getName())
                .isEqualTo("catalog-index");
    }
}
