package dev.imagecatalog.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A sandbox for running the project's scripts without Docker or a cluster: a PATH holding the recording stub
 * (src/test/resources/deploy/stub-tool.sh) as docker/kind/kubectl/helm/skopeo plus links to the few real
 * system tools the scripts use, and nothing else — so a real docker or kind on the machine is never reached.
 */
final class StubbedTools {

    /** Real tools the scripts (and the stub itself: basename, touch, rm, tr) may call. */
    private static final List<String> SYSTEM_TOOLS = List.of("bash", "cat", "chmod", "cp", "cut", "date", "dirname",
            "git", "grep", "head", "awk", "sed", "seq", "sha256sum", "sleep", "tr", "basename", "touch", "rm");

    private final Path home;
    private final Path bin;
    private final Path log;
    private final Path state;

    private StubbedTools(Path home) {
        this.home = home;
        this.bin = home.resolve("bin");
        this.log = home.resolve("calls.log");
        this.state = home.resolve("state");
    }

    /** Builds the sandbox in a fresh directory with stubs for the given tools. */
    static StubbedTools create(Path directory, List<String> stubs) throws IOException {
        StubbedTools tools = new StubbedTools(directory);
        Files.createDirectories(tools.bin);
        Files.createDirectories(tools.state);
        Files.createFile(tools.log);
        Path stub = Path.of("src/test/resources/deploy/stub-tool.sh").toAbsolutePath();
        for (String name : stubs) {
            Path target = tools.bin.resolve(name);
            Files.copy(stub, target);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        for (String name : SYSTEM_TOOLS) {
            // a forwarding script rather than a symlink: @TempDir clean-up then has nothing outside to warn about
            Path forward = tools.bin.resolve(name);
            Files.writeString(forward, "#!/bin/sh\nexec '" + which(name) + "' \"$@\"\n");
            Files.setPosixFilePermissions(forward, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return tools;
    }

    private static Path which(String name) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("system tool not found on PATH: " + name);
    }

    /** The outcome of one script run. */
    record Run(int exitCode, String output) {
    }

    /** Runs a script of the project with the sandbox's PATH and extra environment variables. */
    Run run(String script, Map<String, String> environment, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(script).toAbsolutePath().toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", bin.toString());
        env.put("HOME", home.toString());
        env.put("STUB_LOG", log.toString());
        env.put("STUB_STATE", state.toString());
        env.putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(script + " did not finish:\n" + output);
        }
        return new Run(process.exitValue(), output);
    }

    /** Every recorded call so far, one entry per call (command line plus its indented env/stdin lines). */
    List<String> calls() throws IOException {
        List<String> calls = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("  ") && !calls.isEmpty()) {
                calls.set(calls.size() - 1, calls.getLast() + "\n" + line);
            } else {
                calls.add(line);
            }
        }
        return calls;
    }

    /** Writes a file of the stubs' state (e.g. answers queued for a stubbed tool). */
    void state(String name, String content) throws IOException {
        Files.writeString(state.resolve(name), content);
    }

    /** Forgets the recorded calls (state such as created containers is kept). */
    void clearCalls() throws IOException {
        Files.writeString(log, "");
    }
}
