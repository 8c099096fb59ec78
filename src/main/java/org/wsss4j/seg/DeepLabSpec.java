package org.wsss4j.seg;

import java.util.List;
import java.util.Locale;
import org.wsss4j.BadInputException;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.ResNetSpec.BlockType;

/**
 * The shape of a DeepLab-v2 network (spec 8): a caffe-style bottleneck ResNet, the ASPP head and
 * the multi-scale inputs (MSC). Everything needed to build it and to check that a checkpoint was
 * made for the same network.
 *
 * @param backbone    the ResNet: bottleneck blocks with the stride on the first 1x1 conv and a
 *                    ceil-mode stem max-pool (deeplab-pytorch's resnet.py); its last stages are
 *                    dilated instead of strided ({@link #caffeBackbone})
 * @param numClasses  ASPP outputs, background included (21 for VOC)
 * @param atrousRates dilation (= padding) of each ASPP branch; the branches are summed
 * @param scales      the MSC downscale factors besides 1.0, in deeplab-pytorch's output order;
 *                    empty for a single-scale network (then the fused output is the logits)
 */
public record DeepLabSpec(ResNetSpec backbone, int numClasses, List<Integer> atrousRates, List<Double> scales) {

    /** VOC 2012's 20 object classes and the background (spec 1.1, 8). */
    public static final int VOC_CLASSES = 21;
    /** DeepLabV2_ResNet101_MSC's ASPP rates (deeplab-pytorch libs/models/__init__.py; spec 8). */
    public static final List<Integer> REFERENCE_ATROUS_RATES = List.of(6, 12, 18, 24);
    /** DeepLabV2_ResNet101_MSC's MSC scales besides 1.0 (deeplab-pytorch libs/models/msc.py; spec 8). */
    public static final List<Double> REFERENCE_SCALES = List.of(0.5, 0.75);
    /** DeepLab-v2's backbone: ResNet-101 (spec 8). */
    public static final String REFERENCE_ARCH = "resnet101";
    /** Published channel widths. */
    public static final double REFERENCE_WIDTH = 1.0;
    /** layer3 stride 2, layer4 and layer5 dilated 2 and 4 (spec 8). */
    public static final int REFERENCE_OUTPUT_STRIDE = 8;
    /** The ASPP convolutions' weights start N(0, 0.01^2), their biases 0 (deeplab-pytorch deeplabv2.py; spec 8). */
    public static final double ASPP_INIT_STD = 0.01;
    /** Kernel, stride and padding of the stem convolution (7x7, stride from the backbone, padding 3). */
    private static final int STEM_KERNEL = 7;
    private static final int STEM_PADDING = 3;
    /** The stem max-pool: 3x3, padding 1. */
    private static final int POOL_KERNEL = 3;
    private static final int POOL_PADDING = 1;

    public DeepLabSpec {
        if (backbone == null) throw new IllegalArgumentException("backbone missing");
        atrousRates = List.copyOf(atrousRates);
        scales = List.copyOf(scales);
        if (backbone.block() != BlockType.BOTTLENECK || !backbone.strideIn1x1() || !backbone.maxpoolCeilMode()) {
            throw new IllegalArgumentException("DeepLab-v2's backbone is a caffe-style bottleneck ResNet (stride in"
                    + " the first 1x1 conv, ceil-mode stem pool), not " + backbone.describe());
        }
        if (numClasses < 1) {
            throw new BadInputException("DeepLab-v2 needs at least one class, got " + numClasses);
        }
        if (atrousRates.isEmpty() || atrousRates.stream().anyMatch(r -> r == null || r < 1)) {
            throw new BadInputException("DeepLab-v2 ASPP rates " + atrousRates + ": give one or more positive rates");
        }
        for (Double s : scales) {
            if (s == null || !(s > 0) || s == 1.0) {
                throw new BadInputException("DeepLab-v2 MSC scales " + scales
                        + ": give factors > 0 other than 1.0 (the input itself is always used)");
            }
        }
    }

    /** deeplab-pytorch's DeepLabV2_ResNet101_MSC with {@code numClasses} outputs. */
    public static DeepLabSpec reference(int numClasses) {
        return new DeepLabSpec(ResNetSpec.resnet101DeepLabV2(), numClasses, REFERENCE_ATROUS_RATES, REFERENCE_SCALES);
    }

    /**
     * A DeepLab-v2 on a caffe-style ResNet of another depth, width or output stride, with the
     * reference ASPP rates and MSC scales.
     *
     * @param arch a bottleneck ResNet name ({@code resnet50}, {@code resnet101}) for its block counts
     */
    public static DeepLabSpec of(String arch, double widthMultiplier, int outputStride, int numClasses) {
        ResNetSpec named;
        try {
            named = ResNetSpec.named(arch);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("DeepLab-v2 backbone " + arch + ": use resnet50 or resnet101");
        }
        if (named.block() != BlockType.BOTTLENECK) {
            throw new BadInputException("DeepLab-v2 backbone " + arch.toLowerCase(Locale.ROOT)
                    + " has basic blocks; use resnet50 or resnet101 (bottleneck blocks)");
        }
        return of(named.blocks(), widthMultiplier, outputStride, numClasses);
    }

