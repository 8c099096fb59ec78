package org.wsss4j.data.synth;

/**
 * Smooth value noise in [0, 1): hashed values on the integer lattice, blended with a smoothstep.
 * Hashing (not a stream) makes the value at a point independent of the order pixels are drawn in.
 */
final class ValueNoise {
    private ValueNoise() {}

    static double at(long seed, double x, double y) {
        int ix = (int) Math.floor(x), iy = (int) Math.floor(y);
        double fx = smooth(x - ix), fy = smooth(y - iy);
        double a = Seeds.lattice(seed, ix, iy), b = Seeds.lattice(seed, ix + 1, iy);
        double c = Seeds.lattice(seed, ix, iy + 1), d = Seeds.lattice(seed, ix + 1, iy + 1);
        double top = a + (b - a) * fx, bottom = c + (d - c) * fx;
        return top + (bottom - top) * fy;
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }
}
