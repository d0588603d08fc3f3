package dev.imagecatalog.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The commands that reach a run's pod from the user's own machine: a {@code kubectl port-forward} per TCP port the
 * image exposes or the container declares, a shell, the followed log. The catalog never proxies a run's traffic
 * through its own origin: an application's page (and any XSS in it) would then run with the catalog's cookies.
 *
 * @param portForward one command per port, lowest port first
 * @param exec        a shell in the container ({@code sh}: an image without one answers that it has none)
 * @param logs        the log, followed
 */
public record Reach(List<String> portForward, String exec, String logs) {

    /** Words the shell takes as they are; anything else is single-quoted. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._/:=@%+-]+");
    /** Ports below this need root to listen on locally: the command forwards from {@code 8000 + port} instead. */
    private static final int PRIVILEGED = 1024;
    private static final int LOCAL_OFFSET = 8000;

    /** Defensive copy. */
    public Reach {
        portForward = List.copyOf(portForward);
    }

    /**
     * The commands for one pod.
     *
     * @param namespace      the pod's namespace
     * @param pod            the pod's name
     * @param exposedPorts   the image's {@code ExposedPorts} keys ({@code 8080/tcp}, {@code 53/udp}, {@code 80})
     * @param containerPorts the container's declared TCP ports
     */
    public static Reach of(String namespace, String pod, List<String> exposedPorts, List<Integer> containerPorts) {
        TreeSet<Integer> ports = new TreeSet<>(containerPorts);
        for (String exposed : exposedPorts) {
            int slash = exposed.indexOf('/');
            String protocol = slash < 0 ? "tcp" : exposed.substring(slash + 1);
            String number = slash < 0 ? exposed : exposed.substring(0, slash);
            // kubectl port-forward carries TCP only
            if ("tcp".equalsIgnoreCase(protocol) && number.matches("\\d{1,5}")) {
                int port = Integer.parseInt(number);
                if (port > 0 && port <= 65535) {
                    ports.add(port);
                }
            }
        }
        String target = "-n " + quote(namespace) + " pod/" + quote(pod);
        List<String> forwards = new ArrayList<>();
        for (int port : ports) {
            int local = port < PRIVILEGED ? LOCAL_OFFSET + port : port;
            forwards.add("kubectl port-forward " + target + " " + local + ":" + port);
        }
        return new Reach(forwards, "kubectl exec -it " + target + " -- sh", "kubectl logs -f " + target);
    }

    /** The word as the shell reads it back: plain when it is plain, else in single quotes. */
    static String quote(String word) {
        if (word != null && PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + (word == null ? "" : word.replace("'", "'\\''")) + "'";
    }
}
