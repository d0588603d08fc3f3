package dev.imagecatalog;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imagecatalog.cluster.MockKubernetes;
import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.ServiceProcess;
import dev.imagecatalog.testing.TestPusher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@link Main} in a child JVM: a read-only catalog ({@code RUNS_ENABLED=false}) links no page from its
 * header that could only answer 403 (the node and run pages), and every link its header has answers something
 * else. Sign-in is off ({@code AUTH_MODE=none}) so the run pages answer the read-only 403 rather than a sign-in
 * request. A catalog with runs (and a cluster configured: without one runs are off) links them.
 */
class ReadOnlyHeaderIT {

    private static final Pattern HEADER = Pattern.compile("<header\\b.*?</header>", Pattern.DOTALL);
    /** Links, and the targets of forms a browser sends with GET (the search box). */
    private static final Pattern TARGET = Pattern.compile("<a\\b[^>]*\\bhref=\"([^\"]*)\"|<form\\b[^>]*\\bmethod=\"get\""
                                                          + "[^>]*\\baction=\"([^\"]*)\"");

    @Test
    void readOnlyCatalog_headerLinksOnlyPagesThatAnswer_andNoRunPages() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            new TestPusher(registry).pushOciImage("team/app", "v1", TestPusher.Arch.AMD64, Map.of());
            try (ServiceProcess service = start(registry, false)) {
                for (String page : List.of("/", "/repositories/team/app", "/repositories/team/app/tags/v1")) {
                    HttpResponse<String> answer = service.get(page);
                    assertThat(answer.statusCode()).as(page).isEqualTo(200);
                    List<String> targets = headerTargets(answer.body());

                    assertThat(targets).as("header of %s", page).contains("/").doesNotContain("/nodes", "/runs");
                    for (String target : targets) {
                        assertThat(service.get(target).statusCode()).as("%s linked from the header of %s", target, page)
                                .isNotEqualTo(403);
                    }
                }
                // what the header no longer links: in this mode those pages can only refuse
                assertThat(service.get("/nodes").statusCode()).isEqualTo(403);
                assertThat(service.get("/runs").statusCode()).isEqualTo(403);
            }
        }
    }

    @Test
    void catalogWithRuns_headerLinksTheNodeAndRunPages() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start();
             MockKubernetes k8s = MockKubernetes.withNodes(Map.of());
             ServiceProcess service = start(registry, true, Map.of("KUBECONFIG", kubeconfig(k8s).toString()))) {
            HttpResponse<String> home = service.get("/");

            assertThat(home.statusCode()).isEqualTo(200);
            assertThat(headerTargets(home.body())).contains("/", "/nodes", "/runs");
        }
    }

    private static ServiceProcess start(LocalRegistry registry, boolean runs) {
        return start(registry, runs, Map.of());
    }

    private static ServiceProcess start(LocalRegistry registry, boolean runs, Map<String, String> more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "REGISTRY_URL", registry.url().toString(),
                "RUNS_ENABLED", Boolean.toString(runs),
                "AUTH_MODE", "none"));
        env.putAll(more);
        ServiceProcess service = ServiceProcess.start(List.of(), env);
        service.awaitIndexed(Duration.ofSeconds(60));
        return service;
    }

    /** A kubeconfig naming the stand-in API server. */
    private static Path kubeconfig(MockKubernetes k8s) throws IOException {
        Path config = Files.createTempFile("catalog-kubeconfig-", ".yaml");
        config.toFile().deleteOnExit();
        return k8s.writeKubeconfig(config);
    }

    private static List<String> headerTargets(String page) {
        Matcher header = HEADER.matcher(page);
        assertThat(header.find()).as("the page has a header").isTrue();
        List<String> targets = new ArrayList<>();
        Matcher target = TARGET.matcher(header.group());
        while (target.find()) {
            targets.add(target.group(1) != null ? target.group(1) : target.group(2));
        }
        return targets;
    }
}
