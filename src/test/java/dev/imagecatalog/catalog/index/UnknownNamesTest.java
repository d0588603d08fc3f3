package dev.imagecatalog.catalog.index;

import java.util.Map;

import dev.imagecatalog.registry.RegistryException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The short-lived memory of names the registry does not have: keyed by viewer input, so bounded by bytes. */
class UnknownNamesTest {

    @Test
    void distinctLongNames_withoutEnd_stayWithinTheByteBound() {
        UnknownNames unknown = new UnknownNames();
        String padding = "x".repeat(240);
        for (int i = 0; i < 20_000; i++) {
            String name = "team/" + i + padding;
            unknown.remember(name, new RegistryException(RegistryException.Kind.NOT_FOUND,
                    "Listing tags of " + name + ": registry says \"repository name not known to registry\""));
        }
        assertThat(unknown.weight()).isLessThanOrEqualTo(UnknownNames.MAX_BYTES);
    }

    @Test
    void aRememberedName_isNotFoundWithTheRegistrysMessage_untilAPushOfItIsForgotten() {
        UnknownNames unknown = new UnknownNames();
        unknown.remember("team/app", new RegistryException(RegistryException.Kind.NOT_FOUND, "no team/app"));
        unknown.remember(UnknownNames.tagKey("team/db", "v2"),
                new RegistryException(RegistryException.Kind.NOT_FOUND, "no team/db:v2"));

        assertThatThrownBy(() -> unknown.check("team/app")).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND);
            assertThat(e.getMessage()).isEqualTo("no team/app");
        });
        unknown.forget("team/app", Map.of());
        unknown.forget("team/db", Map.of("v2", "sha256:" + "a".repeat(64)));

        assertThatCode(() -> unknown.check("team/app")).doesNotThrowAnyException();
        assertThatCode(() -> unknown.check(UnknownNames.tagKey("team/db", "v2"))).doesNotThrowAnyException();
    }

    @Test
    void otherFailures_areNotRemembered() {
        UnknownNames unknown = new UnknownNames();
        unknown.remember("team/app", new RegistryException(RegistryException.Kind.UNREACHABLE, "down"));
        assertThatCode(() -> unknown.check("team/app")).doesNotThrowAnyException();
    }
}
