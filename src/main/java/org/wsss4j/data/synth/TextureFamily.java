package org.wsss4j.data.synth;

/**
 * Pattern families of body textures. A texture blends a light and a dark colour with a weight
 * t(u, v) in [0, 1], where (u, v) are image coordinates rotated by the texture's angle and divided
 * by its period. Classes use the first five families; {@link #RINGS} and {@link #SPECKLE} are kept
 * for distractor blobs so that no distractor carries any class's evidence.
 */
public enum TextureFamily {
    /** Parallel bands, one light and one dark per period (an orientation: 180 degree symmetry). */
    STRIPES(false),
    /** Checkerboard, one light and one dark square per period along each axis. */
    CHECKS(false),
    /** Dark round dots (radius 0.3 period) on a square lattice. */
    DOTS(false),
    /** Stripes whose phase wobbles along the stripe direction. */
    WAVES(false),
    /** Thin dark lines along both axes (a grid, 90 degree symmetry). */
    GRID(false),
    /** Concentric rings around the distractor's centre. Distractors only. */
    RINGS(true),
    /** Random blotches of value noise (cell 1/2 period). Distractors only. */
    SPECKLE(true);

    /** True for families that no class uses. */
    public final boolean distractorOnly;

    TextureFamily(boolean distractorOnly) {
        this.distractorOnly = distractorOnly;
    }

    /** The families that classes use, in the order classes are assigned to them. */
    static final TextureFamily[] CLASS_FAMILIES = {STRIPES, CHECKS, DOTS, WAVES, GRID};

    /** Orientations this pattern cannot tell apart lie this many degrees apart. */
    double symmetryDeg() {
        return this == STRIPES || this == WAVES ? 180 : 90;
    }

    /**
     * Weight of the dark colour at rotated coordinates (u, v) in periods; (ru, rv) are the offsets
     * from the shape's centre in periods (for rings), {@code noiseSeed} seeds the speckle.
     */
    double weight(double u, double v, double ru, double rv, long noiseSeed) {
        final double twoPi = 2 * Math.PI;
        return switch (this) {
            case STRIPES -> soft(StrictMath.sin(twoPi * u), 2.5);
            case CHECKS -> soft(StrictMath.sin(twoPi * u) * StrictMath.sin(twoPi * v), 4);
            case DOTS -> {
                double fu = u - Math.floor(u) - 0.5, fv = v - Math.floor(v) - 0.5;
                yield soft(0.3 - StrictMath.hypot(fu, fv), 12);
            }
            case WAVES -> soft(StrictMath.sin(twoPi * (u + 0.3 * StrictMath.sin(Math.PI * v))), 2.5);
            case GRID -> {
                double du = Math.abs(u - Math.rint(u)), dv = Math.abs(v - Math.rint(v));
                yield soft(0.12 - Math.min(du, dv), 12);
            }
            case RINGS -> soft(StrictMath.sin(twoPi * StrictMath.hypot(ru, rv)), 2.5);
            case SPECKLE -> soft(ValueNoise.at(noiseSeed, 2 * u, 2 * v) - 0.5, 6);
        };
    }

    /** Maps s (about -1..1) to [0, 1] with a ramp of slope {@code gain}: nearly square edges. */
    private static double soft(double s, double gain) {
        return Hsv.clamp01(0.5 + gain * s);
    }
}
