package dev.imagecatalog;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imagecatalog.testing.LocalRegistry;
import dev.imagecatalog.testing.TestPusher;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Status;
import io.helidon.webclient.api.ClientResponseTyped;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** More repositories than a registry catalog page (100) and than a page of {@code /} (50). */
@ServerTest
class RepositoryPagingIT {

    private static final int COUNT = 123;
    private static final Pattern LINK = Pattern.compile("<th scope=\"row\"><a href=\"/repositories/([^\"]+)\">");

    private static LocalRegistry registry;
    private static ReadOnlyApp app;
    private static List<String> pushed;

    private final WebClient client;

    RepositoryPagingIT(WebClient client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        registry = LocalRegistry.start();
        pushed = new TestPusher(registry).pushManyRepositories("paging/repo", COUNT);
        app = ReadOnlyApp.serve(server, registry);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        } else if (registry != null) {
            registry.close();
        }
    }

    @Test
    void index_pagesFiftyAtATime_andTheLastPageHoldsTheRest() {
        List<String> seen = new ArrayList<>();
        for (int page = 1; page <= 3; page++) {
            ClientResponseTyped<String> res = CatalogWebIT.request(client, "/?page=" + page);
            assertThat(res.status()).isEqualTo(Status.OK_200);
            assertThat(res.entity()).contains("Page " + page + " of 3");
            seen.addAll(links(res.entity()));
        }
        assertThat(seen).containsExactlyElementsOf(pushed);
        String first = CatalogWebIT.request(client, "/").entity();
        assertThat(links(first)).hasSize(50);
        assertThat(first).contains("href=\"/?page=2\"").contains("Showing 1&#8211;50 of " + COUNT);
    }

    @Test
    void index_pageBeyondTheLast_showsTheLastPage() {
        String body = CatalogWebIT.request(client, "/?page=99").entity();
        assertThat(links(body)).containsExactlyElementsOf(pushed.subList(100, COUNT));
    }

    @Test
    void index_withFilter_listsExactlyTheMatchingRepositories() {
        // names paging/repo-000 … -122: "repo-1" matches -100 … -122 and -010 … -019 → 23 + 10
        String body = CatalogWebIT.request(client, "/?q=repo-1").entity();
        List<String> expected = pushed.stream().filter(n -> n.contains("repo-1")).toList();
        assertThat(links(body)).containsExactlyElementsOf(expected);
        assertThat(body).contains(expected.size() + " repositories");
    }

    @Test
    void apiRepositories_returnAllRepositoriesAcrossCatalogPages() throws Exception {
        var doc = new ObjectMapper().readTree(CatalogWebIT.request(client, "/api/repositories").entity());
        List<String> names = new ArrayList<>();
        doc.get("repositories").forEach(r -> names.add(r.get("name").asText()));
        assertThat(names).containsExactlyElementsOf(pushed);
    }

    private static List<String> links(String html) {
        List<String> names = new ArrayList<>();
        Matcher m = LINK.matcher(html);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
