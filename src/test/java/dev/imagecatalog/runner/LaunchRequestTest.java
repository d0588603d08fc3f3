package dev.imagecatalog.runner;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Run form's textareas: one item per line, no shell splitting; env as NAME=value lines. */
class LaunchRequestTest {

    @Test
    void lines_keepEachLineWhole_andDropBlankLines() {
        assertThat(LaunchRequest.lines("/bin/sh\r\n-c\n\n  \necho \"a b\" && ls *\n"))
                .containsExactly("/bin/sh", "-c", "echo \"a b\" && ls *");
        assertThat(LaunchRequest.lines(null)).isEmpty();
    }

    @Test
    void envLines_splitAtTheFirstEquals_keepOrderAndEmptyValues() {
        Map<String, String> env = LaunchRequest.envLines("B=2\nA=x=y\r\nEMPTY=\n");
        assertThat(env).containsExactly(Map.entry("B", "2"), Map.entry("A", "x=y"), Map.entry("EMPTY", ""));
    }

    @Test
    void envLines_lineWithoutEquals_isALaunchError() {
        assertThatThrownBy(() -> LaunchRequest.envLines("OK=1\nJUSTANAME"))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("JUSTANAME");
    }

    @Test
    void nullCollections_becomeEmpty() {
        LaunchRequest r = new LaunchRequest("a", "1", null, "n", null, null, null, null, null);
        assertThat(r.command()).isEqualTo(List.of());
        assertThat(r.args()).isEmpty();
        assertThat(r.env()).isEmpty();
        assertThat(r.resources().isEmpty()).isTrue();
    }
}
