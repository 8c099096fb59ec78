package org.wsss4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.wsss4j.data.image.Normalize;
import org.wsss4j.data.image.PilResize;
import org.wsss4j.data.image.RgbImage;

class ClassifierAugmentationTest {

    private static RgbImage pattern(int h, int w) {
        RgbImage img = new RgbImage(h, w);
        for (int i = 0; i < img.data.length; i++) {
            img.data[i] = (byte) ((i * 37) % 251);
        }
        return img;
    }

    @Test
    void smallImageIsResizedThenPlacedInAZeroFilledContainer() {
        // Long side fixed at 20: a 10x8 image becomes 20x16 (scale 2), inside a 24x24 container.
        ClassifierAugmentation aug = new ClassifierAugmentation(20, 20, 24);
        RgbImage img = pattern(10, 8);
        float[] out = aug.apply(img, new SplittableRandom(3));
        assertEquals(3 * 24 * 24, out.length);
        float[] resized = Normalize.imagenet(PilResize.bicubic(img, 20, 16));
        int nonZero = 0;
        for (float v : out) {
            if (v != 0f) {
                nonZero++;
            }
        }
        int resizedNonZero = 0;
        for (float v : resized) {
            if (v != 0f) {
                resizedNonZero++;
            }
        }
        // every resized value lands somewhere in the container; all else is fill
        assertEquals(resizedNonZero, nonZero);
        double sumOut = 0, sumResized = 0;
        for (float v : out) {
            sumOut += v;
        }
        for (float v : resized) {
            sumResized += v;
        }
        assertEquals(sumResized, sumOut, 1e-3);
    }

    @Test
    void validationIsTheTopLeftCropOfTheNormalisedImage() {
        ClassifierAugmentation aug = new ClassifierAugmentation(20, 20, 4);
        RgbImage img = pattern(6, 5);
        float[] out = aug.applyValidation(img);
        float[] norm = Normalize.imagenet(img);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals(norm[(c * 6 + y) * 5 + x], out[(c * 4 + y) * 4 + x], 0f);
                }
            }
        }
    }

    @Test
    void scaledPresetKeepsTheReferenceRatios() {
        ClassifierAugmentation s = ClassifierAugmentation.scaledTo(125);
        assertEquals(80, s.resizeLongMin());
        assertEquals(160, s.resizeLongMax());
        assertEquals(128, s.crop());
    }
}
