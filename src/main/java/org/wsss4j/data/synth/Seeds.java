package org.wsss4j.data.synth;

import java.util.Random;

/**
 * Independent random streams per image. Each (seed, image, stream) triple is hashed into the seed
 * of its own {@link java.util.Random} (whose algorithm the JDK specifies, so outputs do not change
 * between Java versions). Separate streams keep the scene layout independent of the badge
 * options: dropping or blanking badges draws from another stream and cannot shift a position.
 */
final class Seeds {
    private Seeds() {}

    static final int LAYOUT = 1;
    static final int BADGE_DROPOUT = 2;
    static final int PIXEL_NOISE = 3;
    static final int BODY = 4;

    static Random stream(long seed, int image, int stream) {
        long h = mix(seed ^ 0x5DEECE66DL);
        h = mix(h + image);
        h = mix(h + stream);
        return new Random(h);
    }

    /** SplitMix64's finaliser: a bijection that spreads every input bit over the output. */
    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A hash of lattice point (x, y) in [0, 1), for value noise that needs no stream. */
    static double lattice(long seed, int x, int y) {
        long h = mix(mix(seed + x) + y);
        return (h >>> 11) * 0x1.0p-53;
    }
}
