package org.wsss4j.nn;

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
        INDArray batch = Nd4j.rand(DataType.DOUBLE, 6, 3, 32, 32).muli(4).subi(1);
        BatchNormCalibration.calibrate(net, batch);
        // after calibration, (x - mean) / sqrt(var + eps) of each norm's input has per-channel mean 0
        // and variance var / (var + eps) on the same batch; gamma = 1, beta = 0 at initialisation
        NetworkParameters p = net.parameters();
        int checked = 0;
        for (var e : p.batchNormInputs().entrySet()) {
            INDArray in = net.graph().output(Map.of(CamNetwork.INPUT, batch), e.getValue().name()).get(e.getValue().name());
            INDArray mean = p.get(e.getKey() + ".running_mean").variable().getArr();
            INDArray var = p.get(e.getKey() + ".running_var").variable().getArr();
            INDArray expectedMean = in.mean(0, 2, 3);
            assertEquals(0.0, expectedMean.sub(mean).amaxNumber().doubleValue(), 1e-9, e.getKey());
            assertEquals(0.0, in.var(false, 0, 2, 3).sub(var).amaxNumber().doubleValue(), 1e-9, e.getKey());
            checked++;
        }
        assertEquals(1 + 2 * 8 + 3, checked, "bn1, two per basic block, three downsample norms");
    }
}
