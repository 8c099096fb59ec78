package org.wsss4j.seg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.nn.BatchNormCalibration;
import org.wsss4j.nn.BilinearUpsampling;
import org.wsss4j.nn.GraphLayers;
import org.wsss4j.nn.Layout;
import org.wsss4j.nn.LossGradients;
import org.wsss4j.nn.NetworkParameters;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Parameter;
import org.wsss4j.nn.NormFolding;
import org.wsss4j.nn.PooledInferenceSession;
import org.wsss4j.nn.ResNetBackbone;
import org.wsss4j.nn.ResNetBuilder;

/**
 * deeplab-pytorch's {@code DeepLabV2_ResNet101_MSC} (spec 8) in a SameDiff graph, for any
 * {@link DeepLabSpec}:
 * <ul>
 *   <li>base(x) = sum over the ASPP rates r of conv3x3_r(ResNet(x)) + bias_r: the caffe-style
 *       ResNet of {@link ResNetBuilder} with frozen batch norm, then parallel 3x3 convolutions
 *       (dilation = padding = r, with bias) from the last stage's channels to the classes, summed;</li>
 *   <li>MSC: {@value #LOGITS} = base(x); for each scale s, {@code logits_x<s>} = base(down_s(x))
 *       where down_s is PyTorch's {@code F.interpolate(x, scale_factor=s, mode="bilinear",
 *       align_corners=False)}; {@value #FUSED} = the pixelwise max of the logits and of every
 *       scaled logits upsampled to the logits' size ({@code F.interpolate(size=...)}, bilinear,
 *       align_corners=False). Max of logits, not of probabilities.</li>
 * </ul>
 * The same parameters serve every scale ({@link GraphLayers#sharingParameters()}); a training
 * loss on all four outputs sends the gradients of every pass to them.
 *
 * <p>Input: the placeholder {@value #INPUT}, NCHW float, BGR in 0..255 minus {@link #INPUT_MEAN_BGR},
 * no division (the caller prepares it). The interpolations are products with matrices fed as
 * placeholders by {@link #feed}, so one graph serves every input size and stays differentiable
 * (ND4J's resize op has no gradient; see {@link BilinearUpsampling}).
 *
 * <p>Parameters are named as torchvision's (as every {@link ResNetBuilder} network), the ASPP
 * {@code aspp.c0.weight} ... {@code aspp.c3.bias} in group {@link Group#NEW_LAYERS};
 * {@link DeepLabWeights} reads and writes deeplab-pytorch's own keys. Build once per process
 * and reuse; not thread-safe.
 */
public final class DeepLabV2 {
    /** The input placeholder, [N, 3, H, W]. */
    public static final String INPUT = "input";
    /** Logits of the input at scale 1.0, [N, K, h, w] with h = spec.logitSize(H). */
    public static final String LOGITS = "logits";
    /** The MSC fusion: pixelwise max of all scales' logits at the size of {@value #LOGITS}. */
    public static final String FUSED = "logits_max";
    /** The mean subtracted from the BGR 0..255 input, B, G, R: {@link DeepLabInput#MEAN_BGR}; no std division. */
    public static final List<Double> INPUT_MEAN_BGR = DeepLabInput.MEAN_BGR;
    /** The layout of the activations inside the graph (GraphLayers gives the measured reason). */
    public static final Layout DEFAULT_LAYOUT = Layout.NHWC;

    // Every graph's passes allocate from a per-session pool (PooledInferenceSession says why).
    static {
        PooledInferenceSession.install();
    }

    private final SameDiff sd;
    private final DeepLabSpec spec;
    private final DataType dataType;
    private final Layout layout;
    private final SDVariable input;
    private final ResNetBackbone backbone;
    private final SDVariable logits;
    private final List<SDVariable> scaledLogits = new ArrayList<>();
    private final SDVariable fused;
    private final NetworkParameters parameters;
    private final LossGradients lossGradients;
    /** {@link #feed}'s interpolation matrices for the last input size asked. */
    private long[] matricesSize;
    private Map<String, INDArray> matrices;

