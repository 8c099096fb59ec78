package org.wsss4j.crf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.wsss4j.data.image.RgbImage;

class CrfParamsTest {

    @Test
    void presetsAreTheReferenceSettings() {
        // spec 5: gaussian sxy 3 compat 3, bilateral sxy 50 srgb 5 compat 10, 10 iterations, 0.7.
        assertEquals(new CrfParams(3, 3, 50, 5, 10, 10), CrfParams.IR_LABELS);
        assertEquals(0.7, CrfParams.IR_LABELS_GT_PROB);
        // spec 8: gaussian sxy 1 compat 3, bilateral sxy 67 srgb 3 compat 4, 10 iterations, 1e-5.
        assertEquals(new CrfParams(1, 3, 67, 3, 4, 10), CrfParams.DEEPLAB);
        assertEquals(1e-5f, CrfParams.DEEPLAB_CLIP);
    }

    @Test
    void refineSoftmaxIsTheDenseCrfOnClippedLogUnaries() {
        Lcg g = new Lcg(3);
        int h = 8;
        int w = 9;
        RgbImage image = new RgbImage(h, w);
        for (int i = 0; i < image.data.length; i++) {
            image.data[i] = (byte) g.next();
        }
        float[] probs = new float[3 * h * w];
        for (int i = 0; i < h * w; i++) {
            float a = g.uniform();
            float b = g.uniform() * (1 - a);
            probs[i] = a;
            probs[h * w + i] = b;
            probs[2 * h * w + i] = i % 5 == 0 ? 0f : 1 - a - b;
        }
        DenseCrf crf = new DenseCrf(h, w, 3);
        float[] unary = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            unary[i] = (float) -Math.log(Math.max(probs[i], 1e-5f));
        }
        crf.setUnary(unary);
        crf.addPairwiseGaussian(1, 3);
        crf.addPairwiseBilateral(67, 3, image, 4);
        assertArrayEquals(crf.map(10), CrfParams.DEEPLAB.refineSoftmax(image, probs, 3));
    }
}
