package org.wsss4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * zoo/pth_to_npz.py's output is readable by {@link NpzFiles}. The resource pth_converted.npz was
 * made by make_pth_npz.py (same folder): a torch state_dict with ResNet-style keys under
 * DataParallel's {@code module.} prefix, torch.save'd to .pth, then converted with
 * {@code python3 zoo/pth_to_npz.py tiny.pth pth_converted.npz} (torch 1.13, numpy 1.24). The
 * random values below are the ones torch drew there (Generator seed 0) and printed.
 */
class PthConversionTest {

    private static Map<String, INDArray> converted() throws URISyntaxException {
        return NpzFiles.read(Path.of(PthConversionTest.class.getResource("pth_converted.npz").toURI()));
    }

    @Test
    void keepsEveryKeyVerbatimInStateDictOrder() throws Exception {
        // Renaming (module./resnet50. prefixes, fc.*) is WeightLoader's job, not the converter's.
        assertEquals(List.of("module.conv1.weight", "module.bn1.weight", "module.bn1.bias",
                        "module.bn1.running_mean", "module.bn1.running_var", "module.bn1.num_batches_tracked",
                        "module.layer1.0.conv1.weight", "module.fc.weight", "module.fc.bias"),
                List.copyOf(converted().keySet()));
    }

    @Test
    void convKernelKeepsPyTorchLayoutOutInKhKw() throws Exception {
        INDArray w = converted().get("module.conv1.weight");
        assertEquals(DataType.FLOAT, w.dataType());
        assertArrayEquals(new long[] {2, 3, 2, 2}, w.shape());
        // Written as (12o + 4i + 2y + x) / 8 - 1 for element [o, i, y, x].
        for (int o = 0; o < 2; o++) {
            for (int i = 0; i < 3; i++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 2; x++) {
                        assertEquals((12 * o + 4 * i + 2 * y + x) / 8f - 1f, w.getFloat(o, i, y, x),
                                "[" + o + "," + i + "," + y + "," + x + "]");
                    }
                }
            }
        }
    }

    @Test
    void transposedTensorArrivesInLogicalOrder() throws Exception {
        // A transposed torch view (numpy would save it Fortran-ordered): [o, i, 0, 0] = 4i + o.
        INDArray w = converted().get("module.layer1.0.conv1.weight");
        assertArrayEquals(new long[] {4, 2, 1, 1}, w.shape());
        for (int o = 0; o < 4; o++) {
            for (int i = 0; i < 2; i++) {
                assertEquals(4f * i + o, w.getFloat(o, i, 0, 0));
            }
        }
    }

    @Test
    void batchNormVectorsAreExactFloat32AndCounterStaysInt64Scalar() throws Exception {
        Map<String, INDArray> a = converted();
        assertArrayEquals(new float[] {1.5409960746765137f, -0.293428897857666f},
                a.get("module.bn1.weight").toFloatVector());
        assertArrayEquals(new float[] {-2.1787893772125244f, 0.5684312582015991f},
                a.get("module.bn1.bias").toFloatVector());
        assertArrayEquals(new float[] {-1.0845223665237427f, -1.3985954523086548f},
                a.get("module.bn1.running_mean").toFloatVector());
        assertArrayEquals(new float[] {0.5223257541656494f, 0.6688589453697205f},
                a.get("module.bn1.running_var").toFloatVector());
        for (String k : List.of("module.bn1.weight", "module.bn1.bias", "module.bn1.running_mean",
                "module.bn1.running_var")) {
            assertEquals(DataType.FLOAT, a.get(k).dataType(), k);
        }
        INDArray counter = a.get("module.bn1.num_batches_tracked");
        assertEquals(DataType.LONG, counter.dataType());
        assertEquals(0, counter.rank());
        assertEquals(7L, counter.getLong(0));
    }

    @Test
    void fullyConnectedLayerIsCopiedToo() throws Exception {
        Map<String, INDArray> a = converted();
        INDArray fc = a.get("module.fc.weight");
        assertArrayEquals(new long[] {3, 4}, fc.shape());
        assertEquals(-0.7830641269683838f, fc.getFloat(0, 0));
        assertEquals(1.066699743270874f, fc.getFloat(0, 3));
        assertEquals(0.41589120030403137f, fc.getFloat(1, 0));
        assertEquals(1.4214179515838623f, fc.getFloat(2, 3));
        assertArrayEquals(new float[] {0.14939700067043304f, -0.6708600521087646f, -0.2141861468553543f},
                a.get("module.fc.bias").toFloatVector());
    }
}
