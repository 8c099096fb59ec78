package org.wsss4j.data.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic inputs shared by the image-op tests, defined by formulas that the Python snippets
 * next to the expected values reproduce exactly.
 */
final class TestPatterns {
    private TestPatterns() {}

    /**
     * Byte {@code i} (flat row-major index) = {@code (31 i^2 + 17 i + 7) mod 256}; numpy:
     * {@code ((i*i*31 + i*17 + 7) % 256).astype(np.uint8)} with {@code i = np.arange(n)}.
     */
    static byte[] bytes(int n) {
        byte[] out = new byte[n];
        for (long i = 0; i < n; i++) {
            out[(int) i] = (byte) ((i * i * 31 + i * 17 + 7) % 256);
        }
        return out;
    }

    static RgbImage rgb(int h, int w) {
        return new RgbImage(h, w, bytes(h * w * 3));
    }

    static LabelMap labels(int h, int w) {
        return new LabelMap(h, w, bytes(h * w));
    }

    /**
     * Float {@code i} = {@code ((37 i) mod 101) / 7 - 5} in float32; numpy:
     * {@code ((i*37) % 101).astype(np.float32) / np.float32(7) - np.float32(5)}.
     */
    static float[] floats(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) ((i * 37L) % 101) / 7f - 5f;
        }
        return out;
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** SHA-256 of the little-endian float32 bytes, as numpy's {@code astype('<f4').tobytes()}. */
    static String sha256(float[] data) {
        byte[] bytes = new byte[data.length * 4];
        for (int i = 0; i < data.length; i++) {
            int bits = Float.floatToRawIntBits(data[i]);
            bytes[4 * i] = (byte) bits;
            bytes[4 * i + 1] = (byte) (bits >> 8);
            bytes[4 * i + 2] = (byte) (bits >> 16);
            bytes[4 * i + 3] = (byte) (bits >> 24);
        }
        return sha256(bytes);
    }
}
