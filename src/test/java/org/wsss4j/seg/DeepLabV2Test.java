package org.wsss4j.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsss4j.nn.GaussianArrays.random;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.nn.GraphLayers;
import org.wsss4j.nn.Layout;
import org.wsss4j.nn.NetworkParameters;
import org.wsss4j.nn.NormFolding;
import org.wsss4j.nn.WeightLoader;

/**
 * DeepLab-v2's shapes (the stride-8 size worked out by hand), its MSC fusion against the
 * branches computed one by one, and the parts it is made of against slow direct
 * implementations: the ceil-mode stem pool and PyTorch's bilinear scaling.
 */
class DeepLabV2Test {
    /** A tiny DeepLab-v2: one bottleneck per stage, 1/16 of the widths (stage channels 16..128), 3 classes. */
    static final DeepLabSpec TINY = DeepLabSpec.of(List.of(1, 1, 1, 1), 0.0625, 8, 3);
    private static DeepLabV2 net;

    @BeforeAll
    static void build() {
        net = DeepLabV2.build(TINY, DataType.DOUBLE, 7);
        randomiseBatchNorms(net, new Random(3));
    }

    /** Non-trivial frozen batch norms and ASPP biases, so neither is the identity. */
    static void randomiseBatchNorms(DeepLabV2 network, Random r) {
        for (var p : network.parameters().all()) {
            long c = p.variable().getArr().length();
            switch (p.kind()) {
                case BN_WEIGHT -> p.variable().setArray(random(r, 0.2, c).addi(1.0));
                case BN_BIAS, BN_RUNNING_MEAN, CONV_BIAS -> p.variable().setArray(random(r, 0.1, c));
                case BN_RUNNING_VAR -> p.variable().setArray(random(r, 0.1, c).muli(random(r, 1, c)).addi(1.0));
                default -> { }
            }
        }
        network.parameters().refreshFolded();
    }

    @Test
    void logitSizeIsTheHandWorkedStride8Size() {
        DeepLabSpec ref = DeepLabSpec.reference(21);
        // conv 7x7 s2 p3: ceil(H/2); pool 3x3 s2 p1 ceil mode: ceil((h-1)/2)+1; layer3 1x1 s2: ceil(h/2).
        // 321 -> 161 -> 81 -> 41 (deeplab-pytorch's 41x41 logits of a 321 crop, spec 8)
        assertEquals(41, ref.logitSize(321));
        // 513 -> 257 -> 129 -> 65; 500 -> 250 -> 126 (ceil 249/2 = 125, +1) -> 63; 375 -> 188 -> 95 -> 48
        assertEquals(65, ref.logitSize(513));
        assertEquals(63, ref.logitSize(500));
        assertEquals(48, ref.logitSize(375));
        // 7 -> 4 -> 3 (ceil 3/2 + 1) -> 2;  1 -> 1 -> 1 -> 1
        assertEquals(2, ref.logitSize(7));
        assertEquals(1, ref.logitSize(1));
        assertEquals(8, ref.outputStride());
        // output stride 16 strides layer4 too: 321 -> 41 -> 21
        assertEquals(21, DeepLabSpec.of(List.of(1, 1, 1, 1), 0.0625, 16, 3).logitSize(321));
    }

    @Test
    void outputShapesFollowTheFormulaForSeveralInputSizes() {
        int[][] sizes = {{33, 47}, {40, 40}, {21, 9}};
        for (int[] hw : sizes) {
            INDArray x = random(new Random(hw[0]), 1, 2, 3, hw[0], hw[1]);
            Map<String, INDArray> out = net.outputs(x, net.trainingOutputNames().toArray(new String[0]));
            int h = TINY.logitSize(hw[0]), w = TINY.logitSize(hw[1]);
            assertArrayEquals(new long[] {2, 3, h, w}, out.get(DeepLabV2.LOGITS).shape(), "logits of " + hw[0] + "x" + hw[1]);
            assertArrayEquals(new long[] {2, 3, h, w}, out.get(DeepLabV2.FUSED).shape());
            for (double s : TINY.scales()) {
                int sh = TINY.logitSize((int) Math.floor(hw[0] * s)), sw = TINY.logitSize((int) Math.floor(hw[1] * s));
                assertArrayEquals(new long[] {2, 3, sh, sw}, out.get(DeepLabV2.scaledLogitsName(s)).shape(),
                        "x" + s + " logits of " + hw[0] + "x" + hw[1]);
            }
        }
        assertEquals(List.of("logits", "logits_x0.5", "logits_x0.75", "logits_max"), net.trainingOutputNames());
        // The stage shapes of a dilated network: layer3 (stage 2) at stride 8 like layer4 and layer5.
        INDArray x = random(new Random(1), 1, 1, 3, 33, 47);
        String stage2 = net.backbone().stage(2).name(), stage4 = net.backbone().stage(4).name();
        Map<String, INDArray> stages = net.outputs(x, stage2, stage4);
        // 33 -> 17 -> 9 -> 5; 47 -> 24 -> ceil(23/2) + 1 = 13 -> 7
        assertArrayEquals(new long[] {1, 32, 5, 7}, stages.get(stage2).shape());
        assertArrayEquals(new long[] {1, 128, 5, 7}, stages.get(stage4).shape());
    }

