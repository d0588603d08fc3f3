package dev.imagecatalog.runner;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

import dev.imagecatalog.cluster.ContainerRequests;
import dev.imagecatalog.cluster.PodRequests;

/**
 * The scheduler's resource arithmetic for the pre-flight: what a pod takes from its node (its effective requests),
 * what is left of a node's allocatable CPU and memory, and whether a run's requests fit there.
 */
final class Capacity {

    private static final BigDecimal KI = BigDecimal.valueOf(1024);
    private static final BigDecimal MI = KI.multiply(KI);
    private static final BigDecimal GI = MI.multiply(KI);
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private Capacity() {
    }

    /**
     * CPU (cores) and memory (bytes); {@code null} parts are unknown.
     *
     * @param cpu    cores, e.g. {@code 0.25}
     * @param memory bytes
     */
    record Amount(BigDecimal cpu, BigDecimal memory) {

        static final Amount ZERO = new Amount(BigDecimal.ZERO, BigDecimal.ZERO);

        Amount plus(Amount o) {
            return new Amount(cpu.add(o.cpu), memory.add(o.memory));
        }

        Amount max(Amount o) {
            return new Amount(cpu.max(o.cpu), memory.max(o.memory));
        }
    }


    /**
     * What a pod takes from its node, the way the scheduler counts it: the larger of (app containers + sidecars)
     * and the largest init step (an init container plus the sidecars started before it), plus the pod overhead.
     * Unset requests count as zero.
     */
    static Amount effective(PodRequests pod) {
        Amount apps = Amount.ZERO;
        for (ContainerRequests c : pod.containers()) {
            apps = apps.plus(amount(c));
        }
        Amount sidecars = Amount.ZERO;
        Amount initPeak = Amount.ZERO;
        for (ContainerRequests c : pod.initContainers()) {
            if (c.sidecar()) {
                // a sidecar keeps running: it adds to every later init step and to the app containers
                sidecars = sidecars.plus(amount(c));
                initPeak = initPeak.max(sidecars);
            } else {
                initPeak = initPeak.max(sidecars.plus(amount(c)));
            }
        }
        Amount total = apps.plus(sidecars).max(initPeak);
        return pod.overhead() == null ? total : total.plus(amount(pod.overhead()));
    }

    /** The effective requests of the pods on a node added up: what the scheduler counts as taken of it. */
    static Amount requested(List<PodRequests> podsOnNode) {
        Amount used = Amount.ZERO;
        for (PodRequests p : podsOnNode) {
            used = used.plus(effective(p));
        }
        return used;
    }

    /** Allocatable minus what is requested (not below zero). */
    static Amount free(Amount allocatable, Amount requested) {
        return new Amount(allocatable.cpu().subtract(requested.cpu()).max(BigDecimal.ZERO),
                          allocatable.memory().subtract(requested.memory()).max(BigDecimal.ZERO));
    }

    /**
     * Whether a run with these requests fits on a node with these pods.
     *
     * @param podsOnNode pods already on the node; {@code null} when they could not be read
     * @see #fit(String, String, String, String, Amount)
     */
    static Fit fit(String cpuRequest, String memoryRequest, String allocatableCpu, String allocatableMemory,
                   List<PodRequests> podsOnNode) {
        return fit(cpuRequest, memoryRequest, allocatableCpu, allocatableMemory,
                   podsOnNode == null ? null : requested(podsOnNode));
    }

