package org.wsss4j.refine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.data.image.Flip;
import org.wsss4j.nn.NetworkParameters.Parameter;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.WeightLoader;

class IrnNetworkTest {
    private static final ResNetSpec TINY = ResNetSpec.camBackbone("resnet18", 0.125);
    private static IrnNetwork net;

    @BeforeAll
    static void build() {
        net = IrnNetwork.build(TINY, 32, DataType.FLOAT, 3);
        // non-trivial branch weights: GN affine and the mean shift away from their 1 / 0 defaults
        Random r = new Random(1);
        for (Parameter p : net.parameters().all()) {
            if (p.name().startsWith("fc_") && p.name().contains(".1.")) {
                INDArray a = p.variable().getArr();
                for (long i = 0; i < a.length(); i++) a.putScalar(i, a.getDouble(i) + 0.3 * r.nextGaussian());
            }
        }
        net.parameters().get(IrnNetwork.MEAN_SHIFT).variable().getArr().assign(Nd4j.createFromArray(0.5f, -0.25f));
    }

    private static float[] image(int h, int w, long seed) {
        Random r = new Random(seed);
        float[] chw = new float[3 * h * w];
        for (int i = 0; i < chw.length; i++) chw[i] = (float) r.nextGaussian();
        return chw;
    }

    @Test
    void namesFollowTheReferenceStateDict() {
        List<String> names = net.parameters().all().stream().map(Parameter::name).toList();
        for (String n : List.of("conv1.weight", "layer4.1.bn2.running_var", "fc_edge1.0.weight", "fc_edge1.1.weight",
                "fc_edge1.1.bias", "fc_edge5.0.weight", "fc_edge6.weight", "fc_edge6.bias", "fc_dp1.1.weight",
                "fc_dp6.0.weight", "fc_dp7.0.weight", "fc_dp7.1.bias", "fc_dp7.3.weight", "mean_shift.running_mean")) {
            assertTrue(names.contains(n), n);
        }
        // trainable = the branches only: 6 edge convs + 5 GN (x2) + bias; 8 dp convs + 7 GN (x2)
        assertEquals(6 + 10 + 1, net.edgeParameters().size());
        assertEquals(8 + 14, net.displacementParameters().size());
        assertEquals(net.parameters().trainable().size(), 17 + 22);
        assertTrue(net.parameters().isFrozen("layer1.0.conv1.weight"));
        // shapes from the spec: stem 8 channels (64 x 0.125), layer4 64 (512 x 0.125, basic blocks)
        assertArrayEquals(new long[] {1, 1, 8, 32}, net.parameters().get("fc_edge1.0.weight").variable().getArr().shape());
        assertArrayEquals(new long[] {1, 1, 64, 256}, net.parameters().get("fc_dp5.0.weight").variable().getArr().shape());
        assertArrayEquals(new long[] {1, 1, 768, 256}, net.parameters().get("fc_dp6.0.weight").variable().getArr().shape());
        Map<String, INDArray> sd = net.stateDict();
        assertTrue(sd.containsKey("resnet50.conv1.weight") && sd.containsKey("fc_edge6.bias"));
        assertArrayEquals(new long[] {32, 8, 1, 1}, sd.get("fc_edge1.0.weight").shape(), "PyTorch layout");
    }

    @Test
    void outputSizesAreTheStemSize() {
        Map<String, INDArray> out = net.outputs(Nd4j.create(image(32, 32, 2), new long[] {1, 3, 32, 32}));
        assertArrayEquals(new long[] {1, 1, 8, 8}, out.get(IrnNetwork.EDGE).shape());
        assertArrayEquals(new long[] {1, 2, 8, 8}, out.get(IrnNetwork.DISPLACEMENT).shape());
        // conv1 (k7 s2 p3) then max-pool (k3 s2 p1): 512 -> 256 -> 128, 100 -> 50 -> 25, 33 -> 17 -> 9
        ResNetSpec r50 = ResNetSpec.resnet50Irn();
        assertEquals(128, IrnNetwork.stemSize(r50, 512));
        assertEquals(25, IrnNetwork.stemSize(r50, 100));
        assertEquals(9, IrnNetwork.stemSize(r50, 33));
    }