    @Test
    void fusedLogitsAreTheMaxOfTheSeparatelyComputedBranches() {
        int height = 37, width = 29;
        INDArray x = random(new Random(9), 20, 2, 3, height, width);
        Map<String, INDArray> out = net.outputs(x, net.trainingOutputNames().toArray(new String[0]));
        INDArray expected = out.get(DeepLabV2.LOGITS).dup();
        int h = TINY.logitSize(height), w = TINY.logitSize(width);
        // Each branch again: downscale by a slow per-pixel PyTorch formula, the 1.0 pass of the same network, upsample.
        for (double s : TINY.scales()) {
            INDArray small = PyTorchBilinear.scaleFactor(x, s);
            INDArray z = net.outputs(small, DeepLabV2.LOGITS).get(DeepLabV2.LOGITS);
            assertEquals(0.0, z.sub(out.get(DeepLabV2.scaledLogitsName(s))).amaxNumber().doubleValue(), 1e-9,
                    "branch x" + s);
            expected = Nd4j.math().max(expected, PyTorchBilinear.toSize(z, h, w));
        }
        assertEquals(0.0, expected.sub(out.get(DeepLabV2.FUSED)).amaxNumber().doubleValue(), 1e-9);
        // Every scale wins somewhere, so the max is not one branch.
        assertTrue(out.get(DeepLabV2.FUSED).sub(out.get(DeepLabV2.LOGITS)).amaxNumber().doubleValue() > 1e-3);
    }

    @Test
    void withoutScalesTheFusedOutputIsTheLogits() {
        DeepLabV2 single = DeepLabV2.build(TINY.withScales(List.of()), DataType.DOUBLE, 7);
        assertEquals(List.of(DeepLabV2.LOGITS), single.trainingOutputNames());
        INDArray x = random(new Random(2), 10, 1, 3, 19, 23);
        Map<String, INDArray> out = single.outputs(x, DeepLabV2.LOGITS, DeepLabV2.FUSED);
        assertEquals(0.0, out.get(DeepLabV2.LOGITS).sub(out.get(DeepLabV2.FUSED)).amaxNumber().doubleValue(), 0.0);
        assertTrue(single.feed(x).keySet().equals(java.util.Set.of(DeepLabV2.INPUT)));
    }

    @Test
    void inferenceNetworkGivesTheSameFusedLogitsInEitherLayout() {
        INDArray x = random(new Random(4), 10, 1, 3, 35, 26);
        INDArray want = net.fusedLogits(x);
        for (Layout layout : Layout.values()) {
            DeepLabV2 other = DeepLabV2.build(TINY, DataType.DOUBLE, 99, layout, NormFolding.ON_LOAD);
            WeightLoader.load(WeightLoader.export(net.parameters()), other.parameters(), "test");
            assertEquals(0.0, want.sub(other.fusedLogits(x)).amaxNumber().doubleValue(), 1e-9, layout.name());
        }
    }

    @Test
    void stemPoolIsCeilModeMaxPoolingAsASlowLoopComputesIt() {
        // The layer the stem uses (GraphLayers.maxPool 3x3 s2 p1 ceil mode), in both layouts, on
        // odd and even sizes, against the loop over PyTorch's definition.
        for (Layout layout : Layout.values()) {
            for (int[] hw : new int[][] {{6, 5}, {7, 8}, {9, 4}, {2, 3}}) {
                SameDiff sd = SameDiff.create();
                SDVariable in = sd.placeHolder("x", DataType.DOUBLE, -1, 2, -1, -1);
                GraphLayers layers = new GraphLayers(sd, new NetworkParameters(), DataType.DOUBLE, 1, layout);
                SDVariable y = layers.toNchw(layers.maxPool(layers.fromNchw(in), 3, 2, 1, true));
                INDArray x = random(new Random(hw[0] * 10 + hw[1]), 1, 2, 2, hw[0], hw[1]);
                INDArray got = sd.output(Map.of("x", x), y.name()).get(y.name());
                INDArray want = SlowPool.maxPoolCeil(x, 3, 2, 1);
                assertArrayEquals(want.shape(), got.shape(), layout + " " + hw[0] + "x" + hw[1]);
                assertEquals(0.0, want.sub(got).amaxNumber().doubleValue(), 0.0);
            }
        }
        // Hand-worked: 6 -> ceil((6 + 2 - 3) / 2) + 1 = 4, where floor mode gives 3.
        assertEquals(4, SlowPool.ceilModeSize(6, 3, 2, 1));
        // In the network: 12 x 10 -> conv 6 x 5 -> pool 4 x 3 (floor mode would give 3 x 3).
        INDArray x = random(new Random(6), 1, 2, 3, 12, 10);
        String stem = net.backbone().stem().name();
        assertArrayEquals(new long[] {2, TINY.backbone().stemChannels(), 4, 3}, net.outputs(x, stem).get(stem).shape());
    }
}
