package org.wsss4j.data.synth;

import org.wsss4j.data.VocClasses;

/**
 * The appearance of one class: its badge (the strong cue: a unique glyph on a class colour) and
 * the nominal body texture (the weak cue). Textures are arranged in a ring so each class shares
 * its pattern family with one neighbour and its hue with the other neighbour:
 * <pre>
 *   family(c) = CLASS_FAMILIES[(c / 2) mod 5]       classes 2j, 2j+1 share a pattern
 *   hue(c)    = ((c + 1) / 2 mod G) * 360 / G        classes 2j-1, 2j share a hue, G = ceil(K/2)
 * </pre>
 * so only the combination (pattern, hue) - plus orientation and period - identifies a class from
 * its body. Within a family the two classes also differ in orientation (by half the pattern's
 * symmetry angle, so a horizontal flip cannot map one onto the other) and in period.
 *
 * @param classIndex  VOC classifier index (segmentation label {@code classIndex + 1})
 * @param angleDeg    nominal texture orientation
 * @param period128   nominal texture period in pixels at a 128 px image (scaled with the size)
 * @param badgeRgb    fill of the badge; the glyph is white on it
 */
public record ClassStyle(int classIndex, String name, TextureFamily family, double hueDeg,
                         double angleDeg, double period128, int[] badgeRgb) {

    /** The styles of the first {@code k} VOC classes. */
    public static ClassStyle[] forClasses(int k) {
        ClassStyle[] styles = new ClassStyle[k];
        int hueGroups = (k + 1) / 2;
        for (int c = 0; c < k; c++) {
            TextureFamily family = TextureFamily.CLASS_FAMILIES[(c / 2) % TextureFamily.CLASS_FAMILIES.length];
            double hue = ((c + 1) / 2 % hueGroups) * 360.0 / hueGroups;
            double quarter = family.symmetryDeg() / 2;
            double angle = (c % 2 == 1 ? quarter : 0) + (c >= 10 ? quarter / 2 : 0);
            boolean fine = (c % 2 == 0) == (c < 10);
            double period = fine ? 9 : 12;
            // Badge colours are spread evenly round the hue circle, offset from the body hues.
            double badgeHue = c * 360.0 / k + 15;
            int[] badge = Hsv.toRgb(badgeHue, 0.9, 0.75);
            styles[c] = new ClassStyle(c, VocClasses.NAMES.get(c), family, hue, angle, period, badge);
        }
        return styles;
    }
}
