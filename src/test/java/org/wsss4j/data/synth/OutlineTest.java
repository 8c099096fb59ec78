package org.wsss4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OutlineTest {

    @Test
    void ellipseRotatedAQuarterTurnHasItsLongAxisVertical() {
        Outline e = new Outline.Ellipse(10, 10, 5, 2, Math.PI / 2);
        assertTrue(e.contains(10, 14.9));
        assertFalse(e.contains(10, 15.1));
        assertTrue(e.contains(11.9, 10));
        assertFalse(e.contains(12.1, 10));
        assertEquals(5, e.reach(), 0);
    }

    @Test
    void polygonIsTheUnitSquare() {
        Outline p = new Outline.Polygon(0.5, 0.5, new double[] {0, 1, 1, 0}, new double[] {0, 0, 1, 1});
        assertTrue(p.contains(0.5, 0.5));
        assertTrue(p.contains(0.99, 0.01));
        assertFalse(p.contains(1.01, 0.5));
        assertFalse(p.contains(0.5, -0.01));
        assertEquals(Math.sqrt(0.5), p.reach(), 1e-12);
    }

    @Test
    void blobRadiusFollowsItsHarmonic() {
        // r(phi) = 10 (1 + 0.2 cos(2 phi)): 12 at phi = 0 and pi, 8 at phi = pi/2, 10 at pi/4.
        Outline b = new Outline.Blob(0, 0, 10, 1, 0, new double[] {0.2, 0, 0}, new double[] {0, 0, 0});
        assertTrue(b.contains(11.9, 0));
        assertFalse(b.contains(12.1, 0));
        assertTrue(b.contains(-11.9, 0));
        assertTrue(b.contains(0, 7.9));
        assertFalse(b.contains(0, 8.1));
        double d = 9.9 / Math.sqrt(2), e = 10.1 / Math.sqrt(2);
        assertTrue(b.contains(d, d));
        assertFalse(b.contains(e, e));
        assertEquals(12, b.reach(), 1e-12);
    }

    @Test
    void blobThirdHarmonicWithPhase() {
        // Harmonic index 1 is cos(3 phi + phase); phase pi makes it -cos(3 phi):
        // r(0) = 10 (1 - 0.1) = 9, r(pi/3) = 10 (1 + 0.1) = 11.
        Outline b = new Outline.Blob(0, 0, 10, 1, 0, new double[] {0, 0.1, 0}, new double[] {0, Math.PI, 0});
        assertTrue(b.contains(8.9, 0));
        assertFalse(b.contains(9.1, 0));
        double c = Math.cos(Math.PI / 3), s = Math.sin(Math.PI / 3);
        assertTrue(b.contains(10.9 * c, 10.9 * s));
        assertFalse(b.contains(11.1 * c, 11.1 * s));
    }
}
