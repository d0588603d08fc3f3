package dev.imagecatalog.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Content digests per the OCI image spec ({@code algorithm:encoded}): the one place that decides whether a string
 * is a digest and computes digests of received bytes. Only the registered algorithms are accepted
 * ({@code sha256}: 64 lower-case hex, {@code sha512}: 128), because only those can be verified — an unverifiable
 * digest must never reach a pod image or a request path.
 */
public final class Digests {

    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("sha512:[a-f0-9]{128}");

    private Digests() {
    }

    /** Whether {@code value} is a well-formed sha256 or sha512 digest. */
    public static boolean isValid(String value) {
        return value != null && (SHA256.matcher(value).matches() || SHA512.matcher(value).matches());
    }

    /**
     * The digest of {@code bytes} with the algorithm of {@code like} (a valid digest: sha512 for sha512), sha256
     * when {@code like} is {@code null}.
     */
    static String compute(String like, byte[] bytes) {
        return like != null && like.startsWith("sha512:") ? of("SHA-512", "sha512:", bytes)
                : of("SHA-256", "sha256:", bytes);
    }

    private static String of(String algorithm, String prefix, byte[] bytes) {
        try {
            return prefix + HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has " + algorithm, e);
        }
    }
}
