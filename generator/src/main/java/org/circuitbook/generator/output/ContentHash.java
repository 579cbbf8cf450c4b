package org.circuitbook.generator.output;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of published and cached bytes, and the content-hashed names the site publishes files under:
 * {@code STEM.HASH.EXT}, HASH the first {@link #NAME_DIGITS} hex digits of the bytes' SHA-256 (weights,
 * {@code final.3fa9c2e1b04d.safetensors}; widget drawings, {@code assets/figures/superposition.0c1d2e3f4a5b.svg}).
 * A changed file gets a new name, so a host may serve every such name as immutable (README, "Publishing").
 */
public final class ContentHash {
    /** How many hex digits of the SHA-256 a published name carries. */
    public static final int NAME_DIGITS = 12;

    private ContentHash() {
    }

    /** The SHA-256 of {@code bytes}. */
    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The SHA-256 of {@code bytes} in lower-case hex (64 digits). */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes));
    }

    /** {@code STEM.HASH.EXT} for a file whose SHA-256 is {@code sha256}; {@code extension} with its dot. */
    public static String name(String stem, byte[] sha256, String extension) {
        return stem + "." + HexFormat.of().formatHex(sha256).substring(0, NAME_DIGITS) + extension;
    }
}
