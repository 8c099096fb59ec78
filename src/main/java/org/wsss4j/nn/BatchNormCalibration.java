package org.wsss4j.nn;

import java.util.Map;
import java.util.function.Function;
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

    /**
     * Calibrates every batch norm of a network whose recorded norm outputs
     * ({@link NetworkParameters#batchNormOutputs()}) {@code output} computes, by name, on the
     * calibration batch (the caller feeds the graph; e.g. a classifier's input placeholder).
     */
    public static void calibrate(NetworkParameters params, Function<String, INDArray> output) {
        for (Map.Entry<String, NetworkParameters.BatchNormOutput> e : params.batchNormOutputs().entrySet()) {
            INDArray in = input(params, e.getKey(), e.getValue().eps(), output.apply(e.getValue().output().name()));
            params.get(e.getKey() + ".running_mean").variable().getArr().assign(in.mean(0, 2, 3));
            params.get(e.getKey() + ".running_var").variable().getArr().assign(in.var(false, 0, 2, 3));
            params.refreshFolded(); // the next layer's output must see these statistics
        }
    }

    /**
     * The norm's input recovered from its output y = scale c + shift (the norm may be folded into
     * its convolution, so c is not a graph node): c = (y - shift) / scale with the current
     * statistics. gamma is never 0 before training (it starts at 1).
     */
    static INDArray input(NetworkParameters params, String bn, double eps, INDArray y) {
        INDArray gamma = params.get(bn + ".weight").variable().getArr();
        INDArray beta = params.get(bn + ".bias").variable().getArr();
        INDArray mean = params.get(bn + ".running_mean").variable().getArr();
        INDArray var = params.get(bn + ".running_var").variable().getArr();
        INDArray scale = gamma.div(org.nd4j.linalg.ops.transforms.Transforms.sqrt(var.add(eps)));
        INDArray shift = beta.sub(mean.mul(scale));
        long c = scale.length();
        return y.sub(shift.reshape(1, c, 1, 1)).divi(scale.reshape(1, c, 1, 1));
    }
}