    private DeepLabV2(DeepLabSpec spec, DataType dataType, long seed, Layout layout, NormFolding folding) {
        this.sd = SameDiff.create();
        this.lossGradients = new LossGradients(sd);
        this.spec = spec;
        this.dataType = dataType;
        this.layout = layout;
        this.input = sd.placeHolder(INPUT, dataType, -1, 3, -1, -1);
        GraphLayers layers = new GraphLayers(sd, new NetworkParameters(), dataType, seed, layout, folding);
        ResNetBackbone inside = ResNetBuilder.buildInLayout(layers, layers.fromNchw(input), spec.backbone());
        this.backbone = ResNetBuilder.inNchw(layers, inside);
        this.logits = layers.toNchw(aspp(layers, inside.features())).rename(LOGITS);
        this.parameters = layers.parameters();

        List<SDVariable> atLogitSize = new ArrayList<>(List.of(logits));
        if (!spec.scales().isEmpty()) {
            GraphLayers again = layers.sharingParameters();
            // SameDiff differentiates an op only when an input depends on a trainable variable (see
            // GraphLayers.fromNchw): x + 0 with a variable 0 lets the input gradient flow through
            // the downscaling products too. Not a parameter: never trained or saved.
            SDVariable gated = input.add(sd.var("msc_autodiff_gate", Nd4j.scalar(dataType, 0.0)));
            for (double s : spec.scales()) {
                SDVariable down = BilinearUpsampling.applyMatrices(sd, gated,
                        matrixPlaceholder(downRowsName(s)), matrixPlaceholder(downColumnsName(s)));
                SDVariable inner = again.fromNchw(down);
                SDVariable z = ResNetBuilder.buildInLayout(again, inner, spec.backbone()).features();
                SDVariable zs = again.toNchw(aspp(again, z)).rename(scaledLogitsName(s));
                scaledLogits.add(zs);
                atLogitSize.add(BilinearUpsampling.applyMatrices(sd, zs,
                        matrixPlaceholder(upRowsName(s)), matrixPlaceholder(upColumnsName(s))));
            }
        }
        this.fused = atLogitSize.size() == 1 ? sd.identity(FUSED, logits)
                : sd.stack(0, atLogitSize.toArray(new SDVariable[0])).max(FUSED, 0);
    }

    /** The summed ASPP branches on {@code features} (in the factory's layout). */
    private SDVariable aspp(GraphLayers layers, SDVariable features) {
        SDVariable sum = null;
        List<Integer> rates = spec.atrousRates();
        for (int i = 0; i < rates.size(); i++) {
            int r = rates.get(i);
            SDVariable branch = layers.convWithBias("aspp.c" + i, features, spec.featureChannels(), spec.numClasses(),
                    3, 1, r, r, DeepLabSpec.ASPP_INIT_STD, Group.NEW_LAYERS);
            sum = sum == null ? branch : layers.add(sum, branch);
        }
        return sum;
    }

    private SDVariable matrixPlaceholder(String name) {
        return sd.placeHolder(name, dataType, -1, -1);
    }

    /**
     * A network for training: from-scratch weights (Kaiming-normal backbone convs, ASPP
     * N(0, 0.01^2) with bias 0; seeded), batch norm frozen and folded on every pass (gamma and
     * beta get gradients; a trainer following deeplab-pytorch leaves them out of the optimiser).
     * Load weights with {@link DeepLabWeights} or {@link DeepLabCheckpoint}.
     *
     * @param dataType FLOAT for use, DOUBLE for gradient checks
     */
    public static DeepLabV2 build(DeepLabSpec spec, DataType dataType, long seed) {
        return build(spec, dataType, seed, DEFAULT_LAYOUT, NormFolding.PER_PASS);
    }

    /**
     * For inference only ({@value #FUSED}, no gradients): batch norm folded into constants when
     * weights are loaded ({@link NormFolding#ON_LOAD}). The same outputs as {@link #build}.
     */
    public static DeepLabV2 forInference(DeepLabSpec spec, DataType dataType, long seed) {
        return build(spec, dataType, seed, DEFAULT_LAYOUT, NormFolding.ON_LOAD);
    }