    @Test
    void inferenceCropsAndFusesTheFlip() {
        int h = 21, w = 30;
        float[] img = image(h, w, 4);
        IrnNetwork.EdgeDisplacement a = net.infer(img, h, w);
        assertEquals((h - 1) / 4 + 1, a.height());
        assertEquals((w - 1) / 4 + 1, a.width());
        assertEquals(6 * 8, a.edge().length);
        assertEquals(2 * 6 * 8, a.displacement().length);
        // the flipped image's edge map is the flipped edge map, exactly: the two batch entries swap
        IrnNetwork.EdgeDisplacement b = net.infer(Flip.horizontal(img, 3, h, w), h, w);
        assertArrayEquals(Flip.horizontal(a.edge(), 1, 6, 8), b.edge());
        // a left-right symmetric image has a symmetric edge map, although the network is not symmetric
        float[] sym = img.clone();
        float[] flipped = Flip.horizontal(img, 3, h, w);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = w / 2; x < w; x++) sym[(c * h + y) * w + x] = flipped[(c * h + y) * w + x];
            }
        }
        IrnNetwork.EdgeDisplacement s = net.infer(sym, h, w);
        assertArrayEquals(Flip.horizontal(s.edge(), 1, 6, 8), s.edge());
        // fused value at one pixel against the raw outputs: sigmoid(l0/2 + flip(l1)/2), and the
        // displacement of the unflipped copy minus the mean shift
        float[] batch = new float[2 * 3 * 32 * 32];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(img, (c * h + y) * w, batch, (c * 32 + y) * 32, w);
                System.arraycopy(flipped, (c * h + y) * w, batch, ((3 + c) * 32 + y) * 32, w);
            }
        }
        Map<String, INDArray> raw = net.outputs(Nd4j.create(batch, new long[] {2, 3, 32, 32}));
        double l0 = raw.get(IrnNetwork.EDGE).getDouble(0, 0, 2, 1), l1 = raw.get(IrnNetwork.EDGE).getDouble(1, 0, 2, 8 - 1 - 1);
        assertEquals(1 / (1 + Math.exp(-(l0 / 2 + l1 / 2))), a.edge()[2 * 8 + 1], 1e-6);
        assertEquals(raw.get(IrnNetwork.DISPLACEMENT).getDouble(0, 1, 3, 5) + 0.25, a.displacement()[(6 + 3) * 8 + 5], 1e-6);
        // zero padding enters the GroupNorm statistics: the same image under another pad size differs
        IrnNetwork bigger = IrnNetwork.build(TINY, 48, DataType.FLOAT, 3);
        bigger.load(net.stateDict(), "test");
        float[] other = bigger.infer(img, h, w).edge();
        assertEquals(a.edge().length, other.length);
        assertFalse(java.util.Arrays.equals(a.edge(), other));
        assertThrows(IllegalArgumentException.class, () -> net.infer(image(33, 10, 1), 33, 10));
    }

    @Test
    void aReferenceStateDictLoadsWithItsAliasesIgnored() {
        Map<String, INDArray> dict = new LinkedHashMap<>(net.stateDict());
        // what the reference's AffinityDisplacementLoss state_dict holds besides the parameters
        dict.put("stage1.0.weight", dict.get("resnet50.conv1.weight"));
        dict.put("backbone.0.0.weight", dict.get("resnet50.conv1.weight"));
        dict.put("edge_layers.0.0.weight", dict.get("fc_edge1.0.weight"));
        dict.put("dp_layers.6.3.weight", dict.get("fc_dp7.3.weight"));
        dict.put("fc_dp7.4.running_mean", dict.get("mean_shift.running_mean"));
        dict.put("path_indices0", Nd4j.zeros(DataType.LONG, 2, 3));
        dict.put("disp_target", Nd4j.zeros(DataType.FLOAT, 1, 2, 5, 1));
        dict.put("resnet50.bn1.num_batches_tracked", Nd4j.scalar(DataType.LONG, 0));
        IrnNetwork fresh = IrnNetwork.build(TINY, 32, DataType.FLOAT, 99);
        WeightLoader.Report r = fresh.load(dict, "reference");
        assertTrue(r.unused().isEmpty(), "unused " + r.unused());
        assertTrue(r.keptInitial().isEmpty(), "kept " + r.keptInitial());
        float[] img = image(17, 19, 5);
        assertArrayEquals(net.infer(img, 17, 19).edge(), fresh.infer(img, 17, 19).edge(), 0f);
        assertArrayEquals(net.infer(img, 17, 19).displacement(), fresh.infer(img, 17, 19).displacement(), 0f);
    }

    @Test
    void onlyIrnStridesAreAccepted() {
        assertThrows(IllegalArgumentException.class, () -> IrnNetwork.build(ResNetSpec.resnet18(), 64, DataType.FLOAT, 0));
    }
}
