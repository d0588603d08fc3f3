package dev.imagecatalog.web.http;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import freemarker.template.Configuration;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;

/**
 * The application's single FreeMarker {@link Configuration}: {@code .ftlh} templates from the class path
 * {@code templates/} folder, HTML auto-escaping, exceptions rethrown instead of printed into the page.
 */
public final class Templates {

    /**
     * Bound of the rendered-page cache in bytes: a page weighs its bytes (both encodings) plus what its key — the
     * model it was rendered from, partly the viewer's input — retains ({@link RetainedBytes}).
     */
    public static final long PAGE_CACHE_BYTES = 32L * 1024 * 1024;

    private final Configuration configuration;
    /** Whether the page frame links the node and run pages: a read-only catalog's could only answer 403. */
    private final boolean runPages;
    private final PageFrame frame;
    /**
     * Rendered pages by template and model. A page is a pure function of its model (relative times are computed in
     * the browser), so an equal model — the same repository at the same index state, for the same kind of viewer —
     * is answered with the bytes rendered before: rendering is most of a page's cost and the index changes far less
     * often than pages are viewed. Models differ per signed-in session (its sign-out token), so those pages are
     * cached per session and compete for the same bound.
     */
    private final Cache<List<Object>, Encoded> pages = Caffeine.newBuilder()
            .maximumWeight(PAGE_CACHE_BYTES)
            .weigher((List<Object> key, Encoded page) -> weight(key, page))
            .build();

    /** Builds the configuration once; it is thread-safe afterwards. The page frame links the run pages. */
    public Templates() {
        this(true);
    }

    /**
     * Builds the configuration once; it is thread-safe afterwards.
     *
     * @param runPages whether the page frame links {@code /nodes} and {@code /runs} ({@code false} with runs disabled)
     */
    public Templates(boolean runPages) {
        this(runPages, PageFrame.ANONYMOUS);
    }

    /**
     * Builds the configuration once; it is thread-safe afterwards.
     *
     * @param runPages whether the page frame links {@code /nodes} and {@code /runs}
     * @param frame    the viewer's part of each page's frame
     */
    public Templates(boolean runPages, PageFrame frame) {
        this.runPages = runPages;
        this.frame = frame;
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_34);
        cfg.setClassForTemplateLoading(Templates.class, "/templates");
        cfg.setDefaultEncoding(StandardCharsets.UTF_8.name());
        cfg.setOutputEncoding(StandardCharsets.UTF_8.name());
        cfg.setLocale(Locale.ROOT);
        cfg.setTimeZone(TimeZone.getTimeZone("UTC"));
        // a failing template must become our error page, not half a page with a stack trace in it
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        // .ftlh → HTML output format with auto-escaping (the default for this incompatible-improvements level)
        cfg.setRecognizeStandardFileExtensions(true);
        cfg.setAPIBuiltinEnabled(false);
        this.configuration = cfg;
    }

    /**
     * Renders a template to a string.
     *
     * @param name  template file name under {@code templates/}, e.g. {@code index.ftlh}
     * @param model the data model
     * @return the rendered HTML
     */
    public String render(String name, Map<String, ?> model) {
        return process(name, full(model));
    }

    /**
     * A page of the catalog as UTF-8 bytes, rendered once per distinct model. The model must hold only values
     * (strings, numbers, booleans, records, lists and maps of them) built for this request and not changed after.
     *
     * @param name  template file name under {@code templates/}
     * @param model the data model
     * @return the page's bytes, as they are and gzip-compressed (shared: never modify them)
     */
    public Encoded page(String name, Map<String, ?> model) {
        Map<String, Object> full = full(model);
        return pages.get(List.of(name, full), key -> Encoded.of(process(name, full).getBytes(StandardCharsets.UTF_8)));
    }

    /** The bytes a kept page retains: its key (template name and model) and its bodies. */
    public static int weight(List<Object> key, Encoded page) {
        return (int) Math.min(Integer.MAX_VALUE, 64 + RetainedBytes.of(key) + page.weight());
    }

    /** Bytes the kept pages retain now, by the weigher's measure (tests). */
    long keptBytes() {
        pages.cleanUp();
        return pages.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    /** The kept pages' keys (tests). */
    List<List<Object>> keptKeys() {
        pages.cleanUp();
        return List.copyOf(pages.asMap().keySet());
    }

    /** The viewer's part of the frame (error pages answered outside the filters use {@link PageFrame#nobody()}). */
    public PageFrame frame() {
        return frame;
    }

    private Map<String, Object> full(Map<String, ?> model) {
        Map<String, Object> full = new HashMap<>(model);
        // the page frame's sign-in link, user name and demo warning, for the request being answered
        full.putIfAbsent("auth", frame.current());
        full.putIfAbsent("runPages", runPages);
        return full;
    }

    private String process(String name, Map<String, Object> full) {
        try {
            // pages are 10–130 KB: start large enough that the buffer is not copied over and over while it grows
            StringWriter out = new StringWriter(32 * 1024);
            configuration.getTemplate(name).process(full, out);
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load template " + name, e);
        } catch (TemplateException e) {
            throw new IllegalStateException("Cannot render template " + name + ": " + e.getMessageWithoutStackTop(), e);
        }
    }
}
