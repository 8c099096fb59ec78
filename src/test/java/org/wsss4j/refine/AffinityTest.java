package org.wsss4j.refine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class AffinityTest {

    @Test
    void oneMinusTheLargestEdgeOnThePath() {
        // r = 2 on a 3x4 map; sources s0..s3 = (0,1), (0,2), (1,1), (1,2).
        float[] edge = {
                0.1f, 0.2f, 0.3f, 0.4f,
                0.5f, 0.0f, 0.45f, 0.1f,
                0.2f, 0.3f, 0.6f, 0.05f};
        PathPairs pairs = new PathIndex(2).pairs(3, 4);
        float[] aff = Affinity.fromEdge(edge, pairs);
        float[] expected = {
                // (0,1): s0 max(.2,.3); s1 max(.3,.4); s2 max(0,.45); s3 max(.45,.1)
                1 - 0.3f, 1 - 0.4f, 1 - 0.45f, 1 - 0.45f,
                // (1,0): s0 max(.2,0); s1 max(.3,.45); s2 max(0,.3); s3 max(.45,.6)
                1 - 0.2f, 1 - 0.45f, 1 - 0.3f, 1 - 0.6f,
                // (1,-1) over (1,-1),(0,-1),(1,0),(0,0): s0 {.5,.1,0,.2}; s1 {0,.2,.45,.3};
                // s2 {.2,.5,.3,0}; s3 {.3,0,.6,.45}
                1 - 0.5f, 1 - 0.45f, 1 - 0.5f, 1 - 0.6f,
                // (1,1) over (1,1),(0,1),(1,0),(0,0): s0 {.45,.3,0,.2}; s1 {.1,.4,.45,.3};
                // s2 {.6,.45,.3,0}; s3 {.05,.1,.6,.45}
                1 - 0.45f, 1 - 0.45f, 1 - 0.6f, 1 - 0.6f};
        assertArrayEquals(expected, aff, 0f);
    }
}
