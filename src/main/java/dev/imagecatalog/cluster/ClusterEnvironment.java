package dev.imagecatalog.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Which cluster this process is configured for, read from the environment and files alone (no Kubernetes client
 * is loaded): in a pod its service account, else the first readable file of {@code KUBECONFIG}, else
 * {@code ~/.kube/config}. The pages ask it at start so that, with nothing configured, they leave out what needs a
 * cluster (runs, nodes, sign-in) and say why, instead of letting a client dial a default address.
 */
public final class ClusterEnvironment {

    /** Where a pod's service account token is mounted. */
    static final Path SA_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private ClusterEnvironment() {
    }

    /**
     * Why no cluster is configured for this process, or empty when one is.
     *
     * @return e.g. "no Kubernetes cluster configured: no service account, KUBECONFIG or ~/.kube/config; set
     *         KUBECONFIG, or RUNS_ENABLED=false for a read-only catalog"
     */
    public static Optional<String> missing() {
        return missing(System.getenv(), Path.of(System.getProperty("user.home")), SA_TOKEN);
    }

    /** {@link #missing()} over a given environment, home folder and token path (tests). */
    static Optional<String> missing(Map<String, String> env, Path home, Path serviceAccountToken) {
        if (inPod(env, serviceAccountToken) || kubeconfig(env, home).isPresent()) {
            return Optional.empty();
        }
        String named = env.get("KUBECONFIG");
        return Optional.of("no Kubernetes cluster configured: "
                + (named == null || named.isBlank() ? "no service account, KUBECONFIG or ~/.kube/config"
                   : "KUBECONFIG names no readable file (" + named + ")")
                + "; set KUBECONFIG, or RUNS_ENABLED=false for a read-only catalog");
    }

    /** Whether this process runs in a pod with a service account token. */
    static boolean inPod(Map<String, String> env, Path serviceAccountToken) {
        return env.get("KUBERNETES_SERVICE_HOST") != null && Files.isReadable(serviceAccountToken);
    }

    /** The kubeconfig file to use outside a pod: the first readable one of {@code KUBECONFIG}, else the default. */
    static Optional<Path> kubeconfig(Map<String, String> env, Path home) {
        String named = env.get("KUBECONFIG");
        if (named != null && !named.isBlank()) {
            for (String file : named.split(java.io.File.pathSeparator)) {
                if (!file.isBlank() && Files.isReadable(Path.of(file))) {
                    return Optional.of(Path.of(file));
                }
            }
            return Optional.empty();
        }
        Path standard = home.resolve(".kube").resolve("config");
        return Files.isReadable(standard) ? Optional.of(standard) : Optional.empty();
    }
}
