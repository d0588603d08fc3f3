package dev.imagecatalog.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The policy's remembered answers: reused briefly, and weighed by what they retain. */
class AccessPolicyTest {

    @Test
    void allows_secondAskOfTheSameUser_isAnsweredFromMemory() {
        AtomicInteger asked = new AtomicInteger();
        AccessPolicy policy = new AccessPolicy(reviews(asked));
        Identity alice = new Identity("alice", List.of("dev"));
        assertThat(policy.allows(alice, Permission.listNodes())).isTrue();
        assertThat(policy.allows(alice, Permission.listNodes())).isTrue();
        assertThat(asked).hasValue(1);
    }

    @Test
    void bytes_ofAnIdentity_countItsNameAndGroups() {
        // users come from a proxy's headers or the cluster: 10,000 remembered answers of 8 KB names must not be
        // counted as 10,000 small entries
        Identity large = new Identity("u".repeat(8_000), List.of("g".repeat(4_000), "h".repeat(4_000)));
        assertThat(AccessPolicy.bytes(large)).isGreaterThan(2 * 16_000);
        assertThat(AccessPolicy.CACHE_BYTES / AccessPolicy.bytes(large)).as("such answers kept at most")
                .isLessThan(200);
    }

    @Test
    void allows_manyLargeIdentities_askAgainOnceTheirBytesAreSpent() {
        AtomicInteger asked = new AtomicInteger();
        AccessPolicy policy = new AccessPolicy(reviews(asked));
        List<Identity> users = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            users.add(new Identity(i + "u".repeat(8_000), List.of()));
        }
        users.forEach(u -> policy.allows(u, Permission.listNodes()));
        asked.set(0);
        users.forEach(u -> policy.allows(u, Permission.listNodes()));
        // 1,000 × ~16 KB is ~4× the bound: most were evicted (with entry counting all 1,000 stayed)
        assertThat(asked.get()).isGreaterThan(500);
    }

    private static AccessReviews reviews(AtomicInteger asked) {
        return new AccessReviews() {
            @Override
            public Optional<Identity> authenticate(String token) {
                asked.incrementAndGet();
                return Optional.empty();
            }

            @Override
            public boolean allowed(Identity identity, Permission permission) {
                asked.incrementAndGet();
                return true;
            }
        };
    }
}
