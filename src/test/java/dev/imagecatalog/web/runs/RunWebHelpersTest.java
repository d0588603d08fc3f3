package dev.imagecatalog.web.runs;

import dev.imagecatalog.web.http.WebException;

import java.time.Duration;

import dev.imagecatalog.runner.LaunchException;

import io.helidon.http.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Small pure helpers of the runner's web layer: log tail parameter, ages, the launch body reader. */
class RunWebHelpersTest {

    @Test
    void tail_defaultsAndBounds() {
        assertThat(RunApi.tail(null)).isEqualTo(RunApi.DEFAULT_TAIL);
        assertThat(RunApi.tail(" ")).isEqualTo(RunApi.DEFAULT_TAIL);
        assertThat(RunApi.tail("1")).isEqualTo(1);
        assertThat(RunApi.tail(Integer.toString(RunApi.MAX_TAIL))).isEqualTo(RunApi.MAX_TAIL);
        for (String bad : new String[] {"0", "-3", "abc", Integer.toString(RunApi.MAX_TAIL + 1), "1.5"}) {
            assertThatThrownBy(() -> RunApi.tail(bad)).as(bad).isInstanceOfSatisfying(WebException.class,
                    e -> assertThat(e.status()).isEqualTo(Status.BAD_REQUEST_400));
        }
    }

    @Test
    void age_isKubectlStyle() {
        assertThat(RunPages.age(Duration.ofSeconds(-5))).isEqualTo("0s");
        assertThat(RunPages.age(Duration.ofSeconds(119))).isEqualTo("119s");
        assertThat(RunPages.age(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(RunPages.age(Duration.ofMinutes(119))).isEqualTo("119m");
        assertThat(RunPages.age(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(RunPages.age(Duration.ofDays(3))).isEqualTo("3d");
    }

    @Test
    void launchBody_readsEveryField_andRefusesUnknownOnesAndWrongTypes() {
        var request = RunJson.launch("""
                {"repository":"a/b","digest":"sha256:00","node":"n","command":["sh","-c"],"args":["x"],
                 "env":{"A":"1","B":"2"},"restartPolicy":"Always","resources":{"cpuRequest":"1","memoryLimit":"1Gi"},
                 "acceptTaints":true}""").request();
        assertThat(RunJson.launch("{\"repository\":\"a/b\",\"acceptTaints\":true}").acceptTaints()).isTrue();
        assertThat(RunJson.launch("{\"repository\":\"a/b\"}").acceptTaints()).isFalse();
        assertThat(request.repository()).isEqualTo("a/b");
        assertThat(request.tag()).isNull();
        assertThat(request.digest()).isEqualTo("sha256:00");
        assertThat(request.command()).containsExactly("sh", "-c");
        assertThat(request.env()).containsExactly(java.util.Map.entry("A", "1"), java.util.Map.entry("B", "2"));
        assertThat(request.resources().cpuRequest()).isEqualTo("1");
        assertThat(request.resources().memoryLimit()).isEqualTo("1Gi");
        assertThatThrownBy(() -> RunJson.launch("{\"repo\":\"a\"}")).isInstanceOf(LaunchException.class)
                .hasMessageContaining("unknown field \"repo\"");
        assertThatThrownBy(() -> RunJson.launch("{\"args\":\"x\"}")).isInstanceOf(LaunchException.class);
        assertThatThrownBy(() -> RunJson.launch("[]")).isInstanceOf(LaunchException.class);
        assertThatThrownBy(() -> RunJson.launch("null")).isInstanceOf(LaunchException.class);
        assertThatThrownBy(() -> RunJson.launch("")).isInstanceOf(LaunchException.class);
    }
}
