package org.wsss4j.nn;

import java.util.List;

/**
 * The shape of a ResNet backbone: everything needed to build it and to check that a checkpoint
 * was made for the same network. Stored in checkpoint sidecars as JSON.
 *
 * @param block          residual block type: {@code BASIC} (two 3x3 convs, ResNet-18/34) or
 *                       {@code BOTTLENECK} (1x1, 3x3, 1x1 with 4x expansion, ResNet-50/101)
 * @param blocks         blocks in layer1..layer4, e.g. [3, 4, 6, 3] for ResNet-50
 * @param widthMultiplier scales the base widths (stem 64; layers 64, 128, 256, 512 planes); 1.0
 *                       is the published network, 0.25 a narrow one that trains on a CPU
 * @param conv1Stride    stride of the 7x7 stem convolution
 * @param maxpoolStride  stride of the 3x3 stem max-pool (1 or 2)
 * @param layerStrides   stride of the first block of layer1..layer4
 * @param layerDilations dilation of the 3x3 convs of every block of layer1..layer4 (padding =
 *                       dilation, as in DeepLab-v2; torchvision's replace_stride_with_dilation
 *                       keeps the old dilation in a layer's first block, this does not)
 * @param strideIn1x1    caffe-style bottleneck (stride on the first 1x1 conv, DeepLab-v2's
 *                       ResNet-101) instead of torchvision-style (stride on the 3x3 conv)
 * @param maxpoolCeilMode the stem max-pool rounds its output size up (caffe, DeepLab-v2)
 * @param bnEps          epsilon of the frozen batch norms (PyTorch's default 1e-5)
 */