    /** As above with explicit block counts of layer2..layer5 (e.g. [1, 1, 1, 1] for a tiny network). */
    public static DeepLabSpec of(List<Integer> blocks, double widthMultiplier, int outputStride, int numClasses) {
        return new DeepLabSpec(caffeBackbone(blocks, widthMultiplier, outputStride), numClasses,
                REFERENCE_ATROUS_RATES, REFERENCE_SCALES);
    }

    /**
     * deeplab-pytorch's caffe-style ResNet with the given blocks in its layer2..layer5
     * (torchvision's layer1..layer4): stem 7x7 stride 2 and 3x3 max-pool stride 2 with ceil mode,
     * layer3 stride 2; output stride 8 dilates layer4 by 2 and layer5 by 4 (the reference), 16
     * strides layer4 and dilates layer5 by 2, 32 strides both without dilation. Each dilation is
     * the stride it replaces, so the receptive field stays the strided network's.
     */
    public static ResNetSpec caffeBackbone(List<Integer> blocks, double widthMultiplier, int outputStride) {
        List<Integer> strides;
        List<Integer> dilations;
        switch (outputStride) {
            case 8 -> {
                strides = List.of(1, 2, 1, 1);
                dilations = List.of(1, 1, 2, 4);
            }
            case 16 -> {
                strides = List.of(1, 2, 2, 1);
                dilations = List.of(1, 1, 1, 2);
            }
            case 32 -> {
                strides = List.of(1, 2, 2, 2);
                dilations = List.of(1, 1, 1, 1);
            }
            default -> throw new BadInputException("DeepLab-v2 output stride " + outputStride + ": use 8, 16 or 32");
        }
        if (!(widthMultiplier > 0)) {
            throw new BadInputException("DeepLab-v2 width multiplier " + widthMultiplier + ": must be > 0");
        }
        return new ResNetSpec(BlockType.BOTTLENECK, blocks, widthMultiplier, 2, 2, strides, dilations, true, true,
                ResNetSpec.DEFAULT_BN_EPS);
    }

    public DeepLabSpec withScales(List<Double> newScales) {
        return new DeepLabSpec(backbone, numClasses, atrousRates, newScales);
    }

    public DeepLabSpec withAtrousRates(List<Integer> rates) {
        return new DeepLabSpec(backbone, numClasses, rates, scales);
    }

    /** Total stride from the input to the logits (8 for the reference). */
    public int outputStride() {
        return backbone.outputStride();
    }

    /** Channels entering the ASPP (2048 for ResNet-101 at width 1). */
    public int featureChannels() {
        return backbone.stageChannels(3);
    }

    /**
     * The logits' size along an axis of {@code in} input pixels: the stem conv floor((in + 6 - 7) / s) + 1,
     * the stem pool ceil((h + 2 - 3) / s) + 1 (PyTorch's ceil mode, without the last window
     * if it would start in the padding), and each strided 1x1 conv floor((h - 1) / s) + 1; the
     * 3x3 convs (padding = dilation) and the ASPP keep the size. 321 -> 161 -> 81 -> 81 -> 41 for the reference.
     */
    public int logitSize(int in) {
        if (in < 1) throw new IllegalArgumentException("input size must be >= 1: " + in);
        int h = Math.floorDiv(in + 2 * STEM_PADDING - STEM_KERNEL, backbone.conv1Stride()) + 1;
        int s = backbone.maxpoolStride();
        int span = h + 2 * POOL_PADDING - POOL_KERNEL;
        if (backbone.maxpoolCeilMode()) {
            int out = Math.floorDiv(span + s - 1, s) + 1;
            if ((long) (out - 1) * s >= h + POOL_PADDING) out--;
            h = out;
        } else {
            h = Math.floorDiv(span, s) + 1;
        }
        for (int stride : backbone.layerStrides()) {
            h = (h - 1) / stride + 1;
        }
        return h;
    }

    /** Size of an axis of {@code in} pixels downscaled by {@code scale}: floor(in * scale), as PyTorch's F.interpolate. */
    public static int scaledSize(int in, double scale) {
        return (int) Math.floor(in * scale);
    }

    /** One line for messages: backbone, classes, rates, scales. */
    public String describe() {
        return "DeepLab-v2 on " + backbone.describe() + ", " + numClasses + " classes, ASPP rates " + atrousRates
                + ", MSC scales 1.0" + (scales.isEmpty() ? "" : " " + scales);
    }
}
