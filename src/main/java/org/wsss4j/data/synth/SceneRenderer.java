package org.wsss4j.data.synth;

import java.util.Random;
import org.wsss4j.data.VocClasses;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.RgbImage;

/** Paints a {@link Scene} into an RGB image and its ground-truth label map. */
final class SceneRenderer {
    /** Pixel noise per channel: the sum of two uniform integers in [-2, 2] (range +-4, sd 2). */
    static final int NOISE_HALF_WIDTH = 2;
    static final int[] BADGE_FRAME = {24, 24, 24};
    static final int[] GLYPH = {255, 255, 255};

    private SceneRenderer() {}

    static RgbImage image(Scene scene, long seed, ClassStyle[] styles) {
        int size = scene.size();
        RgbImage img = new RgbImage(size, size);
        int[] rgb = new int[3];
        Scene.Background bg = scene.background();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double px = x + 0.5, py = y + 0.5;
                double t = 0.55 * ValueNoise.at(bg.noiseSeed(), px / bg.coarse(), py / bg.coarse())
                        + 0.25 * ValueNoise.at(~bg.noiseSeed(), px / bg.fine(), py / bg.fine())
                        + 0.2 * ValueNoise.at(bg.noiseSeed() + 1, px / bg.grain(), py / bg.grain());
                for (int c = 0; c < 3; c++) {
                    img.set(y, x, c, (int) Math.round(bg.colourA()[c] + (bg.colourB()[c] - bg.colourA()[c]) * t));
                }
            }
        }
        for (Scene.Distractor d : scene.distractors()) {
            Outline o = d.outline();
            int[] b = ShapeRaster.clippedBox(o, size);
            for (int y = b[1]; y < b[3]; y++) {
                for (int x = b[0]; x < b[2]; x++) {
                    if (o.contains(x + 0.5, y + 0.5)) {
                        d.texture().colour(x, y, o.centreX(), o.centreY(), rgb);
                        put(img, y, x, rgb);
                    }
                }
            }
        }
        int[] owner = scene.owners();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = owner[y * size + x];
                if (i >= 0) {
                    SceneObject o = scene.objects().get(i);
                    o.texture().colour(x, y, o.outline().centreX(), o.outline().centreY(), rgb);
                    put(img, y, x, rgb);
                }
            }
        }
        // Badges last: no later object covers a badge (SceneSampler), so this equals painting
        // each badge with its object.
        for (SceneObject o : scene.objects()) {
            if (o.badgeShown()) {
                paintBadge(img, o, styles[o.classIndex()].badgeRgb());
            }
        }
        Random noise = Seeds.stream(seed, scene.index(), Seeds.PIXEL_NOISE);
        int span = 2 * NOISE_HALF_WIDTH + 1;
        for (int i = 0; i < img.data.length; i++) {
            int n = noise.nextInt(span) + noise.nextInt(span) - 2 * NOISE_HALF_WIDTH;
            int v = (img.data[i] & 0xFF) + n;
            img.data[i] = (byte) (v < 0 ? 0 : Math.min(v, 255));
        }
        return img;
    }

    /**
     * The label map: {@code class + 1} where an object is on top, 0 elsewhere, and 255 (ignore) on
     * a one-pixel band along each object's visible outline - its pixels that touch (4-neighbour)
     * background or an object beneath. VOC marks object boundaries the same way (about 5 px wide
     * there); here it covers the pixels that JPEG and edge aliasing mix with their neighbours.
     */
    static LabelMap labels(Scene scene) {
        int size = scene.size();
        int[] owner = scene.owners();
        LabelMap labels = new LabelMap(size, size);
        int[][] steps = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int me = owner[y * size + x];
                if (me < 0) {
                    continue;
                }
                boolean edge = false;
                for (int[] s : steps) {
                    int nx = x + s[0], ny = y + s[1];
                    if (nx >= 0 && ny >= 0 && nx < size && ny < size && owner[ny * size + nx] < me) {
                        edge = true;
                    }
                }
                labels.set(y, x, edge ? VocClasses.IGNORE : scene.objects().get(me).label());
            }
        }
        return labels;
    }

    /** A badge: a dark one-pixel frame, the class colour, the class glyph in white (5x5 cells). */
    private static void paintBadge(RgbImage img, SceneObject o, int[] fill) {
        int side = o.badgeSide(), cell = side / 7;
        for (int dy = 0; dy < side; dy++) {
            for (int dx = 0; dx < side; dx++) {
                int[] rgb;
                if (dx == 0 || dy == 0 || dx == side - 1 || dy == side - 1) {
                    rgb = BADGE_FRAME;
                } else {
                    int row = dy / cell - 1, col = dx / cell - 1;
                    boolean glyph = row >= 0 && row < Glyphs.CELLS && col >= 0 && col < Glyphs.CELLS
                            && Glyphs.on(o.classIndex(), row, col);
                    rgb = glyph ? GLYPH : fill;
                }
                put(img, o.badgeY() + dy, o.badgeX() + dx, rgb);
            }
        }
    }

    private static void put(RgbImage img, int y, int x, int[] rgb) {
        for (int c = 0; c < 3; c++) {
            img.set(y, x, c, rgb[c]);
        }
    }
}
