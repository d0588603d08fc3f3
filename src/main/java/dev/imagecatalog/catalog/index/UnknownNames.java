package dev.imagecatalog.catalog.index;

import java.time.Duration;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.imagecatalog.registry.RegistryException;

/**
 * Repositories, tags and digests the registry just said it does not have, remembered for a few seconds: a view of
 * an unknown name costs the registry a request once per {@link #TTL}, not once per view — without it anyone could
 * make the service ask the registry at their own request rate. The names are viewer input, so the cache is bounded
 * by their bytes, not by entries. A push event forgets what it names ({@link #forget}), so a name
 * looked up before it was pushed shows as soon as the push is announced.
 */
final class UnknownNames {

    /** How long "not found" is believed. */
    static final Duration TTL = Duration.ofSeconds(5);
    /** Bytes of names (and the registry's messages) kept at most. */
    static final long MAX_BYTES = 4L * 1024 * 1024;

    /** Key: repository, or repository plus {@code :tag} / {@code @digest}; value: the registry's message. */
    private final Cache<String, String> unknown = Caffeine.newBuilder()
            .expireAfterWrite(TTL)
            .maximumWeight(MAX_BYTES)
            .weigher((String key, String message) -> 64 + 2 * (key.length() + message.length()))
            .build();

    /** Throws the remembered NOT_FOUND when {@code key} was unknown a moment ago. */
    void check(String key) {
        String message = unknown.getIfPresent(key);
        if (message != null) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, message);
        }
    }

    /** Remembers {@code e} for {@code key} when it says "not found"; returns it to be thrown. */
    RegistryException remember(String key, RegistryException e) {
        if (e.kind() == RegistryException.Kind.NOT_FOUND) {
            unknown.put(key, e.getMessage() == null ? "Not found" : e.getMessage());
        }
        return e;
    }

    /** Forgets what was remembered of a repository and of the tags and digests a push names. */
    void forget(String repository, Map<String, String> pushedTags) {
        unknown.invalidate(repository);
        pushedTags.forEach((tag, digest) -> {
            unknown.invalidate(tagKey(repository, tag));
            if (digest != null) {
                unknown.invalidate(digestKey(repository, digest));
            }
        });
    }

    /** Bytes the remembered names weigh now (for tests of the bound). */
    long weight() {
        unknown.cleanUp();
        return unknown.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    static String tagKey(String repository, String tag) {
        return repository + ":" + tag;
    }

    static String digestKey(String repository, String digest) {
        return repository + "@" + digest;
    }
}
