package dev.imagecatalog.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code wrk --latency} against one URL and reads requests/s, p50 and p99 from its report. */
final class Wrk {

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final int WARM_UP_SECONDS = 3;
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");

    /** One run's figures; latencies in milliseconds. */
    record Result(double requestsPerSecond, double p50, double p99, long errors) {
    }

    private final int threads;
    private final int connections;
    private final int seconds;

    Wrk(int threads, int connections, int seconds) {
        this.threads = threads;
        this.connections = connections;
        this.seconds = seconds;
    }

    /** Whether {@code wrk} is on the PATH. */
    static boolean available() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Loads one URL: first {@value #WARM_UP_SECONDS} s not measured (the JIT compiles what this URL runs; without
     * it the first URL measured pays for the compilations of everything after it), then {@code seconds} measured.
     *
     * @param url    a 127.0.0.1 URL
     * @param header a request header ({@code "Name: value"}) sent with every request, or {@code null}
     */
    Result run(URI url, String header) throws IOException, InterruptedException {
        if (!"127.0.0.1".equals(url.getHost())) {
            throw new IllegalArgumentException("the benchmark only loads 127.0.0.1, not " + url);
        }
        wrk(url, header, WARM_UP_SECONDS);
        return result(wrk(url, header, seconds));
    }

    private String wrk(URI url, String header, int duration) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections,
                "-d" + duration + "s", "--timeout", "10s", "--latency"));
        if (header != null) {
            command.addAll(List.of("-H", header));
        }
        command.add(url.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(duration + 60L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not finish");
        }
        return out;
    }

    private Result result(String out) {
        Matcher rps = RPS.matcher(out);
        if (!rps.find()) {
            throw new IllegalStateException("unexpected wrk output: " + out);
        }
        Matcher errors = NON_2XX.matcher(out);
        return new Result(Double.parseDouble(rps.group(1)), percentile(out, "50%"), percentile(out, "99%"),
                errors.find() ? Long.parseLong(errors.group(1)) : 0);
    }

    /** A line of the latency distribution, e.g. {@code 50%  412.00us}, in milliseconds. */
    private static double percentile(String out, String label) {
        Matcher m = Pattern.compile("^\\s*" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE)
                .matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + label + " latency in: " + out);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }
}
