package org.wsss4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassStyleTest {

    @Test
    void tenClassesFormTheDocumentedTwinPairs() {
        ClassStyle[] s = ClassStyle.forClasses(10);
        // Worked out from the README's table: 5 pairs, hues 360/5 = 72 degrees apart.
        double[] hues = {0, 0, 72, 72, 144, 144, 216, 216, 288, 288};
        double[] periods = {10, 12, 10, 12, 10, 12, 10, 12, 10, 12};
        TextureFamily[] families = {
            TextureFamily.STRIPES, TextureFamily.STRIPES, TextureFamily.CHECKS, TextureFamily.CHECKS,
            TextureFamily.DOTS, TextureFamily.DOTS, TextureFamily.WAVES, TextureFamily.WAVES,
            TextureFamily.GRID, TextureFamily.GRID};
        for (int c = 0; c < 10; c++) {
            assertEquals(hues[c], s[c].hueDeg(), 1e-12, "hue of " + c);
            assertEquals(periods[c], s[c].period128(), 1e-12, "period of " + c);
            assertEquals(0, s[c].angleDeg(), 1e-12, "angle of " + c);
            assertEquals(families[c], s[c].family(), "family of " + c);
        }
        assertEquals("aeroplane", s[0].name());
        assertEquals("cow", s[9].name());
    }

    @Test
    void twinsDifferOnlyInPeriodAndPairsDifferInPatternOrHue() {
        for (int k : new int[] {10, 20}) {
            ClassStyle[] s = ClassStyle.forClasses(k);
            Set<String> pairs = new HashSet<>();
            for (int c = 0; c < k; c += 2) {
                ClassStyle a = s[c], b = s[c + 1];
                assertEquals(a.family(), b.family(), "K=" + k + " twins " + c);
                assertEquals(a.hueDeg(), b.hueDeg(), 1e-12, "K=" + k + " twins " + c);
                assertEquals(a.angleDeg(), b.angleDeg(), 1e-12, "K=" + k + " twins " + c);
                // a flip keeps a texture's period, so it cannot turn one twin into the other
                assertEquals(1.2, b.period128() / a.period128(), 1e-12, "K=" + k + " twins " + c);
                assertTrue(pairs.add(a.family() + "/" + a.hueDeg()), "K=" + k + " pair " + c / 2 + " repeats");
                assertFalse(a.family().distractorOnly);
            }
        }
        // K = 20: pairs j and j + 5 share a family; their hues are 5 * 36 = 180 degrees apart
        ClassStyle[] s = ClassStyle.forClasses(20);
        assertEquals(180, s[10].hueDeg() - s[0].hueDeg(), 1e-12);
        assertEquals(s[0].family(), s[10].family());
    }

    @Test
    void glyphsDifferFromEachOtherAndFromEachOthersMirrorImages() {
        Set<String> seen = new HashSet<>();
        for (int c = 0; c < 20; c++) {
            StringBuilder plain = new StringBuilder(), mirror = new StringBuilder();
            for (int row = 0; row < Glyphs.CELLS; row++) {
                for (int col = 0; col < Glyphs.CELLS; col++) {
                    plain.append(Glyphs.on(c, row, col) ? '#' : '.');
                    mirror.append(Glyphs.on(c, row, Glyphs.CELLS - 1 - col) ? '#' : '.');
                }
            }
            assertTrue(seen.add(plain.toString()), "glyph " + c + " repeats an earlier glyph or mirror");
            if (!mirror.toString().equals(plain.toString())) {
                assertTrue(seen.add(mirror.toString()), "mirror of glyph " + c + " is another glyph");
            }
        }
    }
}
