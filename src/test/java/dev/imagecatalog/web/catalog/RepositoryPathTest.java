package dev.imagecatalog.web.catalog;

import dev.imagecatalog.web.http.WebException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the path after {@code /repositories/} splits into repository and tag. */
class RepositoryPathTest {

    @Test
    void parse_nameWithSlashes_isOneRepository() {
        assertThat(RepositoryPath.parse("deep/nested/path/image", false))
                .isEqualTo(new RepositoryPath("deep/nested/path/image", null, false));
    }

    @Test
    void parse_tagsSegmentBeforeLast_addressesATag() {
        assertThat(RepositoryPath.parse("team-a/app/tags/v1.2_rc-1", false))
                .isEqualTo(new RepositoryPath("team-a/app", "v1.2_rc-1", false));
    }

    @Test
    void parse_trailingTags_isTheTagListOnlyForTheApi() {
        assertThat(RepositoryPath.parse("team-a/app/tags", true)).isEqualTo(new RepositoryPath("team-a/app", null, true));
        assertThat(RepositoryPath.parse("team-a/tags", false)).isEqualTo(new RepositoryPath("team-a/tags", null, false));
    }

    @Test
    void parse_trailingSlash_isIgnored() {
        assertThat(RepositoryPath.parse("multi/app/", false)).isEqualTo(new RepositoryPath("multi/app", null, false));
    }

    @Test
    void parse_invalidName_isRefusedWithReason() {
        assertThatThrownBy(() -> RepositoryPath.parse("Team/App", false)).isInstanceOf(WebException.class)
                .hasMessageContaining("not a valid repository name");
        assertThatThrownBy(() -> RepositoryPath.parse("a//b", false)).isInstanceOf(WebException.class);
        assertThatThrownBy(() -> RepositoryPath.parse("../etc", false)).isInstanceOf(WebException.class);
    }

    @Test
    void parse_invalidTag_isRefusedWithReason() {
        assertThatThrownBy(() -> RepositoryPath.parse("app/tags/.hidden", false)).isInstanceOf(WebException.class)
                .hasMessageContaining("not a valid tag name");
    }
}
