package org.wsss4j.cam;

import org.wsss4j.data.image.CamMaps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsss4j.cam.CamTestInputs.labels;
import static org.wsss4j.cam.CamTestInputs.randomImage;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.data.image.Flip;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.nn.ResNetSpec;

class MultiScaleCamTest {
    private static CamNetwork net;

    @BeforeAll
    static void build() {
        net = CamNetwork.build(ResNetSpec.camBackbone("resnet18", 0.125), 20, DataType.FLOAT, 3);
    }

    @Test
    void keepsPresentClassesWithShapesOfOddSizes() {
        MultiScaleCam cam = new MultiScaleCam(net, MultiScaleCam.REFERENCE_SCALES);
        CamMaps m = cam.compute(randomImage(37, 29, 1), labels(3, 14));
        assertArrayEquals(new int[] {3, 14}, m.keys());
        assertEquals(10, m.stridedHeight());
        assertEquals(8, m.stridedWidth());
        assertEquals(37, m.height());
        assertEquals(29, m.width());
        for (int c = 0; c < 2; c++) {
            float max = 0, min = Float.MAX_VALUE;
            for (int i = 0; i < 37 * 29; i++) {
                max = Math.max(max, m.highRes()[c * 37 * 29 + i]);
                min = Math.min(min, m.highRes()[c * 37 * 29 + i]);
            }
            assertEquals(1.0, max, 1e-5, "each class divided by its max + 1e-5");
            assertTrue(min >= 0, "maps are sums of ReLUs");
        }
    }

    @Test
    void flippingTheImageFlipsTheMaps() {
        // o_s(x) = ReLU(z(x)) + flip(ReLU(z(flip x))), so o_s(flip x) = flip(o_s(x)) exactly, and
        // bilinear resizing with align_corners False commutes with the flip; W = 48 is a multiple
        // of 16, so the high-res crop is symmetric too.
        MultiScaleCam cam = new MultiScaleCam(net, List.of(1.0, 0.5));
        RgbImage img = randomImage(40, 48, 2);
        CamMaps a = cam.compute(img, labels(0, 7));
        CamMaps b = cam.compute(Flip.horizontal(img), labels(0, 7));
        float[] flippedA = Flip.horizontal(a.strided(), 2, a.stridedHeight(), a.stridedWidth());
        for (int i = 0; i < flippedA.length; i++) {
            assertEquals(flippedA[i], b.strided()[i], 1e-5);
        }
        float[] flippedHr = Flip.horizontal(a.highRes(), 2, 40, 48);
        for (int i = 0; i < flippedHr.length; i++) {
            assertEquals(flippedHr[i], b.highRes()[i], 1e-5);
        }
    }

    @Test
    void flipPairFusionByHand() {
        // z: batch 2, 2 classes, 1 x 3; class 1 kept: ReLU([-1, 2, 3]) + flip(ReLU([4, -5, 6])) = [0+6, 2+0, 3+4]
        INDArray z = org.nd4j.linalg.factory.Nd4j.create(new float[] {9, 9, 9, -1, 2, 3, 9, 9, 9, 4, -5, 6},
                new long[] {2, 2, 1, 3});
        assertArrayEquals(new float[] {6, 2, 7}, MultiScaleCam.fuseFlipPair(z, new int[] {1}));
    }
}