    /** With the activations inside the graph in {@code layout} and batch norm folded where {@code folding} says. */
    public static DeepLabV2 build(DeepLabSpec spec, DataType dataType, long seed, Layout layout, NormFolding folding) {
        return new DeepLabV2(spec, dataType, seed, layout, folding);
    }

    public SameDiff graph() {
        return sd;
    }

    public DeepLabSpec spec() {
        return spec;
    }

    public DataType dataType() {
        return dataType;
    }

    public Layout layout() {
        return layout;
    }

    public NetworkParameters parameters() {
        return parameters;
    }

    /** The input placeholder {@value #INPUT}. */
    public SDVariable input() {
        return input;
    }

    /** The ResNet of the scale-1.0 pass, its stage outputs NCHW. */
    public ResNetBackbone backbone() {
        return backbone;
    }

    /** {@value #LOGITS}: the scale-1.0 logits, [N, K, h, w]. */
    public SDVariable logitsVariable() {
        return logits;
    }

    /** The logits of each downscaled input at their own size, in {@code spec().scales()} order. */
    public List<SDVariable> scaledLogitsVariables() {
        return Collections.unmodifiableList(scaledLogits);
    }

    /** {@value #FUSED}: the MSC max, [N, K, h, w]. */
    public SDVariable fusedLogitsVariable() {
        return fused;
    }

    /**
     * deeplab-pytorch's MSC training outputs in its order: logits, the logits of each scale (at
     * their own sizes), the fused max. Spec 8's loss is a cross-entropy on each, summed.
     */
    public List<SDVariable> trainingOutputs() {
        List<SDVariable> out = new ArrayList<>();
        out.add(logits);
        out.addAll(scaledLogits);
        if (!scaledLogits.isEmpty()) out.add(fused);
        return out;
    }

    /** The names of {@link #trainingOutputs()}: e.g. logits, logits_x0.5, logits_x0.75, logits_max. */
    public List<String> trainingOutputNames() {
        return trainingOutputs().stream().map(SDVariable::name).toList();
    }

    /** The output name of the logits of the input downscaled by {@code scale}, e.g. {@code logits_x0.5}. */
    public static String scaledLogitsName(double scale) {
        return LOGITS + "_x" + scale;
    }

    /** Placeholder [floor(s*H), H]: the rows of the downscaling by {@code s}. */
    public static String downRowsName(double s) {
        return "msc_down_rows_x" + s;
    }

    /** Placeholder [W, floor(s*W)]: the downscaling by {@code s} along the width, transposed. */
    public static String downColumnsName(double s) {
        return "msc_down_columns_x" + s;
    }

    /** Placeholder [h, h_s]: upsampling the scale-{@code s} logits' rows to the logits' height. */
    public static String upRowsName(double s) {
        return "msc_up_rows_x" + s;
    }

    /** Placeholder [w_s, w]: upsampling the scale-{@code s} logits' columns to the logits' width, transposed. */
    public static String upColumnsName(double s) {
        return "msc_up_columns_x" + s;
    }

    /**
     * The placeholders of a pass on {@code x} ([N, 3, H, W]): the input and, for each MSC scale,
     * its four interpolation matrices (PyTorch's bilinear weights for this H and W). Add a
     * trainer's own placeholders (labels) to the returned (mutable) map.
     *
     * @throws IllegalArgumentException if a downscaled input would be empty
     */
    public Map<String, INDArray> feed(INDArray x) {
        INDArray in = checkInput(x);
        Map<String, INDArray> feed = new LinkedHashMap<>(interpolationMatrices((int) in.size(2), (int) in.size(3)));
        feed.put(INPUT, in);
        return feed;
    }

