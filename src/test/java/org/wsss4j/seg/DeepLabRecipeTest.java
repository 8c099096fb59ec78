package org.wsss4j.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.nn.PolySgd;

class DeepLabRecipeTest {

    @Test
    void theTwoRecipesHoldTheReferenceValues() {
        // AdvCAM issue #9 on top of deeplab-pytorch's configs/voc12.yaml
        DeepLabRecipe a = DeepLabRecipe.advcam();
        assertEquals(30_000, a.iterations());
        assertEquals(10, a.effectiveBatch());
        assertEquals(5, a.batchSize());
        assertEquals(2, a.accumulation());
        assertEquals(2.5e-4, a.lr(), 0);
        assertEquals(0.9, a.polyPower(), 0);
        assertEquals(10, a.polyInterval());
        assertEquals(0.9, a.momentum(), 0);
        assertEquals(5e-4, a.weightDecay(), 0);
        assertEquals(10, a.asppWeightLrFactor(), 0);
        assertEquals(20, a.asppBiasLrFactor(), 0);
        assertEquals(List.of(0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0), a.augmentation().scales());
        assertEquals(321, a.augmentation().crop());
        assertEquals(SegLoss.Kind.BALANCED, a.loss());
        // deeplab-pytorch's own: 20k iterations, five scales, plain cross-entropy, the rest the same
        DeepLabRecipe d = DeepLabRecipe.deeplabPytorch();
        assertEquals(20_000, d.iterations());
        assertEquals(List.of(0.5, 0.75, 1.0, 1.25, 1.5), d.augmentation().scales());
        assertEquals(SegLoss.Kind.CROSS_ENTROPY, d.loss());
        assertEquals(a.withIterations(20_000).withAugmentation(SegAugmentation.DEEPLAB_PYTORCH)
                .withLoss(SegLoss.Kind.CROSS_ENTROPY), d);
        assertEquals(a, DeepLabRecipe.named(DeepLabRecipe.DEFAULT_NAME));
        assertEquals(d, DeepLabRecipe.named("deeplab-pytorch"));
        assertThrows(IllegalArgumentException.class, () -> DeepLabRecipe.named("caffe"));
    }

    @Test
    void asMapNamesEverySetting() {
        Map<String, Object> m = DeepLabRecipe.advcam().asMap();
        assertEquals(30_000, m.get("iterations"));
        assertEquals("balanced", m.get("loss"));
        assertEquals(0.0, m.get("aspp_bias_weight_decay"));
        assertEquals(List.of(0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0), m.get("scales"));
        assertEquals(15, m.size());
        assertEquals("ce", DeepLabRecipe.deeplabPytorch().asMap().get("loss"));
    }

    @Test
    void theCompactConstructorRejectsBadValues() {
        DeepLabRecipe a = DeepLabRecipe.advcam();
        assertThrows(IllegalArgumentException.class, () -> a.withIterations(0));
        assertThrows(IllegalArgumentException.class, () -> a.withBatch(0, 2));
        assertThrows(IllegalArgumentException.class, () -> a.withBatch(5, 0));
        assertThrows(IllegalArgumentException.class, () -> a.withLr(0));
        assertThrows(IllegalArgumentException.class, () -> a.withLr(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> a.withLoss(null));
        assertThrows(IllegalArgumentException.class, () -> new DeepLabRecipe(10, 5, 2, 1e-3, 0.9, 10, 1.0, 5e-4, 10,
                20, SegAugmentation.ADVCAM, SegLoss.Kind.BALANCED));
        assertThrows(IllegalArgumentException.class, () -> new DeepLabRecipe(10, 5, 2, 1e-3, 0.9, 0, 0.9, 5e-4, 10,
                20, SegAugmentation.ADVCAM, SegLoss.Kind.BALANCED));
        assertThrows(IllegalArgumentException.class, () -> new DeepLabRecipe(10, 5, 2, 1e-3, 0.9, 10, 0.9, -1, 10,
                20, SegAugmentation.ADVCAM, SegLoss.Kind.BALANCED));
    }

    @Test
    void groupsGiveTheAsppTenAndTwentyTimesTheRateAndTheBiasesNoDecay() {
        DeepLabRecipe r = DeepLabRecipe.advcam();
        List<PolySgd.Group> g = r.groups(List.of("base.layer1.conv1.conv.weight"),
                List.of("base.aspp.c0.weight", "base.aspp.c1.weight"), List.of("base.aspp.c0.bias"));
        assertEquals(3, g.size());
        assertEquals(new PolySgd.Group("backbone", 2.5e-4, 5e-4, List.of("base.layer1.conv1.conv.weight")), g.get(0));
        assertEquals(new PolySgd.Group("aspp_weights", 2.5e-3, 5e-4,
                List.of("base.aspp.c0.weight", "base.aspp.c1.weight")), g.get(1));
        assertEquals(new PolySgd.Group("aspp_biases", 5e-3, 0, List.of("base.aspp.c0.bias")), g.get(2));
    }

    @Test
    void theOptimiserStepsTheAsppBiasAtTwentyTimesTheRateWithoutDecayAndHoldsTheRateTenSteps() {
        // one weight per group, all at 1 with gradient 0: only weight decay moves them, the bias not at all;
        // then gradient 1 on the bias only: the first step moves it by 20 * lr
        DeepLabRecipe r = DeepLabRecipe.advcam().withIterations(100);
        PolySgd opt = r.optimizer(List.of("w"), List.of("aw"), List.of("ab"));
        INDArray w = ones(), aw = ones(), ab = ones();
        Map<String, INDArray> params = Map.of("w", w, "aw", aw, "ab", ab);
        opt.update(params, Map.of("w", zero(), "aw", zero(), "ab", zero()));
        assertEquals(1 - 2.5e-4 * 5e-4, w.getDouble(0), 1e-15);
        assertEquals(1 - 2.5e-3 * 5e-4, aw.getDouble(0), 1e-15);
        assertEquals(1, ab.getDouble(0), 0);
        // steps 1..9 run at the initial rate, step 10 at (1 - 10/100)^0.9 of it
        for (int t = 1; t < 10; t++) {
            assertEquals(1.0, opt.lrMultiplier(), 0, "step " + t);
            opt.update(params, Map.of());
        }
        assertEquals(Math.pow(0.9, 0.9), opt.lrMultiplier(), 1e-15);
        assertEquals(5e-3 * Math.pow(0.9, 0.9), opt.lr(opt.groups().get(2)), 1e-15);
    }

    private static INDArray ones() {
        return Nd4j.ones(DataType.DOUBLE, 1);
    }

    private static INDArray zero() {
        return Nd4j.zeros(DataType.DOUBLE, 1);
    }
}
