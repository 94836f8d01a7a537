package org.switchboard.platform.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Bearer secrets: generation, the digest that is stored in their place, and constant-time comparison. A secret
 * itself is never stored or logged; only {@link #digest} of it is kept.
 */
public final class Secrets {
    private static final char[] BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /** A random token of {@code length} base58 characters (about 5.86 bits each). */
    public static String randomBase58(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = BASE58[RANDOM.nextInt(BASE58.length)];
        }
        return new String(out);
    }

    /**
     * Hex SHA-256 of the secret. Secrets here are long random tokens, so a plain digest is enough to make the stored
     * value useless to a reader of the database while allowing lookup by index.
     */
    public static String digest(String secret) {
        try {
            // a clone of a ready instance: looking the algorithm up costs more than hashing a key (every keyed request)
            MessageDigest sha = (MessageDigest) SHA_256.clone();
            return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static final MessageDigest SHA_256 = sha256();

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    /** Compares two strings in time independent of where they differ. */
    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** The last four characters, enough for a person to tell keys apart without revealing them. */
    public static String hint(String secret) {
        return "…" + secret.substring(Math.max(0, secret.length() - 4));
    }
}
