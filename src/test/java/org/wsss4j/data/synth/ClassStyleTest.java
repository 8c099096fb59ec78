package org.wsss4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassStyleTest {

    @Test
    void tenClassesFormTheDocumentedRing() {
        ClassStyle[] s = ClassStyle.forClasses(10);
        // Worked out from the README's table: G = 5 hue groups 72 degrees apart.
        double[] hues = {0, 72, 72, 144, 144, 216, 216, 288, 288, 0};
        TextureFamily[] families = {
            TextureFamily.STRIPES, TextureFamily.STRIPES, TextureFamily.CHECKS, TextureFamily.CHECKS,
            TextureFamily.DOTS, TextureFamily.DOTS, TextureFamily.WAVES, TextureFamily.WAVES,
            TextureFamily.GRID, TextureFamily.GRID};
        for (int c = 0; c < 10; c++) {
            assertEquals(hues[c], s[c].hueDeg(), 1e-12, "hue of " + c);
            assertEquals(families[c], s[c].family(), "family of " + c);
        }
        assertEquals("aeroplane", s[0].name());
        assertEquals("cow", s[9].name());
    }

    @Test
    void everyClassSharesOneCueWithEachNeighbourButIsUniqueInBoth() {
        for (int k : new int[] {10, 20}) {
            ClassStyle[] s = ClassStyle.forClasses(k);
            Set<String> combos = new HashSet<>();
            for (int c = 0; c < k; c++) {
                assertTrue(combos.add(s[c].family() + "/" + s[c].hueDeg()), "K=" + k + " class " + c);
                int next = (c + 1) % k;
                boolean sameFamily = s[c].family() == s[next].family();
                boolean sameHue = s[c].hueDeg() == s[next].hueDeg();
                // Neighbours on the ring share exactly one of pattern and hue.
                assertTrue(sameFamily ^ sameHue, "K=" + k + " classes " + c + "," + next);
                assertFalse(s[c].family().distractorOnly);
            }
        }
    }

    @Test
    void pairPartnersDifferInOrientationEvenAfterAFlip() {
        ClassStyle[] s = ClassStyle.forClasses(20);
        for (int a = 0; a < 20; a++) {
            // A horizontal flip maps angle t to -t; modulo the pattern's symmetry the partner
            // (2j <-> 2j+1) must not land on the same orientation.
            int partner = a ^ 1;
            double sym = s[a].family().symmetryDeg();
            double flipped = ((-s[a].angleDeg()) % sym + sym) % sym;
            double other = (s[partner].angleDeg() % sym + sym) % sym;
            assertNotEquals(other, flipped, 1e-9, "flip of class " + a + " vs " + partner);
        }
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
