package org.wsss4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BadgeOptionsTest {

    @Test
    void noBadgesKeepsMasksAndChangesOnlyBadgePixels() {
        ShapesConfig with = ShapesConfig.defaults().withImages(12).withSeed(3).withBadgeDropout(0);
        ShapesDataset a = new ShapesDataset(with), b = new ShapesDataset(with.withBadges(false));
        int badgesSeen = 0;
        for (int i = 0; i < 12; i++) {
            RenderedScene ra = a.render(i), rb = b.render(i);
            assertArrayEquals(ra.labels().data, rb.labels().data, "mask " + i);
            List<SceneObject> objects = ra.scene().objects();
            assertArrayEquals(ra.scene().owners(), rb.scene().owners());
            int[] changedPerObject = new int[objects.size()];
            for (int y = 0; y < 128; y++) {
                for (int x = 0; x < 128; x++) {
                    boolean same = true;
                    for (int c = 0; c < 3; c++) {
                        same &= ra.image().get(y, x, c) == rb.image().get(y, x, c);
                    }
                    if (same) {
                        continue;
                    }
                    int in = -1;
                    for (int k = 0; k < objects.size(); k++) {
                        if (objects.get(k).inBadge(x, y)) {
                            in = k;
                        }
                    }
                    assertTrue(in >= 0, "image " + i + " differs outside badges at " + x + "," + y);
                    changedPerObject[in]++;
                }
            }
            for (int k = 0; k < objects.size(); k++) {
                assertTrue(objects.get(k).badgeShown());
                assertFalse(rb.scene().objects().get(k).badgeShown());
                // Blanking a badge must change a good part of its square (28 x 28 px by default).
                int side = objects.get(k).badgeSide();
                assertTrue(changedPerObject[k] > side * side / 2, "image " + i + " badge " + k);
                badgesSeen++;
            }
        }
        assertTrue(badgesSeen >= 12);
    }

    @Test
    void dropoutHitsAboutPOfTrainingObjectsAndNoOther() {
        double p = 0.3;
        ShapesConfig cfg = ShapesConfig.defaults().withImages(600).withSeed(11).withBadgeDropout(p);
        ShapesDataset ds = new ShapesDataset(cfg);
        ShapesDataset none = new ShapesDataset(cfg.withBadgeDropout(0.6));
        int train = 0, dropped = 0;
        for (int i = 0; i < 600; i++) {
            Scene s = ds.scene(i);
            Scene s2 = none.scene(i);
            assertEquals(s.objects().size(), s2.objects().size());
            for (int k = 0; k < s.objects().size(); k++) {
                SceneObject o = s.objects().get(k), o2 = s2.objects().get(k);
                // The dropout rate moves nothing: same class and badge square at any P.
                assertEquals(o.classIndex(), o2.classIndex());
                assertEquals(o.badgeX(), o2.badgeX());
                assertEquals(o.badgeY(), o2.badgeY());
                // u < P is monotone in P: whatever P = 0.3 drops, P = 0.6 drops too.
                assertTrue(o.badgeShown() || !o2.badgeShown());
                if (s.trainAug()) {
                    train++;
                    dropped += o.badgeShown() ? 0 : 1;
                } else {
                    assertTrue(o.badgeShown() && o2.badgeShown(), "val/test object without badge");
                }
            }
        }
        double fraction = dropped / (double) train;
        // About 400 scenes x 1.5 objects: n ~ 600 draws, sd sqrt(p (1 - p) / n) ~ 0.019; allow 3.5 sd.
        assertTrue(train > 500, "train objects " + train);
        assertEquals(p, fraction, 3.5 * Math.sqrt(p * (1 - p) / train), dropped + " of " + train);
    }
}
