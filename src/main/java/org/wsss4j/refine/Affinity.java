package org.wsss4j.refine;

/**
 * Inter-pixel affinity from a class-boundary map (spec 6.2; IRN paper Eq. 2): for a pair, one
 * minus the largest boundary probability met on the path between the two pixels, both ends
 * included. Computed in float32 like the reference's {@code 1 - max_pool}.
 */
public final class Affinity {
    private Affinity() {}

    /**
     * @param edge  boundary probabilities, row-major [Hm * Wm] of the pairs' map
     * @return affinities [D * N] in pair order (see {@link PathPairs})
     */
    public static float[] fromEdge(float[] edge, PathPairs pairs) {
        if (edge.length != pairs.height() * pairs.width()) {
            throw new IllegalArgumentException("edge map has " + edge.length + " values, the pair map "
                    + pairs.height() + "x" + pairs.width() + " needs " + pairs.height() * pairs.width());
        }
        PathIndex index = pairs.pathIndex();
        int n = pairs.numSources(), w = pairs.width();
        float[] out = new float[pairs.numPairs()];
        for (int d = 0; d < pairs.numDirections(); d++) {
            int len = index.pathLength(d);
            int[] offsets = new int[len];
            for (int l = 0; l < len; l++) {
                offsets[l] = index.pathY(d, l) * w + index.pathX(d, l);
            }
            for (int s = 0; s < n; s++) {
                int src = pairs.source(s);
                float max = edge[src + offsets[0]];
                for (int l = 1; l < len; l++) {
                    max = Math.max(max, edge[src + offsets[l]]);
                }
                out[d * n + s] = 1f - max;
            }
        }
        return out;
    }
}
