package dev.imagecatalog.web;

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
}
