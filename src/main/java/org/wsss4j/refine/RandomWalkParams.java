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

    /** Affinity exponent: run_sample.py --beta 10 in IRN and AdvCAM (spec 7; IRN paper Eq. 10). */
    public static final double REFERENCE_BETA = 10;

    /** Squarings of the transition matrix: run_sample.py --exp_times 8, i.e. 256 walk steps (spec 7). */
    public static final int REFERENCE_EXP_TIMES = 8;

    /** Affinity radius at inference: make_sem_seg_labels.py's PathIndex radius 5 (spec 6.2, 7). */
    public static final int REFERENCE_RADIUS = 5;

    /** AdvCAM's CAM exponent before the walk: make_sem_seg_labels.py cams ** 1.5 (spec 7; not in IRN). */
    public static final double ADVCAM_CAM_POWER = 1.5;

    /** IRN's CAM exponent: the CAMs are walked as they are (spec 7). */
    public static final double IRN_CAM_POWER = 1.0;

    /** Background score: run_sample.py --sem_seg_bg_thres 0.25 in IRN and AdvCAM (spec 7). */
    public static final float REFERENCE_BG_THRES = 0.25f;

    /** AdvCAM's settings: beta 10, exp_times 8 (256 steps), radius 5, CAM^1.5, bg 0.25. */
    public static final RandomWalkParams ADVCAM = new RandomWalkParams(REFERENCE_BETA, REFERENCE_EXP_TIMES,
            REFERENCE_RADIUS, ADVCAM_CAM_POWER, REFERENCE_BG_THRES);

    /** IRN's settings: as AdvCAM but without the CAM power. */
    public static final RandomWalkParams IRN = ADVCAM.withCamPower(IRN_CAM_POWER);

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
