package org.wsss4j.refine;

import java.util.Arrays;
import org.wsss4j.data.image.CamMaps;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.MapResize;

/**
 * Semantic pseudo-labels by random walk on IRN's affinities (spec 7; IRN paper Sec. 4.1,
 * AdvCAM's make_sem_seg_labels).
 *
 * <ol>
 * <li>CAM &larr; CAM^camPower (AdvCAM; 1.5).</li>
 * <li>x_k = CAM_k &#8857; (1 - edge); walked_k = x_k T^(2^expTimes) with T from
 *     {@link TransitionMatrix} (IRN's propagate_to_edge). No background map is walked.</li>
 * <li>Bilinear x4 upsampling (align_corners False), crop to the image's H x W, divide by the
 *     single maximum over all classes and pixels of the cropped maps.</li>
 * <li>Prepend a constant background plane bgThres (after the normalisation), argmax with ties
 *     going to the lower index (background first), index i &gt; 0 &rarr; label keys[i-1] + 1.</li>
 * </ol>
 *
 * <p>Where the reference would fail or produce NaN (no class present: it takes the max of an
 * empty tensor; every walked value zero: 0/0) the result here is all background.
 */
public final class RandomWalk {
    private RandomWalk() {}

    /**
     * IRN's {@code propagate_to_edge}: x_k = cams_k &#8857; (1 - edge), then x_k T^(2^expTimes).
     * The CAM power is NOT applied here (see {@link #semanticLabels}).
     *
     * @param cams  [K][h * w] strided CAMs
     * @param edge  [h * w] boundary probabilities
     * @return [K][h * w] walked maps
     */
    public static float[][] propagate(float[][] cams, float[] edge, int h, int w, RandomWalkParams params) {
        TransitionMatrix t = TransitionMatrix.fromEdge(edge, h, w, params.radius(), params.beta());
        return propagate(cams, edge, t, params.steps());
    }

    /** x_k = cams_k &#8857; (1 - edge), then {@code steps} products with T. */
    public static float[][] propagate(float[][] cams, float[] edge, TransitionMatrix t, int steps) {
        int n = t.size(), k = cams.length;
        if (edge.length != n) {
            throw new IllegalArgumentException("edge map has " + edge.length + " values, T is for "
                    + n + " pixels");
        }
        double[] x = new double[n * k];
        for (int c = 0; c < k; c++) {
            if (cams[c].length != n) {
                throw new IllegalArgumentException("CAM " + c + " has " + cams[c].length
                        + " values, expected " + n);
            }
            for (int i = 0; i < n; i++) {
                // Reference: float32 product of the CAM and (1 - edge).
                x[i * k + c] = cams[c][i] * (1f - edge[i]);
            }
        }
        double[] y = new double[n * k];
        for (int s = 0; s < steps; s++) {
            t.multiplyLeft(x, y, k);
            double[] swap = x;
            x = y;
            y = swap;
        }
        float[][] out = new float[k][n];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < n; i++) {
                out[c][i] = (float) x[i * k + c];
            }
        }
        return out;
    }

    /** The pseudo-label map of one image from its CAM file and its strided edge map. */
    public static LabelMap semanticLabels(CamMaps cams, float[] edge, RandomWalkParams params) {
        int k = cams.numKeys(), hw = cams.stridedHeight() * cams.stridedWidth();
        float[][] strided = new float[k][];
        for (int c = 0; c < k; c++) {
            strided[c] = Arrays.copyOfRange(cams.strided(), c * hw, (c + 1) * hw);
        }
        return semanticLabels(strided, cams.keys(), edge, cams.stridedHeight(), cams.stridedWidth(),
                cams.height(), cams.width(), params);
    }

    /**
     * @param cams    [K][h * w] strided CAMs, values in [0, 1] (not yet raised to camPower)
     * @param keys    [K] class indices 0..19 of the CAMs (label = key + 1)
     * @param edge    [h * w] boundary probabilities at the strided size
     * @param height  image height H (4 h &gt;= H)
     * @param width   image width W (4 w &gt;= W)
     */
    public static LabelMap semanticLabels(float[][] cams, int[] keys, float[] edge, int h, int w,
            int height, int width, RandomWalkParams params) {
        if (cams.length != keys.length) {
            throw new IllegalArgumentException(cams.length + " CAMs but " + keys.length + " keys");
        }
        if (4 * h < height || 4 * w < width) {
            throw new IllegalArgumentException("strided map " + h + "x" + w + " upsampled x4 does not"
                    + " cover the image " + height + "x" + width);
        }
        int k = cams.length, n = h * w;
        LabelMap out = new LabelMap(height, width);
        if (k == 0) {
            return out;
        }
        float[][] powered = new float[k][n];
        for (int c = 0; c < k; c++) {
            if (cams[c].length != n) {
                throw new IllegalArgumentException("CAM " + c + " has " + cams[c].length
                        + " values, expected " + n);
            }
            for (int i = 0; i < n; i++) {
                float v = cams[c][i];
                if (!(v >= 0)) {
                    throw new IllegalArgumentException("CAM " + c + " has value " + v
                            + " at pixel " + i + "; CAMs must be non-negative");
                }
                powered[c][i] = params.camPower() == 1.0 ? v : (float) Math.pow(v, params.camPower());
            }
        }
        float[][] walked = propagate(powered, edge, h, w, params);

        float[] chw = new float[k * n];
        for (int c = 0; c < k; c++) {
            System.arraycopy(walked[c], 0, chw, c * n, n);
        }
        int upH = 4 * h, upW = 4 * w;
        float[] up = MapResize.bilinear(chw, k, h, w, upH, upW, false);

        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            for (int y = 0; y < height; y++) {
                int row = c * upH * upW + y * upW;
                for (int x = 0; x < width; x++) {
                    max = Math.max(max, up[row + x]);
                }
            }
        }
        if (!(max > 0)) {
            return out;
        }
        float bg = params.bgThres();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float best = bg;
                int label = 0;
                for (int c = 0; c < k; c++) {
                    float v = up[c * upH * upW + y * upW + x] / max;
                    if (v > best) {
                        best = v;
                        label = keys[c] + 1;
                    }
                }
                out.set(y, x, label);
            }
        }
        return out;
    }
}
