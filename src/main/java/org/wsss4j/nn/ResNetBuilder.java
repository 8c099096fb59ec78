package org.wsss4j.nn;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.ResNetSpec.BlockType;

/**
 * Builds a ResNet backbone (He et al. 2016, torchvision's module layout and parameter names)
 * into a SameDiff graph, with frozen batch norm throughout (spec 1.3). Reads top to bottom like
 * torchvision's ResNet: stem, then four layers of residual blocks.
 */
public final class ResNetBuilder {
    private ResNetBuilder() {}

    /**
     * Adds the backbone to {@code sd}, reading NCHW input from {@code input} (a placeholder or
     * any variable of the given data type). Parameters are named as in torchvision's state_dict
     * ({@code conv1.weight}, {@code layer3.5.bn2.running_var}, ...), all in group BACKBONE,
     * initialised from scratch with {@code seed}.
     */
    public static ResNetBackbone build(SameDiff sd, SDVariable input, ResNetSpec spec, DataType dataType, long seed) {
        return build(new GraphLayers(sd, new NetworkParameters(), dataType, seed), input, spec);
    }

    /**
     * As above, with the caller's layer factory (to share one parameter table and RNG). The input
     * and the returned stem and stage outputs are NCHW whatever the factory's {@link Layout}.
     */
    public static ResNetBackbone build(GraphLayers layers, SDVariable input, ResNetSpec spec) {
        return inNchw(layers, buildInLayout(layers, layers.fromNchw(input), spec));
    }

    /**
     * The backbone reading {@code input} in the factory's layout, its stem and stage outputs in
     * the same layout (for a head built by the same factory).
     */
    public static ResNetBackbone buildInLayout(GraphLayers layers, SDVariable input, ResNetSpec spec) {
        Group g = Group.BACKBONE;
        int stem = spec.stemChannels();
        SDVariable x = layers.relu(
                layers.convFrozenBatchNorm("conv1", "bn1", input, 3, stem, 7, spec.conv1Stride(), 3, 1, spec.bnEps(), g));
        x = layers.maxPool(x, 3, spec.maxpoolStride(), 1, spec.maxpoolCeilMode());
        SDVariable stemOut = x;

        List<SDVariable> stages = new ArrayList<>();
        int channels = stem;
        for (int layer = 0; layer < 4; layer++) {
            int planes = spec.planes(layer);
            int dilation = spec.layerDilations().get(layer);
            for (int b = 0; b < spec.blocks().get(layer); b++) {
                int stride = b == 0 ? spec.layerStrides().get(layer) : 1;
                String name = "layer" + (layer + 1) + "." + b;
                x = spec.block() == BlockType.BASIC
                        ? basicBlock(layers, name, x, channels, planes, stride, dilation, spec.bnEps())
                        : bottleneck(layers, name, x, channels, planes, stride, dilation, spec.strideIn1x1(),
                                spec.bnEps());
                channels = planes * spec.block().expansion;
            }
            stages.add(x);
        }
        return new ResNetBackbone(spec, stemOut, stages, layers.parameters());
    }

    /** {@code backbone}'s stem and stage outputs as NCHW (the same variables when the layout is NCHW). */
    public static ResNetBackbone inNchw(GraphLayers layers, ResNetBackbone backbone) {
        List<SDVariable> stages = new ArrayList<>();
        for (SDVariable s : backbone.stages()) stages.add(layers.toNchw(s));
        SDVariable stem = backbone.stem() == null ? null : layers.toNchw(backbone.stem());
        return new ResNetBackbone(backbone.spec(), stem, stages, backbone.parameters());
    }

    /** Two 3x3 convs; the first carries the stride. */
    private static SDVariable basicBlock(GraphLayers l, String name, SDVariable x, int in, int planes, int stride,
                                         int dilation, double eps) {
        Group g = Group.BACKBONE;
        SDVariable out = l.relu(l.convFrozenBatchNorm(name + ".conv1", name + ".bn1", x, in, planes, 3, stride,
                dilation, dilation, eps, g));
        out = l.convFrozenBatchNorm(name + ".conv2", name + ".bn2", out, planes, planes, 3, 1, dilation, dilation,
                eps, g);
        return l.relu(l.add(out, shortcut(l, name, x, in, planes, stride, eps)));
    }

    /**
     * 1x1 reduce, 3x3, 1x1 expand (x4). torchvision puts the stride on the 3x3 conv; caffe
     * (DeepLab-v2) on the first 1x1.
     */
    private static SDVariable bottleneck(GraphLayers l, String name, SDVariable x, int in, int planes, int stride,
                                         int dilation, boolean strideIn1x1, double eps) {
        Group g = Group.BACKBONE;
        int s1 = strideIn1x1 ? stride : 1;
        int s3 = strideIn1x1 ? 1 : stride;
        int out4 = planes * BlockType.BOTTLENECK.expansion;
        SDVariable out = l.relu(l.convFrozenBatchNorm(name + ".conv1", name + ".bn1", x, in, planes, 1, s1, 0, 1,
                eps, g));
        out = l.relu(l.convFrozenBatchNorm(name + ".conv2", name + ".bn2", out, planes, planes, 3, s3, dilation,
                dilation, eps, g));
        out = l.convFrozenBatchNorm(name + ".conv3", name + ".bn3", out, planes, out4, 1, 1, 0, 1, eps, g);
        return l.relu(l.add(out, shortcut(l, name, x, in, out4, stride, eps)));
    }

    /** Identity, or a strided 1x1 conv + BN (torchvision's {@code downsample.0/.1}) when the shape changes. */
    private static SDVariable shortcut(GraphLayers l, String name, SDVariable x, int in, int out, int stride,
                                       double eps) {
        if (stride == 1 && in == out) {
            return x;
        }
        return l.convFrozenBatchNorm(name + ".downsample.0", name + ".downsample.1", x, in, out, 1, stride, 0, 1, eps,
                Group.BACKBONE);
    }
}