    /**
     * Whether a run with these requests fits on a node. The browser repeats this judgement when only the requests
     * change ({@code static/catalog.js}, from the {@link NodeLoad} in the answer): keep the two in step.
     *
     * @param cpuRequest    the run's CPU request, {@code null} when unset
     * @param memoryRequest the run's memory request, {@code null} when unset
     * @param allocatableCpu    the node's allocatable CPU as the API prints it, {@code null} when unknown
     * @param allocatableMemory the node's allocatable memory as the API prints it, {@code null} when unknown
     * @param requested     what the pods already on the node request in total; {@code null} when they could not be
     *                      read
     */
    static Fit fit(String cpuRequest, String memoryRequest, String allocatableCpu, String allocatableMemory,
                   Amount requested) {
        BigDecimal cpu = cpuRequest == null ? BigDecimal.ZERO : Quantities.parse("cpu request", cpuRequest);
        BigDecimal memory = memoryRequest == null ? BigDecimal.ZERO : Quantities.parse("memory request", memoryRequest);
        if (allocatableCpu == null || allocatableMemory == null) {
            return new Fit(null, true, null, null, "free capacity unknown: the node reports no allocatable CPU or memory",
                           null);
        }
        Amount allocatable = new Amount(Quantities.parse("allocatable cpu", allocatableCpu),
                                        Quantities.parse("allocatable memory", allocatableMemory));
        NodeLoad load = new NodeLoad(milli(allocatable.cpu()), whole(allocatable.memory()),
                                     requested == null ? null : milli(requested.cpu()),
                                     requested == null ? null : whole(requested.memory()));
        if (cpu.compareTo(allocatable.cpu()) > 0 || memory.compareTo(allocatable.memory()) > 0) {
            return new Fit(false, false, null, null, "never fits: needs " + needs(cpu, memory, allocatable)
                                                     + " allocatable on the whole node", load);
        }
        if (requested == null) {
            return new Fit(null, true, null, null, "free capacity unknown: the pods on the node cannot be read", load);
        }
        Amount free = free(allocatable, requested);
        String freeCpu = cpu(free.cpu());
        String freeMemory = memory(free.memory());
        if (cpu.compareTo(free.cpu()) > 0 || memory.compareTo(free.memory()) > 0) {
            return new Fit(false, true, freeCpu, freeMemory, "does not fit: needs " + needs(cpu, memory, free)
                                                             + " free", load);
        }
        String message = cpuRequest == null && memoryRequest == null
                ? "fits (the run requests no CPU or memory; " + freeCpu + " CPU, " + freeMemory + " memory free)"
                : "fits (" + freeCpu + " CPU, " + freeMemory + " memory free)";
        return new Fit(true, true, freeCpu, freeMemory, message, load);
    }

    /** Millicores, rounded up as the scheduler does ({@code MilliValue}). */
    private static long milli(BigDecimal cores) {
        return cores.multiply(THOUSAND).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** Whole bytes, rounded up as the scheduler does ({@code Value}). */
    private static long whole(BigDecimal bytes) {
        return bytes.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** {@code 512Mi, 300Mi} for the resource(s) short of {@code available}: what is asked, what there is. */
    private static String needs(BigDecimal cpu, BigDecimal memory, Amount available) {
        StringBuilder sb = new StringBuilder();
        if (cpu.compareTo(available.cpu()) > 0) {
            sb.append(cpu(cpu)).append(" CPU, ").append(cpu(available.cpu())).append(" CPU");
        }
        if (memory.compareTo(available.memory()) > 0) {
            if (!sb.isEmpty()) {
                sb.append(" and ");
            }
            sb.append(memory(memory)).append(", ").append(memory(available.memory()));
        }
        return sb.toString();
    }

    private static Amount amount(ContainerRequests c) {
        return new Amount(c.cpu() == null ? BigDecimal.ZERO : Quantities.parse("cpu request", c.cpu()),
                          c.memory() == null ? BigDecimal.ZERO : Quantities.parse("memory request", c.memory()));
    }

    /** Cores as a quantity: whole cores as {@code 2}, else millicores rounded down ({@code 1500m}). */
    static String cpu(BigDecimal cores) {
        if (cores.signum() == 0) {
            return "0";
        }
        if (cores.stripTrailingZeros().scale() <= 0) {
            return cores.setScale(0, RoundingMode.UNNECESSARY).toPlainString();
        }
        return cores.multiply(THOUSAND).setScale(0, RoundingMode.FLOOR).toPlainString() + "m";
    }

    /**
     * Bytes as a binary quantity, rounded down so "free" never overstates: {@code 2Gi}, {@code 7.6Gi} (one decimal
     * from 1Gi), {@code 300Mi}, {@code 512Ki}, or plain bytes below 1Ki.
     */
    static String memory(BigDecimal bytes) {
        if (bytes.compareTo(GI) >= 0) {
            BigDecimal gi = bytes.divide(GI, 1, RoundingMode.FLOOR).stripTrailingZeros();
            return gi.toPlainString() + "Gi";
        }
        if (bytes.compareTo(MI) >= 0) {
            return bytes.divide(MI, 0, RoundingMode.FLOOR).toPlainString() + "Mi";
        }
        if (bytes.compareTo(KI) >= 0) {
            return bytes.divide(KI, 0, RoundingMode.FLOOR).toPlainString() + "Ki";
        }
        return bytes.setScale(0, RoundingMode.FLOOR).toPlainString();
    }
}
