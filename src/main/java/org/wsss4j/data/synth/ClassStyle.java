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
 * its body. The two classes of a pair (2j, 2j+1) also differ in period and in orientation, chosen
 * so that a horizontal flip (a training augmentation) cannot map one onto the other.
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
            // A flip maps angle a to -a (mod the symmetry S): 0 and S/2 map to themselves and
            // S/4 to 3S/4, so the pairs {0, S/2} and {S/4, S/2} stay apart after a flip.
            double sym = family.symmetryDeg();
            double angle = c % 2 == 1 ? sym / 2 : c >= 10 ? sym / 4 : 0;
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
