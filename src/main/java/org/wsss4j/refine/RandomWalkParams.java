package org.wsss4j.refine;

/**
 * Settings of the random-walk pseudo-label step (spec 7).
 *
 * @param beta      affinity exponent: transitions use A^beta (IRN paper Eq. 10)
 * @param expTimes  the walk runs 2^expTimes steps (the reference squares T this many times)
 * @param radius    affinity search radius on the strided map (also the edge padding width)
 * @param camPower  CAMs are raised to this power before the walk (AdvCAM; 1 = IRN)
 * @param bgThres   constant background score against the max-normalised walked CAMs
 */
public record RandomWalkParams(double beta, int expTimes, int radius, double camPower, float bgThres) {

    /** AdvCAM's settings: beta 10, exp_times 8 (256 steps), radius 5, CAM^1.5, bg 0.25. */
    public static final RandomWalkParams ADVCAM = new RandomWalkParams(10, 8, 5, 1.5, 0.25f);

    /** IRN's settings: as AdvCAM but without the CAM power. */
    public static final RandomWalkParams IRN = new RandomWalkParams(10, 8, 5, 1.0, 0.25f);

    public RandomWalkParams {
        if (!(beta > 0) || expTimes < 0 || expTimes > 20 || radius < 2 || !(camPower > 0)
                || !(bgThres >= 0)) {
            throw new IllegalArgumentException("invalid random walk settings: beta " + beta
                    + ", exp_times " + expTimes + ", radius " + radius + ", cam power " + camPower
                    + ", bg threshold " + bgThres);
        }
    }

    /** Number of walk steps, 2^expTimes. */
    public int steps() {
        return 1 << expTimes;
    }

    public RandomWalkParams withCamPower(double power) {
        return new RandomWalkParams(beta, expTimes, radius, power, bgThres);
    }

    public RandomWalkParams withExpTimes(int times) {
        return new RandomWalkParams(beta, times, radius, camPower, bgThres);
    }

    public RandomWalkParams withBgThres(float thres) {
        return new RandomWalkParams(beta, expTimes, radius, camPower, thres);
    }
}
