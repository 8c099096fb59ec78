package org.wsss4j.cam;

import org.wsss4j.data.image.CamMaps;
import org.wsss4j.data.image.RgbImage;

/**
 * Pictures of attribution maps as the paper shows them (Fig. 4, 7): the image with a heat map of
 * one class blended over it, and several such panels side by side.
 */
public final class Overlay {
    private Overlay() {}

    /** Blends a jet-coloured map (values in [0, 1], H x W) over the image, 50/50. */
    public static RgbImage heat(RgbImage image, float[] map) {
        RgbImage out = new RgbImage(image.height, image.width);
        for (int i = 0; i < image.height * image.width; i++) {
            int[] c = jet(Math.max(0f, Math.min(1f, map[i])));
            for (int ch = 0; ch < 3; ch++) {
                int v = (image.data[3 * i + ch] & 0xFF) / 2 + c[ch] / 2;
                out.data[3 * i + ch] = (byte) v;
            }
        }
        return out;
    }

    /** The jet colour map: blue (0) - cyan - yellow - red (1). */
    static int[] jet(float v) {
        float r = clamp(1.5f - Math.abs(4 * v - 3)), g = clamp(1.5f - Math.abs(4 * v - 2)), b = clamp(1.5f - Math.abs(4 * v - 1));
        return new int[] {Math.round(255 * r), Math.round(255 * g), Math.round(255 * b)};
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    /** Panels of equal size placed left to right with a 4 px white gap. */
    public static RgbImage row(RgbImage... panels) {
        int h = panels[0].height, gap = 4;
        int w = 0;
        for (RgbImage p : panels) {
            w += p.width + gap;
        }
        w -= gap;
        RgbImage out = new RgbImage(h, w);
        java.util.Arrays.fill(out.data, (byte) 255);
        int x0 = 0;
        for (RgbImage p : panels) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(p.data, y * p.width * 3, out.data, (y * w + x0) * 3, p.width * 3);
            }
            x0 += p.width + gap;
        }
        return out;
    }

    /** The high-resolution map of class index {@code k} (position in keys) of {@code maps}. */
    public static float[] classMap(CamMaps maps, int k) {
        int plane = maps.height() * maps.width();
        return java.util.Arrays.copyOfRange(maps.highRes(), k * plane, (k + 1) * plane);
    }
}
