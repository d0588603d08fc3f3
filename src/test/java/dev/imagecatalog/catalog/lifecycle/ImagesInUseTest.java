package dev.imagecatalog.catalog.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cluster's answer to "which images do pods run" is shared for a while, and a failure is never kept. */
class ImagesInUseTest {

    private static final Map<String, List<PodUse>> USED =
            Map.of("sha256:" + "a".repeat(64), List.of(new PodUse("prod", "web-1", "worker-1")));

    @Test
    void cached_manyCallersWithinItsTime_causeOneClusterWideList() {
        AtomicInteger lists = new AtomicInteger();
        ImagesInUse cached = ImagesInUse.cached(() -> {
            lists.incrementAndGet();
            return USED;
        }, Duration.ofMinutes(1));

        for (int i = 0; i < 20; i++) {
            assertThat(cached.byDigest()).isEqualTo(USED);
        }
        assertThat(lists).hasValue(1);
    }

    @Test
    void cached_aFailedList_isRethrownAsItIs_andTheNextCallAsksAgain() {
        AtomicInteger lists = new AtomicInteger();
        ImagesInUse cached = failingOnce(lists);

        assertThatThrownBy(cached::byDigest).isInstanceOf(IllegalStateException.class)
                .hasMessage("cluster unreachable");
        assertThat(cached.byDigest()).isEqualTo(USED);
        assertThat(lists).hasValue(2);
    }

    @Test
    void cached_theCallRightAfterAFailure_neverGetsTheSameFailureHandedBack() {
        // the failed read leaves the cache from a callback that can run after the failing caller wakes: without
        // dropping it themselves, some of these rounds handed the next caller the kept failure
        for (int round = 0; round < 2_000; round++) {
            AtomicInteger lists = new AtomicInteger();
            ImagesInUse cached = failingOnce(lists);

            assertThatThrownBy(cached::byDigest).hasMessage("cluster unreachable");
            assertThat(cached.byDigest()).as("round %d", round).isEqualTo(USED);
        }
    }

    /** A cluster whose first pod list fails, cached for a minute. */
    private static ImagesInUse failingOnce(AtomicInteger lists) {
        return ImagesInUse.cached(() -> {
            if (lists.incrementAndGet() == 1) {
                throw new IllegalStateException("cluster unreachable");
            }
            return USED;
        }, Duration.ofMinutes(1));
    }
}
