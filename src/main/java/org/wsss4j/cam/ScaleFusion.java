package org.wsss4j.cam;

import org.wsss4j.data.image.CamMaps;
import org.wsss4j.data.image.MapResize;

/**
 * Sums per-scale class maps into the two resolutions the reference keeps (spec 2): the strided
 * map at (ceil(H/4), ceil(W/4)) and the high-resolution map made at 16 ceil(H/16) x 16 ceil(W/16)
 * and cropped to H x W, both by PyTorch-style bilinear resizing (align_corners False); then each
 * class is divided by its own maximum + 1e-5. Shared by CAM and AdvCAM (spec 3.2(i)).
 */
public final class ScaleFusion {
    private final int height;
    private final int width;
    private final int k;
    private final int sh;
    private final int sw;
    private final int uh;
    private final int uw;
    private final float[] strided;
    private final float[] up;

    /** Fusion for an H x W image and {@code k} class maps per scale. */
    public ScaleFusion(int height, int width, int k) {
        this.height = height;
        this.width = width;
        this.k = k;
        this.sh = (height - 1) / 4 + 1;
        this.sw = (width - 1) / 4 + 1;
        this.uh = 16 * ((height + 15) / 16);
        this.uw = 16 * ((width + 15) / 16);
        this.strided = new float[k * sh * sw];
        this.up = new float[k * uh * uw];
    }

    /** Adds one scale's maps, [k, h, w] CHW. */
    public void add(float[] maps, int h, int w) {
        float[] s = MapResize.bilinear(maps, k, h, w, sh, sw, false);
        float[] u = MapResize.bilinear(maps, k, h, w, uh, uw, false);
        for (int i = 0; i < s.length; i++) {
            strided[i] += s[i];
        }
        for (int i = 0; i < u.length; i++) {
            up[i] += u[i];
        }
    }

    /** The normalised maps, labelled with the classifier indices {@code keys} of the k channels. */
    public CamMaps finish(int[] keys) {
        if (keys.length != k) {
            throw new IllegalArgumentException(keys.length + " keys for " + k + " maps");
        }
        float[] hr = new float[k * height * width];
        for (int c = 0; c < k; c++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(up, (c * uh + y) * uw, hr, (c * height + y) * width, width);
            }
        }
        normalisePerClass(strided, k, sh * sw);
        normalisePerClass(hr, k, height * width);
        return new CamMaps(keys.clone(), strided, sh, sw, hr, height, width);
    }

    /** map_c / (max_c + 1e-5), as float32 arithmetic like the reference. */
    static void normalisePerClass(float[] maps, int k, int plane) {
        for (int c = 0; c < k; c++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < plane; i++) {
                max = Math.max(max, maps[c * plane + i]);
            }
            float d = max + 1e-5f;
            for (int i = 0; i < plane; i++) {
                maps[c * plane + i] /= d;
            }
        }
    }
}
