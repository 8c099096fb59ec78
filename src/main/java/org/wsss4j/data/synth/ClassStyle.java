package org.wsss4j.data.synth;

import org.wsss4j.data.VocClasses;

/**
 * The appearance of one class: its badge (the strong cue: a unique glyph on a class colour) and
 * the nominal body texture (the weak cue). Classes come in twin pairs (2j, 2j+1) whose bodies share
 * pattern family, hue and orientation and differ only in period (10 vs 12 px at 128 px, each
 * object jittered by x0.9-1.1, so the two ranges nearly touch):
 * <pre>
 *   family(c) = CLASS_FAMILIES[(c / 2) mod 5]
 *   hue(c)    = (c / 2) * 360 / P,   P = ceil(K / 2) pairs
 * </pre>
 * A body therefore names its pair for sure but its class only weakly; the badge names the class.
 * Why: with every body unique in (pattern, hue) - the first design - a classifier trained from
 * scratch used the body as much as the badge (its CAM was 0.72 of the peak on the body and 0.81 on
 * the badge, best seed threshold 0.60), so the CAM already covered whole objects and AdvCAM had no
 * weaker evidence left to bring out (datasets/shapes/README.md).
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
        int pairs = (k + 1) / 2;
        for (int c = 0; c < k; c++) {
            int pair = c / 2;
            TextureFamily family = TextureFamily.CLASS_FAMILIES[pair % TextureFamily.CLASS_FAMILIES.length];
            double hue = pair * 360.0 / pairs;
            // Twins share the orientation; pairs 5..9 (K > 10) repeat the families of pairs 0..4
            // at a quarter of the pattern's symmetry angle (their hues differ anyway).
            double angle = pair >= TextureFamily.CLASS_FAMILIES.length ? family.symmetryDeg() / 4 : 0;
            double period = c % 2 == 0 ? 10 : 12;
            // Badge colours are spread evenly round the hue circle, offset from the body hues.
            double badgeHue = c * 360.0 / k + 15;
            int[] badge = Hsv.toRgb(badgeHue, 0.9, 0.75);
            styles[c] = new ClassStyle(c, VocClasses.NAMES.get(c), family, hue, angle, period, badge);
        }
        return styles;
    }
}
