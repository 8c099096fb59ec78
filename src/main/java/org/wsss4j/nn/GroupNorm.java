package org.wsss4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Kind;

/**
 * Group normalisation (Wu &amp; He 2018) with PyTorch's {@code nn.GroupNorm(groups, channels)}
 * semantics: the C channels of each sample are split into G consecutive groups; every group is
 * normalised by its own mean and biased variance over its channels and all positions, with
 * eps 1e-5, then scaled and shifted per channel (IRN's branches, spec 6.1).
 *
 * <p>Built from mean reductions only (the statistics of a group are the mean of its channels'
 * spatial means, which holds because all channels of a group cover the same positions), so every
 * reshape keeps a single unknown dimension (the batch) and the input may have any spatial size.
 * The variance is the mean of the centred squares (two passes), not E[x^2] - E[x]^2, which loses
 * precision in float32 when the mean is large.
 */
public final class GroupNorm {
    /** PyTorch's GroupNorm default epsilon. */
    public static final double DEFAULT_EPS = 1e-5;

    private GroupNorm() {}

    /**
     * {@code nn.GroupNorm(groups, channels)} on NCHW {@code x}, registering {@code <name>.weight}
     * (gamma, initialised 1) and {@code <name>.bias} (beta, initialised 0). Only for NCHW layer
     * factories (IRN's branches, the one user, run in NCHW).
     */
    public static SDVariable build(GraphLayers layers, String name, SDVariable x, int channels, int groups,
                                   Group group) {
        if (layers.layout() != Layout.NCHW) {
            throw new IllegalArgumentException("GroupNorm is built for NCHW activations, not " + layers.layout());
        }
        SDVariable gamma = layers.register(name + ".weight", Nd4j.ones(layers.dataType(), channels), Kind.GN_WEIGHT,
                group);
        SDVariable beta = layers.register(name + ".bias", Nd4j.zeros(layers.dataType(), channels), Kind.GN_BIAS, group);
        SDVariable normalised = normalise(layers.graph(), x, channels, groups, DEFAULT_EPS);
        return scale(layers.graph(), normalised, gamma, channels).add(beta.reshape(1, channels, 1, 1));
    }

    /**
     * x * gamma per channel, as a 1x1 depthwise convolution: one product per element, so the
     * same values as the broadcast multiply, but libnd4j's broadcast multiply backward (the
     * per-channel sum for gamma's gradient over N, H, W) took about twice as long as the
     * depthwise convolution's whole backward (measured at [8, 256, 32, 32]), and it was the
     * largest op of IRN's training step.
     */
    private static SDVariable scale(SameDiff sd, SDVariable x, SDVariable gamma, int channels) {
        Conv2DConfig config = Conv2DConfig.builder()
                .kH(1).kW(1).sH(1).sW(1).pH(0).pW(0).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).dataFormat(Layout.NCHW.convFormat()).weightsFormat(WeightsFormat.YXIO)
                .build();
        return sd.cnn().depthWiseConv2d(x, gamma.reshape(1, 1, channels, 1), config);
    }

    /** (x - mean_g) / sqrt(var_g + eps) per sample and group, without the affine part. */
    public static SDVariable normalise(SameDiff sd, SDVariable x, int channels, int groups, double eps) {
        if (groups < 1 || channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels cannot be split into " + groups + " groups");
        }
        SDVariable mean = groupStatistic(sd, x.mean(2, 3), channels, groups);
        SDVariable centred = x.sub(mean);
        SDVariable var = groupStatistic(sd, centred.mul(centred).mean(2, 3), channels, groups);
        return centred.div(sd.math().sqrt(var.add(eps)));
    }

    /**
     * From per-channel means [N, C] to the per-group mean broadcast back to every channel of the
     * group, as [N, C, 1, 1].
     */
    private static SDVariable groupStatistic(SameDiff sd, SDVariable perChannel, int channels, int groups) {
        int perGroup = channels / groups;
        SDVariable g = perChannel.reshape(-1, groups, perGroup).mean(true, 2);
        SDVariable spread = g.mul(sd.constant(Nd4j.ones(perChannel.dataType(), 1, 1, perGroup)));
        return spread.reshape(-1, channels, 1, 1);
    }
}
