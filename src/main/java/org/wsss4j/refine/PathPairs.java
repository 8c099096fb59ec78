package org.wsss4j.refine;

/**
 * The (source, destination) pixel pairs of a {@link PathIndex} on a map of Hm x Wm pixels
 * (spec 6.2), indexed as the reference's flattened arrays are.
 *
 * <p>With rf = radiusFloor, the sources are the pixels [0, Hm - rf) x [rf, Wm - rf), numbered
 * row-major s = 0..N-1; the destination of source s along direction d is source + (dy, dx). Pair
 * {@code p = d * N + s}: direction-major, source-minor, directions in {@link PathIndex}'s order.
 * This is the order of IRN's {@code default_dst_indices.reshape(-1)}, of its affinity output
 * [D, N] and of the affinity labels. Pixel indices are row-major y * Wm + x on the map.
 */
public final class PathPairs {
    private final PathIndex index;
    private final int height;
    private final int width;
    private final int croppedHeight;
    private final int croppedWidth;

    PathPairs(PathIndex index, int height, int width) {
        int rf = index.radiusFloor();
        if (height - rf <= 0 || width - 2 * rf <= 0) {
            throw new IllegalArgumentException("map " + height + "x" + width
                    + " is too small for path radius " + index.radius() + " (needs height > " + rf
                    + " and width > " + 2 * rf + ")");
        }
        this.index = index;
        this.height = height;
        this.width = width;
        this.croppedHeight = height - rf;
        this.croppedWidth = width - 2 * rf;
    }

    public PathIndex pathIndex() {
        return index;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** N = (Hm - rf) * (Wm - 2 rf). */
    public int numSources() {
        return croppedHeight * croppedWidth;
    }

    public int numDirections() {
        return index.numDirections();
    }

    /** D * N. */
    public int numPairs() {
        return numDirections() * numSources();
    }

    /** Pixel index of source {@code s}. */
    public int source(int s) {
        return (s / croppedWidth) * width + index.radiusFloor() + s % croppedWidth;
    }

    /** Pixel index of the cell {@code cell} (0 = destination) on the path of direction d from s. */
    public int pathCell(int d, int cell, int s) {
        return source(s) + index.pathY(d, cell) * width + index.pathX(d, cell);
    }

    /** Direction of pair p. */
    public int directionOfPair(int p) {
        return p / numSources();
    }

    /** Source number (0..N-1, not the pixel index) of pair p. */
    public int sourceOfPair(int p) {
        return p % numSources();
    }

    /** Pixel index of the source of pair p. */
    public int sourcePixel(int p) {
        return source(sourceOfPair(p));
    }

    /** Pixel index of the destination of pair p. */
    public int destinationPixel(int p) {
        return pathCell(directionOfPair(p), 0, sourceOfPair(p));
    }

    /** Source pixel indices [N] (IRN's {@code default_src_indices}). */
    public int[] sources() {
        int[] out = new int[numSources()];
        for (int s = 0; s < out.length; s++) {
            out[s] = source(s);
        }
        return out;
    }

    /** Destination pixel indices [D * N] in pair order (IRN's {@code default_dst_indices}). */
    public int[] destinations() {
        int n = numSources();
        int[] out = new int[numPairs()];
        for (int d = 0; d < numDirections(); d++) {
            for (int s = 0; s < n; s++) {
                out[d * n + s] = pathCell(d, 0, s);
            }
        }
        return out;
    }

    /**
     * The path cells of direction d for every source, as [L, N] flattened (cell l of source s at
     * l * N + s; l = 0 is the destination, l = L-1 the source): the layout of one entry of IRN's
     * {@code default_path_indices} for that direction, ready for a gather + max over L.
     */
    public int[] pathCellIndices(int d) {
        int n = numSources();
        int len = index.pathLength(d);
        int[] out = new int[len * n];
        for (int l = 0; l < len; l++) {
            for (int s = 0; s < n; s++) {
                out[l * n + s] = pathCell(d, l, s);
            }
        }
        return out;
    }
}
