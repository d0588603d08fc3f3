package dev.imagecatalog.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.imagecatalog.catalog.index.LoadProbe;
import dev.imagecatalog.catalog.index.RegistryIndex;
import dev.imagecatalog.catalog.index.SnapshotFile;
import dev.imagecatalog.catalog.index.SyntheticIndex;

/**
 * Issue 18's heap row ({@code scripts/bench.sh --only load-heap}): how much heap a replica needs while it loads an
 * index copy (a peer's or its snapshot), in the realistic shape at several sizes. The figure is the smallest
 * {@code -Xmx} in which {@link LoadProbe} — a JVM of its own, with the service's collector — loads the copy without
 * {@link OutOfMemoryError}, found by bisection to 1 MiB: garbage the collector can free does not count, everything
 * the load holds at once (the bytes of a line, its parsed tree, the snapshots built so far) does. Per tag it is that
 * heap less the probe's own baseline, divided by the tags. Writes {@code out} (bench/RESULTS-load-heap.md).
 */
public final class LoadHeapBench {

    private static final long MIB = 1024 * 1024;
    private static final long GOAL_PER_TAG = 2048;

    private final String collector;
    private final List<String> rows = new ArrayList<>();

    private LoadHeapBench(String collector) {
        this.collector = collector;
    }

    /** {@code sizes=2000x10,10000x10 out=… gc=-XX:+UseG1GC}. */
    public static void main(String[] args) throws Exception {
        Map<String, String> params = new HashMap<>(Map.of("sizes", "2000x10,10000x10",
                "out", "bench/RESULTS-load-heap.md", "gc", "-XX:+UseG1GC"));
        for (String a : args) {
            int eq = a.indexOf('=');
            params.put(a.substring(0, eq), a.substring(eq + 1));
        }
        LoadHeapBench bench = new LoadHeapBench(params.get("gc"));
        Path dir = Files.createTempDirectory("load-heap-bench");
        long baseline = bench.probe(null, 256 * MIB).orElseThrow().heapBefore();
        for (String size : params.get("sizes").split(",")) {
            String[] rt = size.split("x");
            bench.measure(dir, Integer.parseInt(rt[0]), Integer.parseInt(rt[1]), baseline);
        }
        Files.writeString(Path.of(params.get("out")), bench.markdown(baseline), StandardCharsets.UTF_8);
        System.out.println(Files.readString(Path.of(params.get("out"))));
    }

    private void measure(Path dir, int repositories, int tags, long baseline) throws Exception {
        Path file = dir.resolve(repositories + "x" + tags + ".snapshot");
        long bytes;
        {
            RegistryIndex index = SyntheticIndex.realistic(repositories, tags);
            bytes = new SnapshotFile(file, Long.MAX_VALUE).write(index);
        }
        System.gc();
        // the upper end: 8 KB per tag over the baseline, doubled until the load fits
        long high = roundUp(baseline + 8 * 1024L * repositories * tags);
        Optional<LoadProbe.Result> loaded = probe(file, high);
        while (loaded.isEmpty()) {
            high *= 2;
            loaded = probe(file, high);
        }
        LoadProbe.Result fits = loaded.get();
        long low = roundUp(baseline);
        while (high - low > MIB) {
            long mid = (low + high) / 2 / MIB * MIB;
            Optional<LoadProbe.Result> p = probe(file, mid);
            if (p.isPresent()) {
                high = mid;
                fits = p.get();
            } else {
                low = mid;
            }
        }
        long budget = roundUp(baseline + GOAL_PER_TAG * fits.tags());
        boolean inBudget = probe(file, budget).isPresent();
        long millis = probe(file, 4 * high).orElseThrow().millis();
        long peakPerTag = (high - baseline) / fits.tags();
        long retainedPerTag = (fits.heapAfter() - fits.heapBefore()) / fits.tags();
        rows.add("| " + repositories + " × " + tags + " (" + fits.tags() + " tags) | " + mib(bytes) + " | "
                + retainedPerTag + " B | " + mib(high) + " | " + peakPerTag + " B | "
                + (inBudget ? "loads in " + mib(budget) : "**fails** in " + mib(budget)) + " | "
                + millis + " ms | " + (peakPerTag < GOAL_PER_TAG && inBudget ? "met" : "NOT met")
                + " |");
        Files.delete(file);
    }

    /** Runs {@link LoadProbe} on {@code file} (none: the baseline) in a heap of {@code heap} bytes. */
    private Optional<LoadProbe.Result> probe(Path file, long heap) throws IOException, InterruptedException {
        Optional<LoadProbe.Result> r = LoadProbe.run(file, heap, Arrays.asList(collector.split(" ")));
        if (r.isEmpty()) {
            System.out.println("  " + heap / MIB + " MiB: out of heap");
        }
        return r;
    }

    private String markdown(long baseline) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results: heap while loading an index copy\n\n");
        md.append("Written by `scripts/bench.sh --only load-heap` (issue 18). This file is overwritten by every run.\n\n");
        md.append("- Date: ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                .substring(0, 16)).append(" UTC\n");
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append("; probe JVM `").append(collector)
                .append("`; probe baseline (heap after GC with nothing loaded): ").append(baseline / 1024)
                .append(" KiB\n");
        md.append("- Shape: realistic (every fifth repository buildx indexes of 2–3 platforms with attestation ")
                .append("manifests; three layers per image; three labels), built in memory by `SyntheticIndex`, ")
                .append("written by `SnapshotFile` and loaded by `LoadProbe` as a restarting replica loads it\n\n");
        md.append("| Index | Copy on disk | Retained per tag after the load (heap after GC) | Smallest -Xmx that loads it | ")
                .append("Peak per tag ((that − baseline) / tags) | In a heap of baseline + 2 KB/tag | Load time ")
                .append("(roomy heap) | Goal < 2 KB/tag |\n|---|---|---|---|---|---|---|---|\n");
        rows.forEach(r -> md.append(r).append('\n'));
        md.append("\nThe peak counts everything the load holds at once: the snapshots built so far (the index being ")
                .append("loaded), one repository line's bytes and parsed tree, and the collector's own need for free ")
                .append("regions in a heap that small; garbage it can free does not count.\n");
        return md.toString();
    }

    private static long roundUp(long bytes) {
        return (bytes + MIB - 1) / MIB * MIB;
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (double) MIB);
    }
}
