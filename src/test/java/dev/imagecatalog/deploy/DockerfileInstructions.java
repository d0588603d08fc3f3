package dev.imagecatalog.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The project's Dockerfile split into build stages and instructions (continuation lines joined, comments
 * dropped) — enough to check its shape here, where no Docker daemon can build it.
 */
final class DockerfileInstructions {

    /** One instruction: keyword in upper case and its arguments as written. */
    record Instruction(String keyword, String arguments) {
    }

    /** One build stage: its FROM arguments and the instructions that follow. */
    record Stage(String from, List<Instruction> instructions) {

        /** The instructions with one keyword, in order. */
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        /** Index of the first instruction whose keyword and arguments match, or -1. */
        int indexOf(String keyword, String argumentsContain) {
            for (int i = 0; i < instructions.size(); i++) {
                Instruction instruction = instructions.get(i);
                if (instruction.keyword().equals(keyword) && instruction.arguments().contains(argumentsContain)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private final List<Instruction> global;
    private final List<Stage> stages;

    private DockerfileInstructions(List<Instruction> global, List<Stage> stages) {
        this.global = global;
        this.stages = stages;
    }

    /** Reads and splits a Dockerfile. */
    static DockerfileInstructions read(Path dockerfile) {
        try {
            return parse(Files.readAllLines(dockerfile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DockerfileInstructions parse(List<String> lines) {
        List<String> joined = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                current.append(line);
                joined.add(current.toString().strip());
                current.setLength(0);
            }
        }
        List<Instruction> global = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        for (String line : joined) {
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            Instruction instruction = new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : "");
            if (instruction.keyword().equals("FROM")) {
                stages.add(new Stage(instruction.arguments(), new ArrayList<>()));
            } else if (stages.isEmpty()) {
                global.add(instruction);
            } else {
                stages.getLast().instructions().add(instruction);
            }
        }
        return new DockerfileInstructions(List.copyOf(global), List.copyOf(stages));
    }

    /** Instructions before the first FROM (ARGs usable in FROM lines). */
    List<Instruction> global() {
        return global;
    }

    /** The build stages in order; the last one is the image. */
    List<Stage> stages() {
        return stages;
    }

    /** The value of a global {@code ARG NAME=value}, or fails. */
    String globalArg(String name) {
        return global.stream()
                .filter(i -> i.keyword().equals("ARG") && i.arguments().startsWith(name + "="))
                .map(i -> i.arguments().substring(name.length() + 1))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no global ARG " + name));
    }
}
