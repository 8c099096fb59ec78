package org.wsss4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.wsss4j.BadInputException;

class BodyFidelityTest {

    /**
     * The class whose nominal texture a body wears: with 10 classes each pattern family belongs to
     * one pair of classes, and the pair's periods (9 and 12 px, jittered by 0.9-1.1) do not overlap.
     */
    static int textureClass(Texture t, ClassStyle[] styles) {
        int found = -1;
        for (ClassStyle s : styles) {
            double ratio = t.period() / s.period128();
            if (s.family() == t.family() && ratio >= 0.9 - 1e-9 && ratio <= 1.1 + 1e-9) {
                assertEquals(-1, found, "two classes fit texture " + t);
                found = s.classIndex();
            }
        }
        assertTrue(found >= 0, "no class fits texture " + t);
        return found;
    }

    @Test
    void aboutQOfBodiesWearTheirClassTextureAndTheLayoutStays() {
        ShapesConfig own = ShapesConfig.defaults().withImages(200).withSeed(5).withBodyFidelity(1);
        ShapesDataset a = new ShapesDataset(own), b = new ShapesDataset(own.withBodyFidelity(0.5));
        ClassStyle[] styles = ClassStyle.forClasses(10);
        int objects = 0, kept = 0;
        for (int i = 0; i < 200; i++) {
            Scene sa = a.scene(i), sb = b.scene(i);
            assertArrayEquals(sa.owners(), sb.owners(), "image " + i);
            for (int k = 0; k < sa.objects().size(); k++) {
                SceneObject oa = sa.objects().get(k), ob = sb.objects().get(k);
                assertEquals(oa.classIndex(), ob.classIndex());
                assertEquals(oa.badgeX(), ob.badgeX());
                assertEquals(oa.badgeShown(), ob.badgeShown());
                // fidelity 1: every body is its class's
                assertEquals(oa.classIndex(), textureClass(oa.texture(), styles));
                objects++;
                if (textureClass(ob.texture(), styles) == ob.classIndex()) {
                    // a kept body is the very texture of the fidelity-1 dataset (the layout stream's)
                    assertEquals(oa.texture().period(), ob.texture().period());
                    assertEquals(oa.texture().phaseU(), ob.texture().phaseU());
                    kept++;
                }
            }
        }
        // binomial(n ~ 300, 0.5): the standard deviation of the fraction is about 0.029; allow 3.5
        double fraction = kept / (double) objects;
        assertTrue(objects > 250, "objects " + objects);
        assertTrue(Math.abs(fraction - 0.5) < 3.5 * Math.sqrt(0.25 / objects), "kept " + fraction);
    }

    @Test
    void fidelityZeroGivesEveryBodyAnotherClassesTexture() {
        ShapesDataset ds = new ShapesDataset(ShapesConfig.defaults().withImages(80).withBodyFidelity(0));
        ClassStyle[] styles = ClassStyle.forClasses(10);
        int[] worn = new int[10];
        for (int i = 0; i < 80; i++) {
            for (SceneObject o : ds.scene(i).objects()) {
                int t = textureClass(o.texture(), styles);
                assertNotEquals(o.classIndex(), t);
                worn[t]++;
            }
        }
        for (int c = 0; c < 10; c++) {
            assertTrue(worn[c] > 0, "no body wears class " + c + "'s texture");
        }
    }

    @Test
    void badgeCellSetsTheBadgeSideAndMustFit() {
        ShapesDataset ds = new ShapesDataset(ShapesConfig.defaults().withImages(12).withBadgeCell(2));
        for (int i = 0; i < 12; i++) {
            for (SceneObject o : ds.scene(i).objects()) {
                assertEquals(14, o.badgeSide());
            }
        }
        // automatic: round(size / 32)
        assertEquals(4, ShapesConfig.defaults().badgeCellPx());
        assertEquals(8, ShapesConfig.defaults().withSize(256).badgeCellPx());
        assertEquals(2, ShapesConfig.defaults().withSize(64).badgeCellPx());
        // 9 px cells: a 63 px badge plus margins (81 px) is more than half of 128 px
        assertThrows(BadInputException.class, () -> ShapesConfig.defaults().withBadgeCell(9));
        assertThrows(BadInputException.class, () -> ShapesConfig.defaults().withBodyFidelity(1.5));
    }

    @Test
    void bodyContrastPullsBothColoursHalfwayToTheirMeanAndChangesNothingElse() {
        ShapesConfig full = ShapesConfig.defaults().withImages(40).withSeed(3);
        ShapesDataset a = new ShapesDataset(full), b = new ShapesDataset(full.withBodyContrast(0.5));
        int objects = 0;
        for (int i = 0; i < 40; i++) {
            Scene sa = a.scene(i), sb = b.scene(i);
            assertArrayEquals(sa.owners(), sb.owners(), "image " + i);
            for (int k = 0; k < sa.objects().size(); k++) {
                Texture ta = sa.objects().get(k).texture(), tb = sb.objects().get(k).texture();
                assertEquals(sa.objects().get(k).badgeX(), sb.objects().get(k).badgeX());
                assertEquals(ta.period(), tb.period());
                assertEquals(ta.angleDeg(), tb.angleDeg());
                for (int ch = 0; ch < 3; ch++) {
                    // each colour moves to mean + 0.5 (colour - mean), rounded to an integer
                    double mid = (ta.light()[ch] + ta.dark()[ch]) / 2.0;
                    assertEquals(mid + 0.5 * (ta.light()[ch] - mid), tb.light()[ch], 0.5 + 1e-9);
                    assertEquals(mid + 0.5 * (ta.dark()[ch] - mid), tb.dark()[ch], 0.5 + 1e-9);
                }
                objects++;
            }
        }
        assertTrue(objects > 40, "objects " + objects);
        assertThrows(BadInputException.class, () -> ShapesConfig.defaults().withBodyContrast(0));
        assertThrows(BadInputException.class, () -> ShapesConfig.defaults().withBodyContrast(1.2));
    }
}
