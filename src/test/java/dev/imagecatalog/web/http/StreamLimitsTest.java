package dev.imagecatalog.web.http;

import io.helidon.http.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamLimitsTest {

    @Test
    void perClientBound_is429_andAnotherClientStillGetsASlot() {
        StreamLimits limits = new StreamLimits(10, 2);
        limits.open("a");
        StreamLimits.Slot second = limits.open("a");

        assertThatThrownBy(() -> limits.open("a")).isInstanceOfSatisfying(StreamLimits.Refused.class,
                r -> assertThat(r.status()).isEqualTo(Status.TOO_MANY_REQUESTS_429));
        assertThat(limits.open("b")).isNotNull();
        assertThat(limits.open()).isEqualTo(3);

        second.close();
        second.close();
        assertThat(limits.open()).isEqualTo(2);
        assertThat(limits.open("a")).isNotNull();
    }

    @Test
    void totalBound_is503_whateverTheClient() {
        StreamLimits limits = new StreamLimits(3, 2);
        StreamLimits.Slot first = limits.open("a");
        limits.open("b");
        limits.open("c");

        assertThatThrownBy(() -> limits.open("d")).isInstanceOfSatisfying(StreamLimits.Refused.class,
                r -> assertThat(r.status()).isEqualTo(Status.SERVICE_UNAVAILABLE_503));
        assertThat(limits.open()).isEqualTo(3);
        first.close();
        assertThat(limits.open("d")).isNotNull();
    }
}
