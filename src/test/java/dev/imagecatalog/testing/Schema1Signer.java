package dev.imagecatalog.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Signs a schema 1 manifest the way libtrust's "pretty signature" does, so that Distribution accepts the push:
 * the payload is kept byte for byte, a {@code signatures} array is inserted before its closing brace, and the
 * protected header records where ({@code formatLength}) and what followed ({@code formatTail}).
 */
final class Schema1Signer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Schema1Signer() {
    }

    static byte[] sign(byte[] payload) throws java.io.IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            ECPublicKey pub = (ECPublicKey) keys.getPublic();

            String text = new String(payload, StandardCharsets.UTF_8);
            int closing = text.lastIndexOf('}');
            int formatLength = text.substring(0, closing).stripTrailing().length();
            String tail = text.substring(formatLength);
            Map<String, Object> protectedHeader = new LinkedHashMap<>();
            protectedHeader.put("formatLength", formatLength);
            protectedHeader.put("formatTail", URL.encodeToString(tail.getBytes(StandardCharsets.UTF_8)));
            protectedHeader.put("time", Instant.now().toString());
            String protectedB64 = URL.encodeToString(JSON.writeValueAsBytes(protectedHeader));

            Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
            es256.initSign(keys.getPrivate());
            es256.update((protectedB64 + "." + URL.encodeToString(payload)).getBytes(StandardCharsets.US_ASCII));
            String signature = URL.encodeToString(es256.sign());

            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("crv", "P-256");
            jwk.put("kid", keyId(pub));
            jwk.put("kty", "EC");
            jwk.put("x", URL.encodeToString(unsigned(pub.getW().getAffineX())));
            jwk.put("y", URL.encodeToString(unsigned(pub.getW().getAffineY())));
            Map<String, Object> block = new LinkedHashMap<>();
            block.put("header", Map.of("jwk", jwk, "alg", "ES256"));
            block.put("signature", signature);
            block.put("protected", protectedB64);
            String signatures = ",\n   \"signatures\": " + JSON.writeValueAsString(List.of(block));
            return (text.substring(0, formatLength) + signatures + tail).getBytes(StandardCharsets.UTF_8);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** libtrust key ID: base32 of the first 30 bytes of sha256(SPKI DER), in groups of 4 joined by ':'. */
    private static String keyId(ECPublicKey key) throws java.security.GeneralSecurityException {
        byte[] hash = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 30);
        String b32 = base32(hash);
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < b32.length(); i += 4) {
            if (i > 0) {
                id.append(':');
            }
            id.append(b32, i, Math.min(i + 4, b32.length()));
        }
        return id.toString();
    }

    private static String base32(byte[] bytes) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    private static byte[] unsigned(BigInteger n) {
        byte[] raw = n.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }
}
