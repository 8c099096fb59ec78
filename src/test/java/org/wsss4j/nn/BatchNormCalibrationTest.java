package org.wsss4j.nn;

import org.wsss4j.classifier.CamNetwork;

import org.wsss4j.nn.NetworkParameters;
import org.wsss4j.nn.ResNetSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BatchNormCalibrationTest {
    @Test
    void everyBatchNormNormalisesTheCalibrationBatch() {
        CamNetwork net = CamNetwork.build(ResNetSpec.camBackbone("resnet18", 0.125), 20, DataType.DOUBLE, 4);
        Nd4j.getRandom().setSeed(9);
        INDArray batch = Nd4j.rand(DataType.DOUBLE, 4, 3, 24, 24).muli(4).subi(1);
        net.calibrateBatchNorm(batch);
        // after calibration, (x - mean) / sqrt(var + eps) of each norm's input has per-channel mean 0
        // and variance var / (var + eps) on the same batch; gamma = 1, beta = 0 at initialisation
        NetworkParameters p = net.parameters();
        int checked = 0;
        for (var e : p.batchNormOutputs().entrySet()) {
            String out = e.getValue().output().name();
            // the norm's output after calibration is (c - mean) / sqrt(var + eps): mean 0, variance var / (var + eps)
            INDArray y = net.graph().output(Map.of(CamNetwork.INPUT, batch), out).get(out);
            INDArray in = BatchNormCalibration.input(p, e.getKey(), e.getValue().eps(), y);
            INDArray mean = p.get(e.getKey() + ".running_mean").variable().getArr();
            INDArray var = p.get(e.getKey() + ".running_var").variable().getArr();
            INDArray expectedMean = in.mean(0, 2, 3);
            assertEquals(0.0, expectedMean.sub(mean).amaxNumber().doubleValue(), 1e-9, e.getKey());
            assertEquals(0.0, in.var(false, 0, 2, 3).sub(var).amaxNumber().doubleValue(), 1e-9, e.getKey());
            INDArray expectedVar = var.div(var.add(e.getValue().eps()));
            assertEquals(0.0, y.mean(0, 2, 3).amaxNumber().doubleValue(), 1e-9, e.getKey());
            assertEquals(0.0, y.var(false, 0, 2, 3).sub(expectedVar).amaxNumber().doubleValue(), 1e-9, e.getKey());
            checked++;
        }
        assertEquals(1 + 2 * 8 + 3, checked, "bn1, two per basic block, three downsample norms");
    }
}
