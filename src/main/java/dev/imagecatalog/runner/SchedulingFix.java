package dev.imagecatalog.runner;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.imagecatalog.cluster.Node;
import dev.imagecatalog.cluster.Resources;
import dev.imagecatalog.cluster.RunDetail;
import dev.imagecatalog.cluster.Taint;

/**
 * What would let a run that waits for its node start, named from what the catalog knows: the scheduler only says
 * "1 Insufficient memory", the catalog knows the run asks 9Gi and its node has 8Gi allocatable. Every run is pinned
 * to one node ({@code kubernetes.io/hostname} selector), so the questions are about that node: does it still exist,
 * is it Ready and uncordoned, does the run tolerate its taints, does it run the image's platform, and do the run's
 * requests fit its allocatable and what its pods leave free. Pure: {@link RunnerService} hands in the figures.
 */
final class SchedulingFix {

    private SchedulingFix() {
    }

    /**
     * The fixes, one sentence each, worst first; empty when nothing can be named (the scheduler may just not have
     * placed the run yet).
     *
     * @param run       the run, with its requests and tolerations
     * @param node      the node it is pinned to, {@code null} when no node has that name or hostname any more
     * @param requested what the pods already on the node request, {@code null} when unknown
     * @param platform  the platform of the run's image ({@code linux/arm64}), {@code null} when unknown
     */
    static List<String> of(RunDetail run, Node node, Capacity.Amount requested, String platform) {
        String pinned = run.run().node();
        List<String> fixes = new ArrayList<>();
        if (pinned == null) {
            return fixes;
        }
        if (node == null) {
            fixes.add("Node " + pinned + " no longer exists (no node has that name or kubernetes.io/hostname label): "
                      + "stop this run and run the image again on another node.");
            return fixes;
        }
        String name = node.name();
        if (!node.ready()) {
            fixes.add(name + " is not Ready: the run starts when the node recovers, or stop it and run the image on "
                      + "another node.");
        }
        if (node.unschedulable()) {
            fixes.add(name + " is cordoned: uncordon it (kubectl uncordon " + name + ") or run the image again on "
                      + "another node.");
        }
        List<Taint> untolerated = node.taints().stream().filter(Taint::repels).filter(t -> !run.tolerates(t)).toList();
        if (!untolerated.isEmpty()) {
            String taints = untolerated.stream().map(SchedulingFix::taint).collect(Collectors.joining(", "));
            fixes.add(name + " has " + (untolerated.size() == 1 ? "the taint " : "the taints ") + taints
                      + ", which the run does not tolerate (added after the launch): remove "
                      + (untolerated.size() == 1 ? "it" : "them") + " (kubectl taint nodes " + name + " "
                      + untolerated.stream().map(t -> t.key() + ":" + t.effect() + "-")
                              .collect(Collectors.joining(" "))
                      + ") or run the image again (the Run form then offers to tolerate them).");
        }
        if (platform != null && !platform.equals(node.platform())) {
            fixes.add("The image is " + platform + "; " + name + " is " + node.platform()
                      + ": run the image again on a " + platform + " node.");
        }
        fixes.addAll(capacity(run.resources(), node, requested));
        return fixes;
    }

    /** Requests against allocatable (never fits) or against what is free (fits once pods end). */
    private static List<String> capacity(Resources resources, Node node, Capacity.Amount requested) {
        List<String> fixes = new ArrayList<>();
        if (resources == null || node.cpu() == null || node.memory() == null) {
            return fixes;
        }
        BigDecimal cpu;
        BigDecimal memory;
        Capacity.Amount allocatable;
        try {
            cpu = resources.cpuRequest() == null ? BigDecimal.ZERO
                    : Quantities.parse("cpu request", resources.cpuRequest());
            memory = resources.memoryRequest() == null ? BigDecimal.ZERO
                    : Quantities.parse("memory request", resources.memoryRequest());
            allocatable = new Capacity.Amount(Quantities.parse("allocatable cpu", node.cpu()),
                                              Quantities.parse("allocatable memory", node.memory()));
        } catch (LaunchException notAQuantity) {
            // the API accepted it, so it is one; a figure this parser does not read is left unnamed
            return fixes;
        }
        String name = node.name();
        if (memory.compareTo(allocatable.memory()) > 0) {
            String most = Capacity.memory(allocatable.memory());
            fixes.add("Needs " + Capacity.memory(memory) + " memory; " + name + " has " + most
                      + " allocatable: run the image again with a memory request of at most " + most
                      + ", or on a node with more memory.");
        }
        if (cpu.compareTo(allocatable.cpu()) > 0) {
            String most = Capacity.cpu(allocatable.cpu());
            fixes.add("Needs " + Capacity.cpu(cpu) + " CPU; " + name + " has " + most
                      + " CPU allocatable: run the image again with a CPU request of at most " + most
                      + ", or on a node with more CPU.");
        }
        if (!fixes.isEmpty() || requested == null) {
            return fixes;
        }
        Capacity.Amount free = Capacity.free(allocatable, requested);
        if (memory.compareTo(free.memory()) > 0) {
            fixes.add("Needs " + Capacity.memory(memory) + " memory; " + name + " has " + Capacity.memory(free.memory())
                      + " free (" + Capacity.memory(allocatable.memory()) + " allocatable, "
                      + Capacity.memory(requested.memory()) + " requested by its pods): the run starts when pods "
                      + "there end, or run the image again with a smaller request or on another node.");
        }
        if (cpu.compareTo(free.cpu()) > 0) {
            fixes.add("Needs " + Capacity.cpu(cpu) + " CPU; " + name + " has " + Capacity.cpu(free.cpu())
                      + " CPU free (" + Capacity.cpu(allocatable.cpu()) + " allocatable, "
                      + Capacity.cpu(requested.cpu()) + " requested by its pods): the run starts when pods there "
                      + "end, or run the image again with a smaller request or on another node.");
        }
        return fixes;
    }

    private static String taint(Taint t) {
        return t.key() + (t.value() == null || t.value().isEmpty() ? "" : "=" + t.value()) + ":" + t.effect();
    }
}
