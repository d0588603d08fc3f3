package dev.imagecatalog.runner;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The run page's commands that reach a pod: one port-forward per TCP port, a shell, the log; shell-safe. */
class ReachTest {

    @Test
    void everyTcpPortOfTheImageAndTheContainer_getsAPortForward_udpIsLeftOut_lowPortsForwardFrom8000Up() {
        Reach reach = Reach.of("runs", "web-ab12c", List.of("8080/tcp", "53/udp", "443", "9090/TCP"), List.of(8080, 5000));

        assertThat(reach.portForward()).containsExactly(
                "kubectl port-forward -n runs pod/web-ab12c 8443:443",
                "kubectl port-forward -n runs pod/web-ab12c 5000:5000",
                "kubectl port-forward -n runs pod/web-ab12c 8080:8080",
                "kubectl port-forward -n runs pod/web-ab12c 9090:9090");
        assertThat(reach.exec()).isEqualTo("kubectl exec -it -n runs pod/web-ab12c -- sh");
        assertThat(reach.logs()).isEqualTo("kubectl logs -f -n runs pod/web-ab12c");
    }

    @Test
    void noPort_noForward_andAWordTheShellWouldReadDifferently_isSingleQuoted() {
        assertThat(Reach.of("runs", "a", List.of("bogus/tcp", "70000/tcp"), List.of()).portForward()).isEmpty();
        assertThat(Reach.quote("runs")).isEqualTo("runs");
        assertThat(Reach.quote("a b;$(rm -rf)")).isEqualTo("'a b;$(rm -rf)'");
        assertThat(Reach.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(Reach.of("my ns", "p", List.of(), List.of()).logs()).isEqualTo("kubectl logs -f -n 'my ns' pod/p");
    }
}
