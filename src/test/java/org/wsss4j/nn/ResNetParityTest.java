package org.wsss4j.nn;

import org.wsss4j.classifier.CamNetwork;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.nn.ResNetSpec.BlockType;

/**
 * Numerical parity with PyTorch: tiny torchvision-style ResNets with random weights and random
 * batch-norm statistics, evaluated by PyTorch 1.13 in eval mode (float64). The reference files
 * were made by {@code make_parity.py} next to them (run with /usr/bin/python3).
 */
class ResNetParityTest {

    private static Map<String, INDArray> resource(String name) throws Exception {
        return NpzFiles.read(Path.of(ResNetParityTest.class.getResource(name).toURI()));
    }

    /** The specs of the three cases in make_parity.py. */
    private static ResNetSpec spec(String name) {
        return switch (name) {
            case "irn_bottleneck" -> new ResNetSpec(BlockType.BOTTLENECK, List.of(1, 1, 1, 1), 1.0 / 32, 2, 2,
                    List.of(1, 2, 2, 1), List.of(1, 1, 1, 1), false, false, 1e-5);
            case "caffe_dilated" -> new ResNetSpec(BlockType.BOTTLENECK, List.of(1, 1, 1, 1), 1.0 / 64, 2, 2,
                    List.of(1, 2, 1, 1), List.of(1, 1, 2, 4), true, true, 1e-5);
            case "basic" -> new ResNetSpec(BlockType.BASIC, List.of(2, 1, 1, 1), 1.0 / 32, 2, 2,
                    List.of(1, 2, 2, 2), List.of(1, 1, 1, 1), false, false, 1e-5);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @CsvSource({"irn_bottleneck, 20", "caffe_dilated, 3", "basic, 4"})
    void stage4AndCamsEqualPyTorch(String name, int classes) throws Exception {
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            CamNetwork net = CamNetwork.build(spec(name), classes, type, 7);
            WeightLoader.Report report = WeightLoader.load(resource(name + "_weights.npz"), net.parameters(), name);
            assertTrue(report.unused().isEmpty() && report.keptInitial().isEmpty(), report.toString());
            Map<String, INDArray> io = resource(name + "_io.npz");
            Map<String, INDArray> out = net.outputs(io.get("x"), CamNetwork.CAMS, net.backbone().features().name());
            // float64 agrees to rounding; float32 to its precision (activations are O(1)).
            double tol = type == DataType.DOUBLE ? 1e-9 : 1e-4;
            assertClose(io.get("stage4"), out.get(net.backbone().features().name()), tol, name + " stage4 " + type);
            assertClose(io.get("cams"), out.get(CamNetwork.CAMS), tol, name + " cams " + type);
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray a = actual.castTo(DataType.DOUBLE);
        double scale = Math.max(1.0, e.amaxNumber().doubleValue());
        double maxDiff = e.sub(a).amaxNumber().doubleValue();
        assertTrue(maxDiff <= tol * scale, what + ": max |diff| " + maxDiff + " > " + tol * scale);
        assertTrue(e.amaxNumber().doubleValue() > 1e-2, what + ": reference is all zeros, test would be vacuous");
        assertEquals(e.length(), a.length());
    }
}
