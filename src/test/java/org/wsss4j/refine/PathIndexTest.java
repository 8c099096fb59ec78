package org.wsss4j.refine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PathIndexTest {

    /**
     * Direction order for r = 5 as IRN's misc/indexing.py PathIndex builds it ({@code search_dst}),
     * printed by running that file (commit a2ece00) with Debian's Python: buckets of path length
     * 2, 3, 4, 5, 6, 7, 8, 10, 11 holding 2, 2, 4, 2, 4, 2, 8, 6, 4 directions.
     */
    private static final int[][] R5_ORDER = {
            {0, 1}, {1, 0}, {0, 2}, {2, 0}, {0, 3}, {1, -1}, {1, 1}, {3, 0}, {0, 4}, {4, 0},
            {1, -2}, {1, 2}, {2, -1}, {2, 1}, {2, -2}, {2, 2}, {1, -3}, {1, 3}, {2, -3}, {2, 3},
            {3, -2}, {3, -1}, {3, 1}, {3, 2}, {1, -4}, {1, 4}, {3, -3}, {3, 3}, {4, -1}, {4, 1},
            {2, -4}, {2, 4}, {4, -2}, {4, 2}};

    @Test
    void directionCountsMatchTheSpec() {
        assertEquals(152, new PathIndex(10).numDirections());
        assertEquals(34, new PathIndex(5).numDirections());
        // r = 2: (0,1) and (1,-1), (1,0), (1,1).
        assertEquals(4, new PathIndex(2).numDirections());
    }

    @Test
    void directionsAreOrderedByPathLengthAsInTheReference() {
        PathIndex pi = new PathIndex(5);
        for (int d = 0; d < R5_ORDER.length; d++) {
            assertArrayEquals(R5_ORDER[d], pi.direction(d), "direction " + d);
        }
        int[] lengths = new int[pi.numDirections()];
        for (int d = 0; d < lengths.length; d++) {
            lengths[d] = pi.pathLength(d);
        }
        assertArrayEquals(new int[] {2, 2, 3, 3, 4, 4, 4, 4, 5, 5, 6, 6, 6, 6, 7, 7, 8, 8, 8, 8, 8,
                8, 8, 8, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11}, lengths);
        // r = 10: shortest paths (0,1), (1,0) first; the last bucket (22 cells) ends with (9,3).
        PathIndex p10 = new PathIndex(10);
        assertArrayEquals(new int[] {0, 1}, p10.direction(0));
        assertArrayEquals(new int[] {9, 3}, p10.direction(151));
        assertEquals(22, p10.pathLength(151));
    }

    /** Paths worked out by hand from |dy x - dx y|^2 < dy^2 + dx^2 over the bounding box. */
    @Test
    void pathCellsOfHandCheckedDirections() {
        assertArrayEquals(new int[][] {{0, 1}, {0, 0}}, PathIndex.pathOf(0, 1));
        assertArrayEquals(new int[][] {{1, 0}, {0, 0}}, PathIndex.pathOf(1, 0));
        // (1,1): cross = x - y is 0 or +-1, all four box cells; ties (0,1),(1,0) in scan order.
        assertArrayEquals(new int[][] {{1, 1}, {0, 1}, {1, 0}, {0, 0}}, PathIndex.pathOf(1, 1));
        // (2,1): cross = 2x - y, |cross| <= 2 for all six cells of the 3x2 box.
        assertArrayEquals(new int[][] {{2, 1}, {1, 1}, {2, 0}, {0, 1}, {1, 0}, {0, 0}},
                PathIndex.pathOf(2, 1));
        // (1,-3): cross = x + 3y, |cross| <= 3 for all eight cells of the 2x4 box.
        assertArrayEquals(new int[][] {{1, -3}, {0, -3}, {1, -2}, {0, -2}, {1, -1}, {0, -1},
                {1, 0}, {0, 0}}, PathIndex.pathOf(1, -3));
        // (3,-2): cross = 3x + 2y must satisfy cross^2 < 13, i.e. |cross| <= 3: keeps 8 of 12 cells
        // ((0,-2), (1,-2), (2,0), (3,0) have |cross| 6, 4, 4, 6).
        assertArrayEquals(new int[][] {{3, -2}, {2, -2}, {3, -1}, {2, -1}, {1, -1}, {0, -1},
                {1, 0}, {0, 0}}, PathIndex.pathOf(3, -2));
        // The public accessor returns the same cells for the direction in the index.
        PathIndex pi = new PathIndex(5);
        assertArrayEquals(PathIndex.pathOf(2, 1), pi.path(13));
    }

    @Test
    void pairsOnTheTrainingMap() {
        PathPairs pairs = new PathIndex(10).pairs(128, 128);
        assertEquals(119 * 110, pairs.numSources());
        assertEquals(119 * 110 * 152, pairs.numPairs());
        int[] src = pairs.sources();
        // rf = 9: first source (0, 9); last source (118, 118) = 118 * 128 + 118.
        assertArrayEquals(new int[] {9, 10, 11, 12, 13}, java.util.Arrays.copyOf(src, 5));
        assertEquals(118 * 128 + 118, src[src.length - 1]);
        int[] dst = pairs.destinations();
        // direction 0 = (0,1): destinations 10, 11, ...; direction 1 = (1,0): 137 = 128 + 9.
        assertArrayEquals(new int[] {10, 11, 12, 13, 14}, java.util.Arrays.copyOf(dst, 5));
        int n = pairs.numSources();
        assertArrayEquals(new int[] {137, 138, 139}, java.util.Arrays.copyOfRange(dst, n, n + 3));
        // last pair: direction (9,3) from the last source: 15222 + 9 * 128 + 3.
        assertEquals(16377, dst[dst.length - 1]);
        assertEquals(16377, pairs.destinationPixel(pairs.numPairs() - 1));
        assertEquals(15222, pairs.sourcePixel(pairs.numPairs() - 1));
    }

    @Test
    void pathCellIndicesAreLengthMajor() {
        // r = 2 on 3x4: rf = 1, sources (0,1), (0,2), (1,1), (1,2) = pixels 1, 2, 5, 6.
        PathPairs pairs = new PathIndex(2).pairs(3, 4);
        assertArrayEquals(new int[] {1, 2, 5, 6}, pairs.sources());
        // direction 2 = (1,-1), cells (1,-1), (0,-1), (1,0), (0,0) -> offsets +3, -1, +4, 0.
        assertArrayEquals(new int[] {1, -1}, pairs.pathIndex().direction(2));
        assertArrayEquals(new int[] {4, 5, 8, 9, 0, 1, 4, 5, 5, 6, 9, 10, 1, 2, 5, 6},
                pairs.pathCellIndices(2));
    }

    @Test
    void rejectsMapsTooSmallForTheRadius() {
        assertThrows(IllegalArgumentException.class, () -> new PathIndex(5).pairs(4, 20));
        assertThrows(IllegalArgumentException.class, () -> new PathIndex(5).pairs(20, 8));
        assertThrows(IllegalArgumentException.class, () -> new PathIndex(1));
    }
}
