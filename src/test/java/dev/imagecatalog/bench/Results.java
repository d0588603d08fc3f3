package dev.imagecatalog.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The figures of one run and the machine they were measured on, as {@code bench/RESULTS.md}. */
final class Results {

    private record Row(String figure, String value, String goal, String verdict) {
    }

    private final Map<String, String> params;
    private final String started = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .substring(0, 16) + " UTC";
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Results(Map<String, String> params) {
        this.params = params;
    }

    synchronized void row(String figure, String value, String goal, String verdict) {
        rows.add(new Row(figure, value, goal, verdict));
    }

    synchronized void note(String note) {
        notes.add(note);
    }

    synchronized String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("Written by `scripts/bench.sh` (issue 7). Reproduce with `scripts/bench.sh` (defaults) or e.g. ")
                .append("`REPOS=100 TAGS=10 scripts/bench.sh`; see the README's \"Benchmark\" section. ")
                .append("This file is overwritten by every run.\n\n");
        if (!params.get("label").isBlank()) {
            md.append("**").append(params.get("label")).append("**\n\n");
        }
        md.append("## Run\n\n");
        md.append("- Date: ").append(started).append('\n');
        md.append("- Parameters: ").append(params.get("repos")).append(" repositories × ").append(params.get("tags"))
                .append(" tags (").append(params.getOrDefault("shape", "simple")).append(" shape) + one repository of ")
                .append(params.get("bigTags")).append(" tags; registry concurrency of the service: ")
                .append(params.getOrDefault("concurrency", "default")).append("; wrk ")
                .append(params.get("wrkSeconds")).append(" s × ").append(params.get("wrkConnections"))
                .append(" connections; reconcile interval ").append(params.get("reconcile")).append("; service JVM `")
                .append(params.get("jvmOptions")).append("`\n");
        md.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs (nproc), ")
                .append(cpuModel()).append("; memory: ").append(memory()).append("; load average at the end: ")
                .append(loadAverage()).append('\n');
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        md.append("- Registry: `").append(command("docker-registry", "--version")).append("`, filesystem storage, ")
                .append("`catalog.maxentries: 1000`, notifications to the first instance with a bearer token\n\n");
        md.append("## Figures\n\n| Figure | Measured | Goal | Against the goal |\n|---|---|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(r.figure()).append(" | ").append(r.value()).append(" | ").append(r.goal())
                    .append(" | ").append(r.verdict()).append(" |\n");
        }
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    /** 1, 5 and 15 minute load averages: other work on the machine skews every figure. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The {@code Mem:} line of {@code free -m}. */
    private static String memory() {
        String free = command("free", "-m");
        return free.lines().filter(l -> l.startsWith("Mem:")).findFirst()
                .map(l -> {
                    String[] f = l.trim().split("\\s+");
                    return f.length > 6 ? f[1] + " MiB total, " + f[6] + " MiB available (free -m)" : l;
                })
                .orElse("unknown");
    }

    private static String command(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "unknown (" + command[0] + " not found)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
