package dev.imagecatalog.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.imagecatalog.registry.HistoryEntry;
import dev.imagecatalog.registry.ImageConfig;
import dev.imagecatalog.registry.RunDefaults;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DetailLimitsTest {

    @Test
    void ordinaryConfig_keptAsItIs() {
        ImageConfig config = new ImageConfig(null, null, Map.of("team", "a", "version", "1.2"),
                List.of(new HistoryEntry(null, "RUN make", null, false)), RunDefaults.NONE);
        assertThat(DetailLimits.bound(config)).isSameAs(config);
    }

    @Test
    void hugeLabelValue_isCutAndSaysHowLongItWas() {
        RunDefaults defaults = new RunDefaults(List.of("/bin/app"), List.of("--serve"), List.of("A=1"), List.of(),
                null, null, null);
        ImageConfig config = new ImageConfig(null, null, Map.of("huge", "x".repeat(6_000_000), "team", "a"),
                List.of(), defaults);
        ImageConfig bounded = DetailLimits.bound(config);
        assertThat(bounded.labels().get("team")).isEqualTo("a");
        assertThat(bounded.labels().get("huge")).startsWith("x".repeat(DetailLimits.TEXT))
                .endsWith("… (6000000 characters, cut)")
                .hasSizeLessThan(DetailLimits.TEXT + 40);
        // what the Run form starts from is never cut
        assertThat(bounded.defaults()).isEqualTo(defaults);
    }

    @Test
    void manyLabelsAndSteps_keptWithinTheTotal_andTheRestCounted() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            labels.put(String.format("label-%03d", i), "v".repeat(1000));
        }
        List<HistoryEntry> history = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            history.add(new HistoryEntry(null, "RUN " + "s".repeat(1000), null, false));
        }
        ImageConfig bounded = DetailLimits.bound(new ImageConfig(null, null, labels, history, RunDefaults.NONE));

        long kept = bounded.labels().entrySet().stream().filter(e -> !e.getKey().equals("…"))
                .mapToLong(e -> e.getKey().length() + e.getValue().length()).sum()
                + bounded.history().stream().mapToLong(h -> h.createdBy().length()).sum();
        // everything up to the total, plus the short notes of what was cut
        assertThat(kept).isLessThan(DetailLimits.TOTAL + 51 * 60);
        // 64 labels of 1009 characters fit in 65536; the 65th's key takes the rest (its value noted); 35 are counted
        assertThat(bounded.labels()).containsKey("label-000").containsEntry("…",
                "35 more labels not shown (65536 characters shown per image)");
        assertThat(bounded.history()).hasSize(1);
        assertThat(bounded.history().getFirst().createdBy()).startsWith("50 more history steps not shown");
    }
}
