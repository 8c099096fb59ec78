package org.wsss4j.data.synth;

/** HSV to 8-bit RGB (hue in degrees, saturation and value in [0, 1]). */
final class Hsv {
    private Hsv() {}

    static int[] toRgb(double hueDeg, double s, double v) {
        double h = ((hueDeg % 360) + 360) % 360 / 60;
        s = clamp01(s);
        v = clamp01(v);
        int sector = (int) Math.floor(h);
        double f = h - sector;
        double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        double r, g, b;
        switch (sector % 6) {
            case 0 -> { r = v; g = t; b = p; }
            case 1 -> { r = q; g = v; b = p; }
            case 2 -> { r = p; g = v; b = t; }
            case 3 -> { r = p; g = q; b = v; }
            case 4 -> { r = t; g = p; b = v; }
            default -> { r = v; g = p; b = q; }
        }
        return new int[] {(int) Math.round(r * 255), (int) Math.round(g * 255), (int) Math.round(b * 255)};
    }

    static double clamp01(double x) {
        return x < 0 ? 0 : x > 1 ? 1 : x;
    }
}
