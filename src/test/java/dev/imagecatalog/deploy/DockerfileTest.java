package dev.imagecatalog.deploy;

import dev.imagecatalog.deploy.DockerfileInstructions.Instruction;
import dev.imagecatalog.deploy.DockerfileInstructions.Stage;
import io.kubernetes.client.openapi.models.V1Deployment;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile's shape, checked statically because this machine has no Docker daemon to build it
 * ({@code ImageLayoutIT} runs what the runtime stage runs; {@code ChartK3sIT} builds it on a Docker host).
 */
class DockerfileTest {

    private static final DockerfileInstructions DOCKERFILE = DockerfileInstructions.read(Path.of("Dockerfile"));

    @Test
    void stages_buildOnAJdk21_runOnAJre21() {
        List<Stage> stages = DOCKERFILE.stages();

        assertThat(stages).hasSize(2);
        assertThat(stages.get(0).from()).isEqualTo("${BUILD_IMAGE} AS build");
        assertThat(DOCKERFILE.globalArg("BUILD_IMAGE")).isEqualTo("eclipse-temurin:21-jdk");
        assertThat(stages.get(1).from()).isEqualTo("${RUNTIME_IMAGE}");
        assertThat(DOCKERFILE.globalArg("RUNTIME_IMAGE")).isEqualTo("eclipse-temurin:21-jre");
    }

    @Test
    void buildStage_resolvesDependenciesBeforeCopyingSources() {
        Stage build = DOCKERFILE.stages().get(0);

        int copyPom = build.indexOf("COPY", "pom.xml");
        int copyWrapper = build.indexOf("COPY", ".mvn");
        int goOffline = build.indexOf("RUN", "./mvnw -B -q dependency:go-offline");
        int copySources = build.indexOf("COPY", "src/main");
        int packageJar = build.indexOf("RUN", "./mvnw -B -q package");

        assertThat(build.instructions().get(copyPom).arguments()).contains("mvnw");
        assertThat(List.of(copyPom, copyWrapper, goOffline, copySources, packageJar))
                .doesNotContain(-1)
                .isSorted();
        // nothing but the wrapper, pom and .mvn is copied before the dependency layer
        assertThat(build.instructions().subList(0, goOffline)).filteredOn(i -> i.keyword().equals("COPY"))
                .extracting(Instruction::arguments)
                .containsExactly("mvnw pom.xml ./", ".mvn .mvn");
    }

    @Test
    void runtimeStage_copiesOnlyTheJarAndItsLibraries_fromTheBuildStage() {
        Stage runtime = DOCKERFILE.stages().get(1);

        assertThat(runtime.all("COPY")).extracting(Instruction::arguments).containsExactly(
                "--from=build /build/target/libs/ /app/libs/",
                "--from=build /build/target/catalog.jar /app/catalog.jar");
        // the build stage's WORKDIR is where those paths come from
        assertThat(DOCKERFILE.stages().get(0).all("WORKDIR")).extracting(Instruction::arguments)
                .containsExactly("/build");
        assertThat(runtime.all("ENTRYPOINT")).extracting(Instruction::arguments)
                .containsExactly("[\"java\", \"-jar\", \"/app/catalog.jar\"]");
        // no build tools in the final image: no package installs, no Maven, no JDK
        assertThat(runtime.all("RUN")).extracting(Instruction::arguments)
                .noneMatch(run -> run.contains("apt-get") || run.contains("mvn") || run.contains("jdk"));
    }

    @Test
    void runtimeStage_runsAsANumericNonRootUser_andExposes8080() {
        Stage runtime = DOCKERFILE.stages().get(1);

        assertThat(runtime.all("USER")).singleElement().extracting(Instruction::arguments)
                .asString().matches("[1-9][0-9]*:[1-9][0-9]*");
        // the user is the last thing set before the entry point, so nothing after it runs as root
        assertThat(runtime.indexOf("USER", "")).isGreaterThan(runtime.indexOf("COPY", "catalog.jar"));
        assertThat(runtime.all("EXPOSE")).extracting(Instruction::arguments).containsExactly("8080");
        String uid = runtime.all("USER").getFirst().arguments().split(":")[0];
        // the chart runs the pod as the same numeric user the image declares
        assertThat(RenderedChart.withDefaults().one(V1Deployment.class)
                .getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser())
                .isEqualTo(Long.parseLong(uid));
    }

    @Test
    void dockerignore_sendsOnlyWhatTheBuildStageCopies() throws IOException {
        List<String> patterns = Files.readAllLines(Path.of(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> copied = DOCKERFILE.stages().get(0).all("COPY").stream()
                .flatMap(i -> {
                    String[] words = i.arguments().split("\\s+");
                    return List.of(words).subList(0, words.length - 1).stream();
                })
                .toList();

        assertThat(patterns.getFirst()).as("everything excluded first").isEqualTo("*");
        assertThat(copied).allSatisfy(source ->
                assertThat(patterns).anyMatch(p -> p.equals("!" + source) || p.equals("!" + source + "/")));
        // secrets and build output never reach the daemon
        assertThat(patterns).noneMatch(p -> p.contains(".env") || p.contains("target"));
    }
}
