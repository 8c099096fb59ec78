package org.wsss4j.crf;

/**
 * The 32-bit linear congruential generator (Numerical Recipes constants 1664525, 1013904223)
 * used to make test inputs that a C++ program can reproduce bit for bit: {@link #next} is the
 * top 24 bits of the state, {@link #uniform} that divided by 2^24 (exact in float).
 */
final class Lcg {
    private int state;

    Lcg(int seed) {
        this.state = seed;
    }

    int next() {
        state = state * 1664525 + 1013904223;
        return state >>> 8;
    }

    float uniform() {
        return next() / 16777216.0f;
    }
}
