package dev.imagecatalog.web;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

import freemarker.template.Configuration;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;

/**
 * The application's single FreeMarker {@link Configuration}: {@code .ftlh} templates from the class path
 * {@code templates/} folder, HTML auto-escaping, exceptions rethrown instead of printed into the page.
 */
public final class Templates {

    private final Configuration configuration;

    /** Builds the configuration once; it is thread-safe afterwards. */
    public Templates() {
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
        try {
            // pages are 10–130 KB: start large enough that the buffer is not copied over and over while it grows
            StringWriter out = new StringWriter(32 * 1024);
            Map<String, Object> full = new java.util.HashMap<>(model);
            // the page frame's sign-in link, user name and demo warning, for the request being answered
            full.putIfAbsent("auth", Guard.pageModel());
            configuration.getTemplate(name).process(full, out);
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load template " + name, e);
        } catch (TemplateException e) {
            throw new IllegalStateException("Cannot render template " + name + ": " + e.getMessageWithoutStackTop(), e);
        }
    }
}
