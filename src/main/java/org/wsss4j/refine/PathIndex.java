package org.wsss4j.refine;

import java.util.ArrayList;
import java.util.List;

/**
 * IRN's affinity neighbourhood for a search radius r (spec 6.2; IRN paper Sec. 3.3): a half-plane
 * of search directions and, for each, the chain of pixels an affinity is max-pooled over.
 *
 * <p>Directions: (0, x) for x = 1..r-1, then (y, x) for y = 1..r-1 and x = -(r-1)..r-1 with
 * x&sup2; + y&sup2; &lt; r&sup2;. Only one of d and -d is present; the random walk adds the
 * transpose. r = 10 gives 152 directions (training), r = 5 gives 34 (inference).
 *
 * <p>Path of (dy, dx): the integer points (y, x) of the bounding box of (0,0)-(dy,dx) whose squared
 * distance to the line through it, (dy x - dx y)&sup2; / (dy&sup2; + dx&sup2;), is below 1; sorted
 * by -(|y| + |x|) with a stable sort over the row-major scan, so the destination comes first and
 * (0,0) last.
 *
 * <p>Order: the reference buckets the directions by path length and concatenates the buckets in
 * increasing length, keeping the generation order inside a bucket. Every per-pair array it builds
 * (destinations, affinities, labels, displacements) follows that order, so {@link #direction(int)}
 * uses it too.
 */
public final class PathIndex {
    private final int radius;
    private final int radiusFloor;
    private final int[][] directions;
    private final int[][][] paths;

    /** @param radius search radius r, at least 2 (r = 1 has no direction) */
    public PathIndex(int radius) {
        if (radius < 2) {
            throw new IllegalArgumentException("path index radius must be at least 2, got " + radius);
        }
        this.radius = radius;
        // ceil(r) - 1 for the integer radii used here (spec 6.2).
        this.radiusFloor = radius - 1;

        List<int[]> search = new ArrayList<>();
        for (int x = 1; x < radius; x++) {
            search.add(new int[] {0, x});
        }
        for (int y = 1; y < radius; y++) {
            for (int x = -radius + 1; x < radius; x++) {
                if (x * x + y * y < radius * radius) {
                    search.add(new int[] {y, x});
                }
            }
        }

        // Bucket by path length; a path never has more than |dy| + |dx| + 1 <= 2r - 1 cells per
        // axis pair, so 4r buckets (the reference's bound) are plenty.
        List<List<int[][]>> byLength = new ArrayList<>();
        for (int i = 0; i < 4 * radius; i++) {
            byLength.add(new ArrayList<>());
        }
        for (int[] dir : search) {
            int[][] path = pathOf(dir[0], dir[1]);
            byLength.get(path.length).add(path);
        }
        List<int[][]> ordered = new ArrayList<>();
        for (List<int[][]> bucket : byLength) {
            ordered.addAll(bucket);
        }
        paths = ordered.toArray(new int[0][][]);
        directions = new int[paths.length][];
        for (int d = 0; d < paths.length; d++) {
            directions[d] = paths[d][0].clone();
        }
    }

    /** The path cells of direction (dy, dx), destination first (see the class comment). */
    static int[][] pathOf(int dy, int dx) {
        int lengthSq = dy * dy + dx * dx;
        int minY = Math.min(0, dy), maxY = Math.max(0, dy);
        int minX = Math.min(0, dx), maxX = Math.max(0, dx);
        List<int[]> cells = new ArrayList<>();
        for (int y = minY; y <= maxY; y++) {
            for (int x = minX; x <= maxX; x++) {
                int cross = dy * x - dx * y;
                // (cross^2 / lengthSq < 1) evaluated exactly in integers.
                if (cross * cross < lengthSq) {
                    cells.add(new int[] {y, x});
                }
            }
        }
        // List.sort is stable, like Python's sort, so ties keep the scan order.
        cells.sort((a, b) -> Integer.compare(-Math.abs(a[0]) - Math.abs(a[1]),
                -Math.abs(b[0]) - Math.abs(b[1])));
        return cells.toArray(new int[0][]);
    }

    public int radius() {
        return radius;
    }

    /** ceil(r) - 1: the margin the pair grid keeps from the left, right and bottom borders. */
    public int radiusFloor() {
        return radiusFloor;
    }

    public int numDirections() {
        return directions.length;
    }

    /** {dy, dx} of direction {@code d} in the reference order; dy &gt;= 0. */
    public int[] direction(int d) {
        return directions[d].clone();
    }

    /** Number of path cells of direction {@code d}, both ends included. */
    public int pathLength(int d) {
        return paths[d].length;
    }

    /** The path cells {y, x} of direction {@code d}, destination first, (0,0) last. */
    public int[][] path(int d) {
        int[][] copy = new int[paths[d].length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = paths[d][i].clone();
        }
        return copy;
    }

    int pathY(int d, int cell) {
        return paths[d][cell][0];
    }

    int pathX(int d, int cell) {
        return paths[d][cell][1];
    }

    /** The (source, destination) pairs of this neighbourhood on a map of the given size. */
    public PathPairs pairs(int mapHeight, int mapWidth) {
        return new PathPairs(this, mapHeight, mapWidth);
    }
}
