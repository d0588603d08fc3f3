package dev.imagecatalog.catalog.index;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Loads one snapshot file the way a restarting replica does ({@link SnapshotFile#read}, then
 * {@link RegistryIndex#load}) in a JVM of its own, so that its {@code -Xmx} bounds the load's peak: a load that needs
 * more heap at any moment — garbage the collector can free does not count — ends in {@link OutOfMemoryError}. The
 * JVM prints one line: {@code tags <n> heapBefore <bytes> heapAfter <bytes> millis <load time>} (heap used after GC).
 * With no file it loads nothing and reports its own heap: the baseline.
 */
public final class LoadProbe {

    private static final Pattern LINE = Pattern.compile("tags (\\d+) heapBefore (\\d+) heapAfter (\\d+) millis (\\d+)");

    /** What one probe JVM reported. */
    public record Result(long tags, long heapBefore, long heapAfter, long millis) {
    }

    private LoadProbe() {
    }

    /**
     * Runs the probe on {@code file} ({@code null}: the baseline) in a heap of {@code heapBytes}, with
     * {@code jvmOptions} (the collector); empty when it ran out of heap.
     *
     * @throws IllegalStateException when it failed otherwise
     */
    public static Optional<Result> run(Path file, long heapBytes, List<String> jvmOptions)
            throws IOException, InterruptedException {
        long mib = 1024 * 1024;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx" + heapBytes / mib + "m", "-Xms" + Math.min(heapBytes / mib, 16) + "m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath(), LoadProbe.class.getName()));
        if (file != null) {
            command.add(file.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the probe did not end");
        }
        Matcher m = LINE.matcher(out);
        if (process.exitValue() == 0 && m.find()) {
            return Optional.of(new Result(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
        }
        if (out.contains("OutOfMemoryError")) {
            return Optional.empty();
        }
        throw new IllegalStateException("the probe failed other than by running out of heap:\n" + out);
    }

    /**
     * Only what the load uses: the JVM keeps each jar's central directory on the heap, and a test class path of 360
     * jars adds 17 MB to the baseline — more than a small index weighs.
     */
    private static String classPath() {
        return Stream.of(LoadProbe.class, RegistryIndex.class, ObjectMapper.class, JsonFactory.class,
                        JsonProperty.class, Caffeine.class)
                .map(c -> {
                    try {
                        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
                    } catch (URISyntaxException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .distinct().collect(Collectors.joining(File.pathSeparator));
    }

    /** {@code [snapshot file]}. */
    public static void main(String[] args) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        RegistryIndex index = new RegistryIndex();
        // the classes the load uses, loaded and initialised before the baseline is taken
        index.load(List.of(), RegistryIndex.SOURCE_SNAPSHOT);
        long before = usedAfterGc(memory);
        long start = System.nanoTime();
        if (args.length > 0) {
            IndexFormat.Loaded copy = new SnapshotFile(Path.of(args[0]), Long.MAX_VALUE).read()
                    .orElseThrow(() -> new IllegalStateException("the snapshot could not be read"));
            index.load(copy.repositories(), RegistryIndex.SOURCE_SNAPSHOT);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        long after = usedAfterGc(memory);
        System.out.println("tags " + index.status().tags() + " heapBefore " + before + " heapAfter " + after
                + " millis " + millis);
    }

    /** Heap used after GC: the least of a few full collections. */
    static long usedAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
