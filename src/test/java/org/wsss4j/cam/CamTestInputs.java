package org.wsss4j.cam;

import java.util.Random;
import org.wsss4j.data.image.RgbImage;

/** Inputs the attribution-map tests share: seeded random images and multi-hot labels. */
final class CamTestInputs {
    private CamTestInputs() {}

    /** An h x w image of uniform random bytes from {@code seed}. */
    static RgbImage randomImage(int h, int w, long seed) {
        RgbImage img = new RgbImage(h, w);
        new Random(seed).nextBytes(img.data);
        return img;
    }

    /** Multi-hot labels over VOC's 20 classes with {@code classes} present. */
    static float[] labels(int... classes) {
        float[] l = new float[20];
        for (int c : classes) {
            l[c] = 1;
        }
        return l;
    }
}
