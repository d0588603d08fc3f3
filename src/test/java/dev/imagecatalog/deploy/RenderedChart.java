package dev.imagecatalog.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.util.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The chart rendered by the real Helm engine (helm-java) and every document parsed into client-java models,
 * which reject fields the Kubernetes API does not know — so a typo in a template fails here, not in a cluster.
 */
final class RenderedChart {

    /** The chart directory, relative to the project root Maven runs the tests from. */
    static final Path CHART = Path.of("chart");
    static final String RELEASE = "catalog";
    static final String NAMESPACE = "catalog";
    /** kind v0.32's default node image; helm-java otherwise assumes v1.20, which the chart refuses. */
    static final String KUBE_VERSION = "v1.36.1";
    private static final String HOOK_ANNOTATION = "\"helm.sh/hook\": test";

    private final String manifest;
    private final List<KubernetesObject> objects;

    private RenderedChart(String manifest, List<KubernetesObject> objects) {
        this.manifest = manifest;
        this.objects = objects;
    }

    /** Renders the chart with its default values. */
    static RenderedChart withDefaults() {
        return render(UnaryOperator.identity());
    }

    /** Renders the chart with a values file from src/test/resources/deploy. */
    static RenderedChart withValuesFile(String name) {
        return render(command -> command.withValuesFile(Path.of("src/test/resources/deploy", name)));
    }

    /** Renders the chart with {@code --set key=value} pairs. */
    static RenderedChart withSet(Map<String, Object> values) {
        return render(command -> {
            values.forEach(command::set);
            return command;
        });
    }

    /** Renders the chart after letting the caller add values to the template command. */
    static RenderedChart render(UnaryOperator<TemplateCommand> values) {
        return render(CHART, values);
    }

    /**
     * Renders only the {@code helm test} hooks with default values. helm-java's template returns the release
     * manifest without hooks, so this renders a copy of the chart whose test templates lost their
     * {@code helm.sh/hook} annotation line (everything else is rendered by Helm as shipped).
     */
    static RenderedChart testHooks() {
        try {
            Path copy = Files.createTempDirectory("chart-tests");
            try (Stream<Path> files = Files.walk(CHART)) {
                for (Path source : files.toList()) {
                    Path target = copy.resolve(CHART.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                }
            }
            Path tests = copy.resolve("templates/tests");
            // only the test templates are kept, without their hook annotation
            try (Stream<Path> templates = Files.list(copy.resolve("templates"))) {
                for (Path template : templates.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                    Files.delete(template);
                }
            }
            try (Stream<Path> hooks = Files.list(tests)) {
                for (Path hook : hooks.toList()) {
                    String text = Files.readString(hook);
                    if (!text.contains(HOOK_ANNOTATION)) {
                        throw new AssertionError(hook.getFileName() + " is not a helm test hook");
                    }
                    Files.writeString(hook, text.lines().filter(line -> !line.contains(HOOK_ANNOTATION))
                            .collect(Collectors.joining("\n", "", "\n")));
                }
            }
            return render(copy, UnaryOperator.identity());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RenderedChart render(Path chart, UnaryOperator<TemplateCommand> values) {
        // helm-java's template asks a real cluster for `lookup` (the CLI does not): no cluster here
        TemplateCommand command = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION).set("auth.sessionKey.lookup", false);
        String manifest = values.apply(command).call();
        return new RenderedChart(manifest, parse(manifest));
    }

    private static List<KubernetesObject> parse(String manifest) {
        try {
            List<KubernetesObject> parsed = new ArrayList<>();
            for (Object document : Yaml.loadAll(manifest)) {
                if (document == null) {
                    continue;
                }
                if (!(document instanceof KubernetesObject object)) {
                    throw new IllegalStateException("not a Kubernetes object: " + document.getClass());
                }
                parsed.add(object);
            }
            return List.copyOf(parsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The raw multi-document YAML Helm produced. */
    String manifest() {
        return manifest;
    }

    /** Every rendered object. */
    List<KubernetesObject> objects() {
        return objects;
    }

    /** All objects of one model type. */
    <T extends KubernetesObject> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The only object of one model type; fails when there is none or more than one. */
    <T extends KubernetesObject> T one(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + type.getSimpleName() + " but found " + found.size());
        }
        return found.getFirst();
    }

    /** The object of one type with the given name. */
    <T extends KubernetesObject> T named(Class<T> type, String name) {
        return all(type).stream()
                .filter(object -> Objects.equals(object.getMetadata().getName(), name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }
}
