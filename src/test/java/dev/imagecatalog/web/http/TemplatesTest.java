package dev.imagecatalog.web.http;

import dev.imagecatalog.web.catalog.Views;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The production FreeMarker configuration escapes what it renders and fails loudly instead of printing traces. */
class TemplatesTest {

    private static final String SCRIPT = "<script>alert(1)</script>";
    private final Templates templates = new Templates();

    @Test
    void render_errorPageWithScriptMessage_escapesIt() {
        String html = templates.render("error.ftlh", Map.of("title", SCRIPT, "status", 404, "message", SCRIPT,
                "hint", "\" onmouseover=\"x"));
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(SCRIPT)
                .contains("&quot; onmouseover=&quot;x");
    }

    @Test
    void render_indexWithScriptQuery_escapesItInTextAndAttribute() {
        Map<String, Object> model = Map.ofEntries(Map.entry("title", "Repositories"), Map.entry("q", SCRIPT),
                Map.entry("total", 0), Map.entry("page", 1), Map.entry("pages", 1), Map.entry("from", 0),
                Map.entry("to", 0), Map.entry("repositories", List.of()), Map.entry("prevHref", ""),
                Map.entry("nextHref", ""), Map.entry("sort", "name"), Map.entry("sortHrefs", Views.sortHrefs(SCRIPT)),
                Map.entry("totals", Map.of("repositories", 0, "tags", 0, "size", "0 B", "sizeExact", "0 bytes")),
                Map.entry("progress", Map.of()));
        String html = templates.render("index.ftlh", model);
        assertThat(html).contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"").doesNotContain(SCRIPT);
    }

    @Test
    void render_recordProperties_areReadableByName() {
        Views.Size size = new Views.Size("1.0 KiB", "1,024 bytes", 1024, 50);
        String html = templates.render("error.ftlh", Map.of("title", size.text(), "status", 500,
                "message", size.exact(), "hint", ""));
        assertThat(html).contains("1.0 KiB").contains("1,024 bytes");
    }

    @Test
    void page_equalModel_isRenderedOnceAndItsBytesReused() {
        Encoded first = templates.page("error.ftlh", errorModel("Not found"));
        Encoded again = templates.page("error.ftlh", errorModel("Not found"));
        Encoded other = templates.page("error.ftlh", errorModel("Gone"));
        assertThat(again).isSameAs(first);
        assertThat(other).isNotSameAs(first);
        assertThat(new String(other.identity(), java.nio.charset.StandardCharsets.UTF_8)).contains("Gone")
                .doesNotContain("Not found");
        assertThat(new String(first.identity(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(templates.render("error.ftlh", errorModel("Not found")));
    }

    private static Map<String, Object> errorModel(String message) {
        return Map.of("title", message, "status", 404, "message", message, "hint", "");
    }

    @Test
    void render_missingValue_throwsInsteadOfWritingAPartialPage() {
        assertThatThrownBy(() -> templates.render("error.ftlh", Map.of("title", "x")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("error.ftlh");
    }

    @Test
    void page_distinctModelsWithLargeUnrenderedValues_keptBytesCountTheKeysAndStayBounded() {
        // a model keeps what the viewer sent even when the page shows little of it: the key must be weighed
        String large = "q".repeat(100_000);
        for (int i = 0; i < 600; i++) {
            Map<String, Object> model = new java.util.HashMap<>(errorModel("Not found " + i));
            model.put("viewerInput", i + large);
            templates.page("error.ftlh", model);
        }
        long keyBytes = templates.keptKeys().stream().mapToLong(RetainedBytes::of).sum();
        assertThat(keyBytes).as("bytes the kept keys hold").isLessThanOrEqualTo(Templates.PAGE_CACHE_BYTES);
        assertThat(templates.keptBytes()).isLessThanOrEqualTo(Templates.PAGE_CACHE_BYTES).isGreaterThanOrEqualTo(keyBytes);
    }

    @Test
    void retainedBytes_countsStringsInMapsListsAndRecords() {
        record Row(String name, List<String> tags) {
        }
        long one = RetainedBytes.of(Map.of("rows", List.of(new Row("n".repeat(1_000), List.of("t".repeat(500))))));
        assertThat(one).isGreaterThan(2 * 1_500);
        assertThat(RetainedBytes.of(List.of("x".repeat(10_000)))).isGreaterThan(20_000);
    }
}