    /** The interpolation matrices of {@link #feed} for an H x W input, by placeholder name. */
    public Map<String, INDArray> interpolationMatrices(int height, int width) {
        long[] size = {height, width};
        if (matrices != null && Arrays.equals(size, matricesSize)) {
            return matrices;
        }
        Map<String, INDArray> m = new LinkedHashMap<>();
        int h = spec.logitSize(height), w = spec.logitSize(width);
        for (double s : spec.scales()) {
            int sh = DeepLabSpec.scaledSize(height, s), sw = DeepLabSpec.scaledSize(width, s);
            if (sh < 1 || sw < 1) {
                throw new IllegalArgumentException("a " + height + "x" + width + " input downscaled by " + s
                        + " is empty");
            }
            m.put(downRowsName(s), array(BilinearUpsampling.scaleFactorMatrix(height, s), false));
            m.put(downColumnsName(s), array(BilinearUpsampling.scaleFactorMatrix(width, s), true));
            m.put(upRowsName(s), array(BilinearUpsampling.sizeMatrix(spec.logitSize(sh), h), false));
            m.put(upColumnsName(s), array(BilinearUpsampling.sizeMatrix(spec.logitSize(sw), w), true));
        }
        matrices = Collections.unmodifiableMap(m);
        matricesSize = size;
        return matrices;
    }

    private INDArray array(double[][] m, boolean transposed) {
        INDArray a = Nd4j.create(m);
        return (transposed ? a.transpose() : a).castTo(dataType).dup('c');
    }

    /** Any named outputs (e.g. {@link #trainingOutputNames()}) for input {@code x}. */
    public Map<String, INDArray> outputs(INDArray x, String... names) {
        return sd.output(feed(x), names);
    }

    /**
     * Sets every frozen batch norm's running statistics from {@code batch} ([N, 3, H, W], prepared
     * input), layer by layer on the scale-1.0 pass ({@link BatchNormCalibration}; the other scales
     * share its norms): a data-dependent initialisation for a network trained from scratch.
     */
    public void calibrateBatchNorm(INDArray batch) {
        Map<String, INDArray> feed = feed(batch.castTo(dataType));
        BatchNormCalibration.calibrate(parameters, name -> sd.output(feed, name).get(name));
    }

    /** The MSC-fused logits {@value #FUSED} of {@code x}, [N, K, h, w] (the test path before the final upsampling). */
    public INDArray fusedLogits(INDArray x) {
        return outputs(x, FUSED).get(FUSED);
    }

    /** Loss value(s) and gradients of the given parameters, keyed by PyTorch name. */
    public record Gradients(Map<String, INDArray> outputs, Map<String, INDArray> gradients) {}

    /**
     * Gradients of the scalar loss {@code lossName} (built by the caller in {@link #graph()} on
     * {@link #trainingOutputs()}, with its own placeholders fed in {@code placeholders} together
     * with {@link #feed}'s) w.r.t. the given parameters, and the requested outputs, in one
     * forward/backward pass. Keep to one loss per network in a loop: switching rebuilds
     * SameDiff's gradient function.
     */
    public Gradients parameterGradients(Map<String, INDArray> placeholders, String lossName,
                                        Collection<Parameter> params, String... outputs) {
        if (parameters.hasFoldedNorms()) {
            throw new IllegalStateException("this network was built for inference (DeepLabV2.forInference): its"
                    + " batch norms are folded into constants, so its parameters get no gradients; build it with"
                    + " DeepLabV2.build to train");
        }
        LossGradients.Result r = lossGradients.ofParameters(placeholders, lossName, params, List.of(outputs));
        return new Gradients(r.outputs(), r.gradients());
    }

    /** The gradient of the scalar loss {@code lossName} w.r.t. the input placeholder, [N, 3, H, W]. */
    public INDArray inputGradient(Map<String, INDArray> placeholders, String lossName) {
        OutAndGrad og = lossGradients.ofVariables(placeholders, lossName, List.of(), List.of(INPUT));
        return og.getGradients().get(INPUT);
    }

    private INDArray checkInput(INDArray x) {
        if (x.rank() != 4 || x.size(1) != 3) {
            throw new IllegalArgumentException("input must be [N, 3, H, W], got " + Arrays.toString(x.shape()));
        }
        return x.dataType() == dataType ? x : x.castTo(dataType);
    }
}
