package org.wsss4j.cam;

import org.wsss4j.data.image.CamMaps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.data.image.MapResize;

class ScaleFusionTest {
    @TempDir
    Path dir;

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 3;
        }
        return a;
    }

    @Test
    void sizesForOddImagesAndPerClassMaxOne() {
        // 37 x 50 image: strided ceil(37/4) x ceil(50/4) = 10 x 13; high_res via 48 x 64, cropped to 37 x 50
        ScaleFusion f = new ScaleFusion(37, 50, 2);
        f.add(random(2 * 3 * 4, 1), 3, 4);
        f.add(random(2 * 2 * 2, 2), 2, 2);
        CamMaps m = f.finish(new int[] {4, 11});
        assertEquals(10, m.stridedHeight());
        assertEquals(13, m.stridedWidth());
        assertEquals(37, m.height());
        assertEquals(50, m.width());
        for (int c = 0; c < 2; c++) {
            float maxS = 0, maxH = 0;
            for (int i = 0; i < 130; i++) {
                maxS = Math.max(maxS, m.strided()[c * 130 + i]);
            }
            for (int i = 0; i < 37 * 50; i++) {
                maxH = Math.max(maxH, m.highRes()[c * 37 * 50 + i]);
            }
            assertEquals(1.0, maxS, 1e-5);
            assertEquals(1.0, maxH, 1e-5);
        }
    }

    @Test
    void highResIsTheTopLeftCropOfThe16AlignedUpsampling() {
        // one scale: high_res = bilinear(map -> 48 x 64)[:37, :50] / max of that crop
        float[] map = random(3 * 4, 5);
        ScaleFusion f = new ScaleFusion(37, 50, 1);
        f.add(map, 3, 4);
        CamMaps m = f.finish(new int[] {0});
        float[] up = MapResize.bilinear(map, 1, 3, 4, 48, 64, false);
        float max = 0;
        for (int y = 0; y < 37; y++) {
            for (int x = 0; x < 50; x++) {
                max = Math.max(max, up[y * 64 + x]);
            }
        }
        for (int y = 0; y < 37; y += 6) {
            for (int x = 0; x < 50; x += 7) {
                assertEquals(up[y * 64 + x] / (max + 1e-5f), m.highRes()[y * 50 + x], 1e-6);
            }
        }
    }

    @Test
    void npzRoundTrip() {
        ScaleFusion f = new ScaleFusion(9, 7, 2);
        f.add(random(2 * 3 * 2, 3), 3, 2);
        CamMaps m = f.finish(new int[] {1, 19});
        Path file = dir.resolve("x.npz");
        m.save(file);
        CamMaps back = CamMaps.load(file);
        assertArrayEquals(m.keys(), back.keys());
        assertArrayEquals(m.strided(), back.strided());
        assertArrayEquals(m.highRes(), back.highRes());
        assertEquals(3, back.stridedHeight());
        assertEquals(2, back.stridedWidth());
    }
}
