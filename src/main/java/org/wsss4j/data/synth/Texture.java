package org.wsss4j.data.synth;

/**
 * One drawn texture: a pattern family, its two colours, orientation, period and phase. Class
 * textures are a {@link ClassStyle}'s nominal texture with a small per-object jitter.
 *
 * @param angleDeg orientation of the pattern's u axis in the image
 * @param period   pattern period in pixels
 * @param light    RGB of weight 0, {@code dark} RGB of weight 1
 */
public record Texture(TextureFamily family, int[] light, int[] dark, double angleDeg,
                      double period, double phaseU, double phaseV, long noiseSeed) {

    /** Writes the RGB of pixel (x, y) into {@code rgb}; (cx, cy) is the shape's centre. */
    void colour(int x, int y, double cx, double cy, int[] rgb) {
        double px = x + 0.5, py = y + 0.5;
        double a = Math.toRadians(angleDeg);
        double c = StrictMath.cos(a), s = StrictMath.sin(a);
        double u = (px * c + py * s) / period + phaseU;
        double v = (-px * s + py * c) / period + phaseV;
        double t = family.weight(u, v, (px - cx) / period, (py - cy) / period, noiseSeed);
        for (int k = 0; k < 3; k++) {
            rgb[k] = (int) Math.round(light[k] + (dark[k] - light[k]) * t);
        }
    }
}
