package dev.imagecatalog;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.ServiceProcess;
import dev.imagecatalog.testing.SignIn;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real service with no cluster configured (no service account, {@code KUBECONFIG} naming no file): signing in
 * says so and how to configure one, instead of dialling client-java's default {@code http://localhost:8080} — which
 * was often the catalog itself and answered "404 tokenreviews not found".
 */
class NoClusterSignInIT {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @Test
    void signIn_withoutACluster_saysNoClusterIsConfigured_andHowToConfigureOne() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start();
             ServiceProcess service = ServiceProcess.start(List.of(), Map.of(
                     "REGISTRY_URL", registry.url().toString(), "AUTH_MODE", "kubernetes"))) {
            service.awaitReady(Duration.ofSeconds(60));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(service.url().resolve("/login")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher csrf = CSRF.matcher(page.body());
            assertThat(csrf.find()).as("the sign-in form").isTrue();
            String form = "csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) + "&next=%2F&token=abc";
            HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(service.url().resolve("/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", SignIn.cookie(page))
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(signIn.statusCode()).isEqualTo(503);
            assertThat(signIn.body()).contains("no Kubernetes cluster configured").contains("KUBECONFIG")
                    .doesNotContain("tokenreviews").doesNotContain("localhost:8080");
            assertThat(service.log()).doesNotContain("localhost:8080");
        }
    }
}
