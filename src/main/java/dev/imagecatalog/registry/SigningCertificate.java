package dev.imagecatalog.registry;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Who a keyless cosign signature names: the identity (subject alternative name: e-mail or URI) and the OIDC
 * issuer (Fulcio's extension) of the certificate cosign stores in the {@code dev.sigstore.cosign/certificate}
 * annotation. Read for display only — nothing here verifies the certificate or the signature.
 *
 * @param identity e-mail or URI the certificate was issued to, or {@code null}
 * @param issuer   OIDC issuer that vouched for it, or {@code null}
 */
public record SigningCertificate(String identity, String issuer) {

    /** Fulcio's issuer extension (v2: a DER UTF8String). */
    private static final String ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
    /** Fulcio's deprecated issuer extension (v1: the raw string). */
    private static final String ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
    private static final int RFC822_NAME = 1;
    private static final int URI_NAME = 6;

    /** The identity and issuer of a PEM certificate, or {@code null} when it is no certificate. */
    public static SigningCertificate of(String pem) {
        if (pem == null || pem.isBlank()) {
            return null;
        }
        X509Certificate cert;
        try {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | ClassCastException | IllegalArgumentException e) {
            return null;
        }
        return new SigningCertificate(identity(cert), issuer(cert));
    }

    private static String identity(X509Certificate cert) {
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            if (names == null) {
                return null;
            }
            for (List<?> name : names) {
                int type = (Integer) name.get(0);
                if ((type == RFC822_NAME || type == URI_NAME) && name.get(1) instanceof String s) {
                    return s;
                }
            }
        } catch (CertificateParsingException e) {
            return null;
        }
        return null;
    }

    private static String issuer(X509Certificate cert) {
        byte[] v2 = contents(cert.getExtensionValue(ISSUER_V2));
        if (v2 != null) {
            byte[] utf8 = contents(v2);
            if (utf8 != null) {
                return new String(utf8, StandardCharsets.UTF_8);
            }
        }
        byte[] v1 = contents(cert.getExtensionValue(ISSUER_V1));
        return v1 == null ? null : new String(v1, StandardCharsets.UTF_8);
    }

    /** The contents of one DER value (tag, length, contents), or {@code null} when it is not one. */
    static byte[] contents(byte[] der) {
        if (der == null || der.length < 2) {
            return null;
        }
        int length = der[1] & 0xff;
        int start = 2;
        if (length > 0x7f) {
            int octets = length & 0x7f;
            if (octets < 1 || octets > 3 || der.length < 2 + octets) {
                return null;
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (der[2 + i] & 0xff);
            }
            start = 2 + octets;
        }
        return start + length > der.length ? null : Arrays.copyOfRange(der, start, start + length);
    }
}
