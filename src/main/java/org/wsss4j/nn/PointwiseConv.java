package org.wsss4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Kind;

/**
 * A newly added 1x1 convolution with a bias: PyTorch's {@code nn.Conv2d(in, out, 1, bias=True)}
 * with its default initialisation, weight and bias both U(-1/sqrt(in), 1/sqrt(in)) (IRN's
 * {@code fc_edge6}, spec 6.1). Bias-free ones are {@link GraphLayers#conv1x1DefaultInit}.
 */
public final class PointwiseConv {
    private PointwiseConv() {}

    /** Registers {@code <name>.weight} (YXIO [1, 1, in, out]) and {@code <name>.bias} ([out]). */
    public static SDVariable withBias(GraphLayers layers, String name, SDVariable x, int in, int out, Group group) {
        SDVariable y = layers.conv1x1DefaultInit(name, x, in, out, group);
        double bound = 1.0 / Math.sqrt(in);
        double[] b = new double[out];
        for (int i = 0; i < out; i++) {
            b[i] = (2 * layers.random().nextDouble() - 1) * bound;
        }
        SDVariable bias = layers.register(name + ".bias",
                Nd4j.create(b, new long[] {out}, DataType.DOUBLE).castTo(layers.dataType()), Kind.CONV_BIAS, group);
        return y.add(bias.reshape(layers.layout().channelShape(out)));
    }
}
