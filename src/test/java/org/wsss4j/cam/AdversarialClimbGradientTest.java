package org.wsss4j.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.nn.ResNetSpec;

/**
 * The hand-derived dL/dz of AdvCAM's loss (AdversarialClimb's javadoc) fed to the network's
 * input-gradient pass, against SameDiff's autodiff of the loss built in the graph, in double
 * precision: the same gradient, and so the same climb.
 */
class AdversarialClimbGradientTest {

    private static INDArray pair(long seed, int h, int w) {
        Nd4j.getRandom().setSeed(seed);
        INDArray img = Nd4j.rand(DataType.DOUBLE, 1, 3, h, w).muli(4).subi(2);
        // the flipped copy: the last axis reversed element by element
        INDArray flipped = img.dup();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    flipped.putScalar(new long[] {0, c, y, x}, img.getDouble(0, c, y, w - 1 - x));
                }
            }
        }
        return Nd4j.concat(0, img, flipped);
    }

    private static AdvCamParams params(AdvCamParams.Variant variant) {
        return new AdvCamParams(4, 0.08, 7, 0.5, List.of(1.0), variant, 0);
    }

    private static void assertSameClimb(AdvCamParams.Variant variant, long seed) {
        CamNetwork net = CamNetwork.build(ResNetSpec.camBackbone("resnet18", 0.125), 20, DataType.DOUBLE, seed);
        INDArray pair = pair(seed, 37, 42);
        AdversarialClimb byHand = new AdversarialClimb(net, params(variant), false);
        AdversarialClimb byAutodiff = new AdversarialClimb(net, params(variant), true);
        int[] classes = {3, 12};

        // one gradient with the restriction term active (A^0 != A^t, lambda 7)
        INDArray[] sel = byHand.selectors(classes);
        INDArray a0 = byHand.run(pair, classes, 1, false).sum().mul(0.7);
        INDArray batch = Nd4j.concat(0, pair, pair); // one pair per class, as the climb lays them out
        Map<String, INDArray> feed = byHand.feed(batch, sel[0], sel[1], a0);
        INDArray g1 = net.outputsWithInputGradient(feed, byHand.gradientName()).inputGradient();
        INDArray g2 = net.camsAndInputGradient(feed, byHand.lossName()).inputGradient();
        double scale = g2.amaxNumber().doubleValue();
        assertTrue(scale > 1e-6, "non-trivial gradient " + scale);
        assertEquals(0.0, g1.sub(g2).amaxNumber().doubleValue(), 1e-10 * Math.max(1, scale), "dL/dx");
        // the restriction term contributes (else only L_cls would be compared)
        assertTrue(a0.amaxNumber().doubleValue() > 0, "non-zero maps");
        INDArray clsOnly = net.camsAndInputGradient(byHand.feed(batch, sel[0], sel[1], null), byHand.lossName())
                .inputGradient();
        assertTrue(g2.sub(clsOnly).amaxNumber().doubleValue() > 1e-3 * scale, "L_AD changes the gradient");

        // the whole climb: every step's map and the final image
        int steps = 5;
        AdversarialClimb.Trajectory t1 = byHand.run(pair, classes, steps, true);
        AdversarialClimb.Trajectory t2 = byAutodiff.run(pair, classes, steps, true);
        for (int t = 0; t < steps; t++) {
            double diff = t1.maps().get(t).sub(t2.maps().get(t)).amaxNumber().doubleValue();
            assertTrue(diff < 1e-6, variant + " step " + t + ": max map difference " + diff);
        }
        assertTrue(t1.input().sub(t2.input()).amaxNumber().doubleValue() < 1e-6, "final image");
        assertTrue(t1.maps().get(steps - 1).sub(t1.maps().get(0)).amaxNumber().doubleValue() > 1e-4,
                "the climb changes the map, so the comparison covers moving steps");
    }

    @Test
    void referenceVariantMatchesAutodiff() {
        assertSameClimb(AdvCamParams.Variant.REFERENCE, 11);
    }

    @Test
    void paperVariantMatchesAutodiff() {
        assertSameClimb(AdvCamParams.Variant.PAPER, 12);
    }
}
