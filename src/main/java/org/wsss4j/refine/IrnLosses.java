package org.wsss4j.refine;

import java.util.List;

/**
 * IRN's training losses computed on plain arrays, in double precision (spec 6.3). They are the
 * reference values for the network's loss graph, so they follow the reference literally:
 * every "mean" is sum(mask * loss) / (sum(mask) + 1e-5) with the sums pooled over the whole
 * batch (not averaged per image), and the displacement denominators are 2 N + 1e-5 because the
 * two channels' absolute errors are summed.
 *
 * <p>Displacement maps are [2, Hm, Wm] row-major, channel 0 = y, channel 1 = x. For pair (d, s)
 * the predicted displacement difference is delta = D(source) - D(destination) (IRN's
 * {@code to_displacement}); the foreground target is the direction (dy, dx) itself.
 */
public final class IrnLosses {
    /** The 1e-5 of every log and denominator in the reference. */
    public static final double EPS = 1e-5;

    private IrnLosses() {}

    /**
     * delta = D(source) - D(destination) for every pair, as [2, D, N] flattened (channel-major,
     * then pair order): IRN's {@code path_index.to_displacement} for one image.
     */
    public static float[] displacementDifferences(float[] displacement, PathPairs pairs) {
        int hw = pairs.height() * pairs.width();
        if (displacement.length != 2 * hw) {
            throw new IllegalArgumentException("displacement map has " + displacement.length
                    + " values, needs 2 x " + pairs.height() + " x " + pairs.width());
        }
        int total = pairs.numPairs();
        float[] out = new float[2 * total];
        for (int p = 0; p < total; p++) {
            int src = pairs.sourcePixel(p), dst = pairs.destinationPixel(p);
            out[p] = displacement[src] - displacement[dst];
            out[total + p] = displacement[hw + src] - displacement[hw + dst];
        }
        return out;
    }

    /** The loss terms of a batch of one image. */
    public static IrnLossTerms compute(float[] affinity, float[] displacement, AffinityLabels labels) {
        return compute(List.of(affinity), List.of(displacement), List.of(labels));
    }

    /**
     * The loss terms of a batch, sums pooled over its images as in the reference.
     *
     * @param affinities    per image, [D * N] affinities in pair order
     * @param displacements per image, the [2, Hm, Wm] displacement map
     * @param labels        per image, its affinity labels (all on the same pairs)
     */
    public static IrnLossTerms compute(List<float[]> affinities, List<float[]> displacements,
            List<AffinityLabels> labels) {
        if (affinities.size() != labels.size() || displacements.size() != labels.size() || labels.isEmpty()) {
            throw new IllegalArgumentException("need one affinity map, one displacement map and one"
                    + " label set per image, got " + affinities.size() + ", " + displacements.size()
                    + ", " + labels.size());
        }
        double sumBg = 0, nBg = 0, sumFg = 0, nFg = 0, sumNeg = 0, nNeg = 0, dpFg = 0, dpBg = 0;
        for (int b = 0; b < labels.size(); b++) {
            AffinityLabels lab = labels.get(b);
            PathPairs pairs = lab.pairs();
            float[] aff = affinities.get(b);
            if (aff.length != pairs.numPairs()) {
                throw new IllegalArgumentException("image " + b + ": " + aff.length
                        + " affinities for " + pairs.numPairs() + " pairs");
            }
            float[] delta = displacementDifferences(displacements.get(b), pairs);
            int total = pairs.numPairs();
            for (int p = 0; p < total; p++) {
                double a = aff[p];
                if (lab.bgPos()[p]) {
                    sumBg += -Math.log(a + EPS);
                    nBg++;
                    dpBg += Math.abs(delta[p]) + Math.abs(delta[total + p]);
                }
                if (lab.fgPos()[p]) {
                    sumFg += -Math.log(a + EPS);
                    nFg++;
                    int d = pairs.directionOfPair(p);
                    PathIndex index = pairs.pathIndex();
                    dpFg += Math.abs(delta[p] - index.pathY(d, 0))
                            + Math.abs(delta[total + p] - index.pathX(d, 0));
                }
                if (lab.neg()[p]) {
                    sumNeg += -Math.log(1 + EPS - a);
                    nNeg++;
                }
            }
        }
        return new IrnLossTerms(sumBg / (nBg + EPS), sumFg / (nFg + EPS), sumNeg / (nNeg + EPS),
                dpFg / (2 * nFg + EPS), dpBg / (2 * nBg + EPS));
    }
}
