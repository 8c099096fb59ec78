package org.wsss4j.refine;

import org.wsss4j.data.image.LabelMap;

/**
 * Which pixel pairs supervise IRN's affinities (spec 6.3; IRN paper Sec. 3.3), in pair order
 * (see {@link PathPairs}). A pair is valid when both labels are below 21 (so 255 = ignore drops
 * it); positive when valid and equal, split into background (label 0) and foreground (label &gt; 0)
 * positives; negative when valid and different.
 */
public record AffinityLabels(PathPairs pairs, boolean[] bgPos, boolean[] fgPos, boolean[] neg) {

    /** Labels at or above this value are not classes (IRN's hard-coded 21). */
    public static final int NUM_CLASSES = 21;

    public AffinityLabels {
        int p = pairs.numPairs();
        if (bgPos.length != p || fgPos.length != p || neg.length != p) {
            throw new IllegalArgumentException("affinity label arrays need " + p + " entries");
        }
    }

    /**
     * @param reduced the IR label map already at the pair map's size (for training: the 512 crop's
     *                label reduced by {@link #reduceQuarter}, 128 x 128)
     */
    public static AffinityLabels of(LabelMap reduced, PathPairs pairs) {
        if (reduced.height != pairs.height() || reduced.width != pairs.width()) {
            throw new IllegalArgumentException("label map " + reduced.height + "x" + reduced.width
                    + " does not match the pair map " + pairs.height() + "x" + pairs.width());
        }
        int n = pairs.numSources(), total = pairs.numPairs();
        boolean[] bg = new boolean[total], fg = new boolean[total], ng = new boolean[total];
        for (int d = 0; d < pairs.numDirections(); d++) {
            for (int s = 0; s < n; s++) {
                int from = reduced.data[pairs.source(s)] & 0xFF;
                int to = reduced.data[pairs.pathCell(d, 0, s)] & 0xFF;
                if (from >= NUM_CLASSES || to >= NUM_CLASSES) {
                    continue;
                }
                int p = d * n + s;
                if (from == to) {
                    bg[p] = from == 0;
                    fg[p] = from > 0;
                } else {
                    ng[p] = true;
                }
            }
        }
        return new AffinityLabels(pairs, bg, fg, ng);
    }

    /**
     * The x0.25 label reduction of IRN's affinity dataset: OpenCV {@code cv2.resize(label, None,
     * fx=0.25, fy=0.25, interpolation=INTER_NEAREST)}. OpenCV sizes the output round(size * 0.25)
     * (half to even) and reads source {@code min(floor(o * 4), size - 1)}, i.e. the top-left pixel
     * of each 4 x 4 block, unlike Pillow's nearest ({@code 4o + 2}, see LabelResize).
     */
    public static LabelMap reduceQuarter(LabelMap label) {
        int outH = (int) Math.rint(label.height * 0.25), outW = (int) Math.rint(label.width * 0.25);
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("label map " + label.height + "x" + label.width
                    + " is too small to reduce x0.25");
        }
        byte[] out = new byte[outH * outW];
        for (int y = 0; y < outH; y++) {
            int sy = Math.min(4 * y, label.height - 1);
            for (int x = 0; x < outW; x++) {
                out[y * outW + x] = label.data[sy * label.width + Math.min(4 * x, label.width - 1)];
            }
        }
        return new LabelMap(outH, outW, out);
    }

    public int countBgPos() {
        return count(bgPos);
    }

    public int countFgPos() {
        return count(fgPos);
    }

    public int countNeg() {
        return count(neg);
    }

    private static int count(boolean[] mask) {
        int c = 0;
        for (boolean b : mask) {
            if (b) {
                c++;
            }
        }
        return c;
    }
}
