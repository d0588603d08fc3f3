package dev.imagecatalog.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scripts/registry-gc.sh} against recording stand-ins for docker, kind and kubectl (the set-up that
 * {@code scripts/up.sh} leaves: MinIO and the registry container): the registry goes read-only, the collector runs
 * without {@code --delete-untagged}, the registry comes back read-write, and the bytes the bucket lost are printed.
 */
class RegistryGcScriptTest {

    private static final List<String> STUBS = List.of("docker", "kind", "kubectl");
    private static final String READ_ONLY = "-e REGISTRY_STORAGE_MAINTENANCE_READONLY={\"enabled\":true}";
    private static final String COLLECT = "docker exec kind-registry registry garbage-collect";

    @TempDir
    Path sandbox;

    private StubbedTools tools;
    private Map<String, String> environment;

    @BeforeEach
    void setUp() throws IOException {
        tools = StubbedTools.create(sandbox, STUBS);
        environment = Map.of("ENV_FILE", sandbox.resolve("dot-env").toString());
    }

    @Test
    void gc_switchesTheRegistryReadOnly_collectsWithoutDeleteUntagged_andSwitchesItBackReadWrite() throws Exception {
        upAndMeasured(52_428_800L + 1_000, 1_000);

        StubbedTools.Run run = tools.run("scripts/registry-gc.sh", environment);

        assertThat(run.exitCode()).as(run.output()).isZero();
        List<String> calls = tools.calls();
        List<String> runs = calls.stream().filter(c -> c.startsWith("docker run -d --name kind-registry")).toList();
        assertThat(runs).hasSize(2);
        String readOnly = runs.getFirst();
        String readWrite = runs.getLast();
        assertThat(calls).containsSubsequence(
                call(calls, "du --json minio/registry"),
                "docker rm -f kind-registry",
                readOnly,
                COLLECT + " /etc/docker/registry/config.yml",
                "docker rm -f kind-registry",
                readWrite,
                calls.stream().filter(c -> c.contains("du --json minio/registry")).reduce((a, b) -> b).orElseThrow());
        assertThat(readOnly).isNotEqualTo(readWrite).contains(READ_ONLY);
        assertThat(readWrite).doesNotContain("READONLY");
        // the registry comes back exactly as up.sh made it (same hash label, secrets by name)
        assertThat(readWrite).contains("-e REGISTRY_STORAGE_S3_SECRETKEY ", "-p 127.0.0.1:5001:5000");
        assertThat(calls).filteredOn(c -> c.startsWith(COLLECT)).singleElement().asString()
                .doesNotContain("delete-untagged").doesNotContain(" -m");
        assertThat(run.output()).contains("freed 52428800 bytes (50 MiB)");
    }

    @Test
    void gc_whenTheCollectionFails_stillSwitchesTheRegistryBackReadWrite() throws Exception {
        upAndMeasured(2_000, 1_000);
        tools.state("fail-exec", "");

        StubbedTools.Run run = tools.run("scripts/registry-gc.sh", environment);

        List<String> calls = tools.calls();
        List<String> runs = calls.stream().filter(c -> c.startsWith("docker run -d --name kind-registry")).toList();
        assertThat(run.exitCode()).isNotZero();
        assertThat(runs).hasSize(2);
        assertThat(runs.getFirst()).contains(READ_ONLY);
        assertThat(runs.getLast()).doesNotContain("READONLY");
        assertThat(run.output()).doesNotContain("freed");
    }

    @Test
    void gc_refusesWhenTheRegistryContainerIsAbsent_andTouchesNothing() throws Exception {
        StubbedTools.Run run = tools.run("scripts/registry-gc.sh", environment);

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.output()).contains("the registry container 'kind-registry' is not running",
                "scripts/up.sh");
        assertThat(tools.calls()).noneMatch(c -> c.startsWith("docker run") || c.startsWith("docker exec")
                || c.startsWith("docker rm"));
    }

    @Test
    void gc_refusesDeleteUntagged() throws Exception {
        upAndMeasured(2_000, 1_000);

        StubbedTools.Run run = tools.run("scripts/registry-gc.sh", environment, "--delete-untagged");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.output()).contains("refusing --delete-untagged", "distribution#3004");
        assertThat(tools.calls()).noneMatch(c -> c.startsWith("docker exec") || c.startsWith("docker rm"));
    }

    /** MinIO and the registry as up.sh starts them; then the bucket sizes MinIO will report, before and after. */
    private void upAndMeasured(long before, long after) throws Exception {
        assertThat(tools.run("scripts/minio.sh", environment).exitCode()).isZero();
        assertThat(tools.run("scripts/kind-registry.sh", environment).exitCode()).isZero();
        tools.clearCalls();
        tools.state("du-sizes", "{\"status\":\"success\",\"prefix\":\"registry\",\"size\":" + before
                + ",\"objects\":12}\n{\"status\":\"success\",\"prefix\":\"registry\",\"size\":" + after
                + ",\"objects\":7}\n");
    }

    private static String call(List<String> calls, String part) {
        return calls.stream().filter(c -> c.contains(part)).findFirst()
                .orElseThrow(() -> new AssertionError("no call containing \"" + part + "\" in " + calls));
    }
}