public record ResNetSpec(
        BlockType block,
        List<Integer> blocks,
        double widthMultiplier,
        int conv1Stride,
        int maxpoolStride,
        List<Integer> layerStrides,
        List<Integer> layerDilations,
        boolean strideIn1x1,
        boolean maxpoolCeilMode,
        double bnEps) {

    public enum BlockType {
        BASIC(1), BOTTLENECK(4);

        /** Output channels of a block = planes x expansion. */
        public final int expansion;

        BlockType(int expansion) {
            this.expansion = expansion;
        }
    }

    /** PyTorch's BatchNorm2d default epsilon. */
    public static final double DEFAULT_BN_EPS = 1e-5;
    /** The classifier's and IRN's backbone in IRN and AdvCAM: ResNet-50 (net/resnet50_cam.py; spec 1.3, 6.1). */
    public static final String REFERENCE_ARCH = "resnet50";
    /** torchvision's channel widths (width multiplier 1). */
    public static final double REFERENCE_WIDTH = 1.0;
    private static final List<Integer> TORCHVISION_STRIDES = List.of(1, 2, 2, 2);
    private static final List<Integer> NO_DILATION = List.of(1, 1, 1, 1);

    public ResNetSpec {
        blocks = List.copyOf(blocks);
        layerStrides = List.copyOf(layerStrides);
        layerDilations = List.copyOf(layerDilations);
        if (block == null) throw new IllegalArgumentException("block type missing");
        requireFour(blocks, "blocks");
        requireFour(layerStrides, "layerStrides");
        requireFour(layerDilations, "layerDilations");
        if (!(widthMultiplier > 0)) throw new IllegalArgumentException("widthMultiplier must be > 0: " + widthMultiplier);
        if (conv1Stride < 1) throw new IllegalArgumentException("conv1Stride must be >= 1: " + conv1Stride);
        // The ceil-mode padding in ResNetBuilder relies on maxpool stride <= 2 (see there).
        if (maxpoolStride < 1 || maxpoolStride > 2) {
            throw new IllegalArgumentException("maxpoolStride must be 1 or 2: " + maxpoolStride);
        }
        if (strideIn1x1 && block != BlockType.BOTTLENECK) {
            throw new IllegalArgumentException("strideIn1x1 applies to bottleneck blocks only");
        }
        if (!(bnEps > 0)) throw new IllegalArgumentException("bnEps must be > 0: " + bnEps);
    }

    private static void requireFour(List<Integer> values, String what) {
        if (values.size() != 4 || values.stream().anyMatch(v -> v == null || v < 1)) {
            throw new IllegalArgumentException(what + " needs four positive values, got " + values);
        }
    }

    /** torchvision's ResNet-18: basic blocks [2, 2, 2, 2], output stride 32. */
    public static ResNetSpec resnet18() {
        return torchvision(BlockType.BASIC, List.of(2, 2, 2, 2));
    }

    /** torchvision's ResNet-34: basic blocks [3, 4, 6, 3], output stride 32. */
    public static ResNetSpec resnet34() {
        return torchvision(BlockType.BASIC, List.of(3, 4, 6, 3));
    }

    /** torchvision's ResNet-50: bottleneck blocks [3, 4, 6, 3], output stride 32. */
    public static ResNetSpec resnet50() {
        return torchvision(BlockType.BOTTLENECK, List.of(3, 4, 6, 3));
    }

    /** torchvision's ResNet-101: bottleneck blocks [3, 4, 23, 3], output stride 32. */
    public static ResNetSpec resnet101() {
        return torchvision(BlockType.BOTTLENECK, List.of(3, 4, 23, 3));
    }

    /**
     * The IRN/AdvCAM classifier backbone (spec 1.3): ResNet-50, strides (2, 2, 2, 1) = conv1 s2,
     * maxpool s2, layer2 s2, layer3 s2, layer4 s1 without dilation; output stride 16.
     */
    public static ResNetSpec resnet50Irn() {
        return resnet50().withLayerStrides(List.of(1, 2, 2, 1));
    }

    /**
     * DeepLab-v2's caffe-style ResNet-101 (spec 8): stride on the first 1x1 conv, ceil-mode stem
     * pool, layer3 and layer4 at stride 1 with dilation 2 and 4; output stride 8.
     */
    public static ResNetSpec resnet101DeepLabV2() {
        return new ResNetSpec(BlockType.BOTTLENECK, List.of(3, 4, 23, 3), 1.0, 2, 2,
                List.of(1, 2, 1, 1), List.of(1, 1, 2, 4), true, true, DEFAULT_BN_EPS);
    }

    /**
     * A torchvision ResNet by name ({@code resnet18}, {@code resnet34}, {@code resnet50},
     * {@code resnet101}).
     *
     * @throws IllegalArgumentException for another name
     */
    public static ResNetSpec named(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "resnet18" -> resnet18();
            case "resnet34" -> resnet34();
            case "resnet50" -> resnet50();
            case "resnet101" -> resnet101();
            default -> throw new IllegalArgumentException("unknown architecture '" + name
                    + "'; use resnet18, resnet34, resnet50 or resnet101");
        };
    }

    /** The CAM classifier's backbone of spec 1.3 for any depth: strides (2, 2, 2, 1), output stride 16. */
    public static ResNetSpec camBackbone(String name, double widthMultiplier) {
        return named(name).withLayerStrides(List.of(1, 2, 2, 1)).withWidthMultiplier(widthMultiplier);
    }

    private static ResNetSpec torchvision(BlockType type, List<Integer> blocks) {
        return new ResNetSpec(type, blocks, 1.0, 2, 2, TORCHVISION_STRIDES, NO_DILATION, false, false,
                DEFAULT_BN_EPS);
    }

    public ResNetSpec withWidthMultiplier(double multiplier) {
        return new ResNetSpec(block, blocks, multiplier, conv1Stride, maxpoolStride, layerStrides,
                layerDilations, strideIn1x1, maxpoolCeilMode, bnEps);
    }

    public ResNetSpec withLayerStrides(List<Integer> strides) {
        return new ResNetSpec(block, blocks, widthMultiplier, conv1Stride, maxpoolStride, strides,
                layerDilations, strideIn1x1, maxpoolCeilMode, bnEps);
    }

    public ResNetSpec withLayerDilations(List<Integer> dilations) {
        return new ResNetSpec(block, blocks, widthMultiplier, conv1Stride, maxpoolStride, layerStrides,
                dilations, strideIn1x1, maxpoolCeilMode, bnEps);
    }

    /** Depth in the usual naming: stem conv + 2 or 3 convs per block + the (dropped) fc layer. */
    public int depth() {
        int perBlock = block == BlockType.BASIC ? 2 : 3;
        return 2 + perBlock * blocks.stream().mapToInt(Integer::intValue).sum();
    }

    /** "resnet50", or "resnet50x0.25" for a narrowed one. */
    public String name() {
        return "resnet" + depth() + (widthMultiplier == 1.0 ? "" : "x" + widthMultiplier);
    }

    /** Channels of the stem convolution: 64 scaled. */
    public int stemChannels() {
        return scaled(64);
    }

    /** Planes (inner width) of the blocks of layer {@code layer} (0..3): 64, 128, 256, 512 scaled. */
    public int planes(int layer) {
        return scaled(64 << layer);
    }

    /** Channels of stage {@code layer} (0..3) output = planes x expansion; stage4 of ResNet-50 = 2048. */
    public int stageChannels(int layer) {
        return planes(layer) * block.expansion;
    }

    /** Total stride of stage4: conv1 x maxpool x all layer strides (16 for IRN's ResNet-50). */
    public int outputStride() {
        return conv1Stride * maxpoolStride * layerStrides.stream().reduce(1, (a, b) -> a * b);
    }

    private int scaled(int base) {
        return Math.max(1, (int) Math.round(base * widthMultiplier));
    }

    /** One line for messages: name, strides, dilations, style. */
    public String describe() {
        return name() + " (" + block.name().toLowerCase() + " blocks " + blocks + ", strides conv1 "
                + conv1Stride + " maxpool " + maxpoolStride + " layers " + layerStrides + ", dilations "
                + layerDilations + (strideIn1x1 ? ", stride in 1x1" : "") + (maxpoolCeilMode ? ", ceil-mode pool" : "")
                + ")";
    }
}
