package org.wsss4j.bench;

/**
 * Estimates the time of a climb of {@code full} steps from two shorter ones. A climb at one scale
 * costs a fixed part (preparing the image pair, the first step, which has no restriction term,
 * and in wsss4j a last step that needs no gradient, spec 3.2(g)) plus one gradient step per
 * further step, so its time is linear in the step count:
 * {@code t(T) = t(1) + (T - 1) * (t(m) - t(1)) / (m - 1)}. Scaling t(m) by T/m instead would
 * count the fixed part T/m times.
 */
final class StepExtrapolation {
    private StepExtrapolation() {}

    /**
     * @param t1       seconds of a 1-step climb
     * @param tm       seconds of an {@code m}-step climb
     * @param m        steps of the longer measured climb, at least 2
     * @param full     steps to estimate the time of, at least 1
     * @return the estimated seconds of a {@code full}-step climb
     */
    static double estimate(double t1, double tm, int m, int full) {
        if (m < 2) throw new IllegalArgumentException("need a climb of at least 2 steps, got " + m);
        if (full < 1) throw new IllegalArgumentException("full step count must be >= 1, got " + full);
        return t1 + (full - 1) * (tm - t1) / (m - 1);
    }

    /**
     * The steps to measure at a scale whose full count is {@code full}, given the requested
     * {@code measured}: never more than the full count (then the climb is timed as it is).
     */
    static int measuredSteps(int measured, int full) {
        return Math.min(measured, full);
    }
}
