package org.wsss4j.nn;

import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sets the running statistics of every frozen batch norm from data: layer by layer in build
 * order, each norm's running mean and variance become the per-channel mean and (biased) variance
 * of its input over a batch, with the layers before it already calibrated.
 *
 * <p>Why: the reference always starts from ImageNet weights, whose running statistics make the
 * frozen batch norms real normalisers. A network trained from scratch (the synthetic dataset's
 * preset, where no pretrained weights can be had) would otherwise start with running statistics
 * (0, 1), i.e. no normalisation at all, and learns slowly. This is a data-dependent
 * initialisation; training itself still uses frozen batch norm as the reference does.
 */
public final class BatchNormCalibration {
    private BatchNormCalibration() {}

    /** Calibrates every batch norm of {@code net} on {@code batch} ([N, 3, H, W], normalised images). */
    public static void calibrate(CamNetwork net, INDArray batch) {
        NetworkParameters params = net.parameters();
        INDArray x = batch.castTo(net.dataType());
        for (Map.Entry<String, SDVariable> e : params.batchNormInputs().entrySet()) {
            INDArray in = net.graph().output(Map.of(CamNetwork.INPUT, x), e.getValue().name())
                    .get(e.getValue().name());
            INDArray mean = in.mean(0, 2, 3);
            INDArray var = in.var(false, 0, 2, 3);
            params.get(e.getKey() + ".running_mean").variable().getArr().assign(mean);
            params.get(e.getKey() + ".running_var").variable().getArr().assign(var);
        }
    }
}
