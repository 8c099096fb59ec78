package org.wsss4j.classifier;

import org.wsss4j.nn.BatchNormCalibration;
import org.wsss4j.nn.Checkpoint;
import org.wsss4j.nn.GraphLayers;
import org.wsss4j.nn.InputGradientPass;
import org.wsss4j.nn.Layout;
import org.wsss4j.nn.LossGradients;
import org.wsss4j.nn.NetworkParameters;
import org.wsss4j.nn.NormFolding;
import org.wsss4j.nn.PooledInferenceSession;
import org.wsss4j.nn.ResNetBackbone;
import org.wsss4j.nn.ResNetBuilder;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.TapeEntry;
import org.wsss4j.nn.WeightLoader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Parameter;

/**
 * The CAM classifier of spec 1.3: a ResNet backbone and a bias-free 1x1 convolution
 * {@code classifier.weight} from stage4's channels to the classes.
 * <ul>
 *   <li>{@code cams} = z = conv1x1(stage4) per position, [N, K, h', w'], raw (no ReLU): the class
 *       maps of CAM (spec 2) and AdvCAM (spec 3.2).</li>
 *   <li>{@code logits} = conv1x1(GAP(stage4)), [N, K], the training output. The 1x1 conv is
 *       linear, so this equals the spatial mean of {@code cams}, which is how it is computed.</li>
 * </ul>
 * Build once per process and reuse (graph build and the first gradient call take seconds). A
 * CamNetwork is not thread-safe.
 *
 * <p>Inside the graph the activations are in {@link #DEFAULT_LAYOUT} unless another
 * {@link Layout} is asked for; the input, the class maps, the logits, the stage outputs of
 * {@link #backbone()} and the input gradient are NCHW in every layout, and the parameters do not
 * depend on it.
 */
public final class CamNetwork {
    public static final String INPUT = "input";
    public static final String CAMS = "cams";
    public static final String LOGITS = "logits";
    /** Placeholder of the upstream gradient dL/dcams in {@link #camsAndInputGradient(INDArray, INDArray)}. */
    public static final String CAMS_UPSTREAM = "cams_upstream";
    private static final String VJP_LOSS = "cams_vjp_loss";
    /** dL/dinput of the reverse pass fed by {@value #CAMS_UPSTREAM}. */
    private static final String VJP_INPUT_GRADIENT = "cams_vjp_input_gradient";
    /** VOC's 20 foreground classes (spec 1.1). */
    public static final int VOC_CLASSES = 20;
    /** The layout of the activations inside the graph (GraphLayers gives the measured reason). */
    public static final Layout DEFAULT_LAYOUT = Layout.NHWC;

    // Every graph's passes allocate from a per-session pool (PooledInferenceSession says why).
    static {
        PooledInferenceSession.install();
    }

    private final SameDiff sd;
    private final ResNetSpec spec;
    private final int numClasses;
    private final DataType dataType;
    private final Layout layout;
    private final SDVariable input;
    private final ResNetBackbone backbone;
    private final SDVariable cams;
    private final SDVariable logits;
    private final NetworkParameters parameters;
    private final List<TapeEntry> tape;
    private final LossGradients lossGradients;

    private CamNetwork(ResNetSpec spec, int numClasses, DataType dataType, long seed, Layout layout,
                       NormFolding folding) {
        this.sd = SameDiff.create();
        this.lossGradients = new LossGradients(sd);
        this.spec = spec;
        this.numClasses = numClasses;
        this.dataType = dataType;
        this.layout = layout;
        this.input = sd.placeHolder(INPUT, dataType, -1, 3, -1, -1);
        GraphLayers layers = new GraphLayers(sd, new NetworkParameters(), dataType, seed, layout, folding);
        // One permutation into the layout at the input and one out of it at the class maps (and
        // at the stage outputs, computed only when asked for); cheap next to the convolutions.
        ResNetBackbone inside = ResNetBuilder.buildInLayout(layers, layers.fromNchw(input), spec);
        SDVariable z = layers.conv1x1DefaultInit("classifier", inside.features(), inside.featureChannels(),
                numClasses, Group.NEW_LAYERS);
        this.backbone = ResNetBuilder.inNchw(layers, inside);
        this.parameters = layers.parameters();
        this.cams = layers.toNchw(z).rename(CAMS);
        this.tape = layers.tape();
        this.logits = cams.mean(LOGITS, false, 2, 3);
        // dL/dx for any L(cams) is the vector-Jacobian product J^T (dL/dcams): the gradient of
        // sum(cams * upstream) with upstream held fixed.
        SDVariable upstream = sd.placeHolder(CAMS_UPSTREAM, dataType, -1, numClasses, -1, -1);
        cams.mul(upstream).sum(VJP_LOSS);
    }

    /**
     * Builds a CAM network with from-scratch weights (Kaiming normal convs, PyTorch-default
     * classifier; seeded). Load trained weights with {@link WeightLoader} or {@link Checkpoint}.
     *
     * @param dataType FLOAT for use, DOUBLE for gradient checks
     */
    public static CamNetwork build(ResNetSpec spec, int numClasses, DataType dataType, long seed) {
        return build(spec, numClasses, dataType, seed, DEFAULT_LAYOUT);
    }

    /** As above, with the activations inside the graph in {@code layout} (same parameters, same outputs). */
    public static CamNetwork build(ResNetSpec spec, int numClasses, DataType dataType, long seed, Layout layout) {
        return build(spec, numClasses, dataType, seed, layout, NormFolding.PER_PASS);
    }

    /**
     * A network for inference only (class maps, AdvCAM's input gradients; no parameter
     * gradients): batch norm is folded into constants when weights are loaded
     * ({@link NormFolding#ON_LOAD}), not on every pass. The same outputs as {@link #build}.
     * Change its parameters only through {@link WeightLoader}/{@link Checkpoint}, or call
     * {@code parameters().refreshFolded()} after changing them.
     */
    public static CamNetwork forInference(ResNetSpec spec, int numClasses, DataType dataType, long seed) {
        return build(spec, numClasses, dataType, seed, DEFAULT_LAYOUT, NormFolding.ON_LOAD);
    }

    /** As {@link #build(ResNetSpec, int, DataType, long, Layout)}, with batch norm folded where {@code folding} says. */
    public static CamNetwork build(ResNetSpec spec, int numClasses, DataType dataType, long seed, Layout layout,
                                   NormFolding folding) {
        if (numClasses < 1) throw new IllegalArgumentException("numClasses must be >= 1: " + numClasses);
        return new CamNetwork(spec, numClasses, dataType, seed, layout, folding);
    }

    /** IRN/AdvCAM's classifier: ResNet-50 at output stride 16 with 20 VOC classes, float32. */
    public static CamNetwork resnet50Irn(long seed) {
        return build(ResNetSpec.resnet50Irn(), VOC_CLASSES, DataType.FLOAT, seed);
    }

    public SameDiff graph() {
        return sd;
    }

    public ResNetSpec spec() {
        return spec;
    }

    public int numClasses() {
        return numClasses;
    }

    public DataType dataType() {
        return dataType;
    }

    /** The layout of the activations inside the graph. */
    public Layout layout() {
        return layout;
    }

    /** The NCHW input placeholder {@value #INPUT} ([N, 3, H, W], normalised image). */
    public SDVariable input() {
        return input;
    }

    public ResNetBackbone backbone() {
        return backbone;
    }

    /** The class maps z ([N, K, h', w']), for building losses on top of them in {@link #graph()}. */
    public SDVariable camsVariable() {
        return cams;
    }

    /** The training logits ([N, K]). */
    public SDVariable logitsVariable() {
        return logits;
    }

    public NetworkParameters parameters() {
        return parameters;
    }

    /** Raw class maps z for a batch, [N, K, ceil-ish(H/os), ...]. */
    public INDArray cams(INDArray x) {
        return outputs(x, CAMS).get(CAMS);
    }

    /** Training logits for a batch, [N, K]. */
    public INDArray logits(INDArray x) {
        return outputs(x, LOGITS).get(LOGITS);
    }

    /** Any named graph outputs (e.g. {@code backbone().stage(4).name()}) for input {@code x}. */
    public Map<String, INDArray> outputs(INDArray x, String... names) {
        return sd.output(Map.of(INPUT, checkInput(x)), names);
    }

    /** Class maps of one forward pass and dL/dinput for a loss L. */
    public record CamsAndGradient(INDArray cams, INDArray inputGradient, Map<String, INDArray> outputs) {}

    /**
     * Sets every frozen batch norm's running statistics from {@code batch} ([N, 3, H, W],
     * normalised images), layer by layer ({@link BatchNormCalibration}): a data-dependent
     * initialisation for a network trained from scratch.
     */
    public void calibrateBatchNorm(INDArray batch) {
        INDArray x = batch.castTo(dataType());
        BatchNormCalibration.calibrate(parameters(), name -> graph().output(Map.of(INPUT, x), name).get(name));
    }

    /**
     * The class maps z at {@code x} and the input gradient of L(z) given dL/dz: returns
     * J^T upstream, J = dz/dx, computed by the {@link InputGradientPass} in one
     * {@code sd.output} call. Use it when L is cheaper to differentiate by hand than in the graph;
     * it needs z before calling, i.e. one extra forward.
     *
     * @param upstream dL/dz, same shape as the cams of {@code x}
     */
    public CamsAndGradient camsAndInputGradient(INDArray x, INDArray upstream) {
        if (!hasInputGradientPass()) {
            return camsAndInputGradientByAutodiff(x, upstream); // e.g. a dilated backbone
        }
        if (!sd.hasVariable(VJP_INPUT_GRADIENT)) {
            inputGradientVariable(sd.getVariable(CAMS_UPSTREAM), VJP_INPUT_GRADIENT);
        }
        return outputsWithInputGradient(vjpFeed(x, upstream), VJP_INPUT_GRADIENT);
    }

    /**
     * Whether {@link #inputGradientVariable} works for this network: every layer between input
     * and class maps has a hand-written input gradient (not so for dilated convolutions).
     */
    public boolean hasInputGradientPass() {
        return InputGradientPass.unsupported(tape, input, cams).isEmpty();
    }

    /** As {@link #camsAndInputGradient(INDArray, INDArray)} through SameDiff's autodiff (the reference in tests). */
    public CamsAndGradient camsAndInputGradientByAutodiff(INDArray x, INDArray upstream) {
        return camsAndInputGradient(vjpFeed(x, upstream), VJP_LOSS);
    }

    private Map<String, INDArray> vjpFeed(INDArray x, INDArray upstream) {
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(INPUT, checkInput(x));
        feed.put(CAMS_UPSTREAM, upstream.castTo(dataType));
        return feed;
    }

    /**
     * Adds to {@link #graph()} the input gradient dL/dinput ([N, 3, H, W]) of a loss whose
     * gradient w.r.t. the class maps is the graph variable {@code upstream} (dL/dcams, shaped like
     * {@link #camsVariable()}), as ordinary forward ops ({@link InputGradientPass}), named
     * {@code name}. Compute it with {@link #outputsWithInputGradient}: forward pass and gradient in
     * one {@code sd.output} call, without SameDiff's autodiff (which also computes the weight
     * gradients of every convolution). Call once per upstream; the ops stay in the graph.
     *
     * @throws IllegalStateException if not {@link #hasInputGradientPass()}
     */
    public SDVariable inputGradientVariable(SDVariable upstream, String name) {
        return InputGradientPass.build(sd, tape, input, cams, upstream, name);
    }

    /**
     * The class maps, the input gradient variable {@code gradientName} made by
     * {@link #inputGradientVariable} and any extra outputs, in one {@code sd.output} call.
     */
    public CamsAndGradient outputsWithInputGradient(Map<String, INDArray> placeholders, String gradientName,
                                                    String... extraOutputs) {
        List<String> outs = new ArrayList<>(List.of(CAMS, gradientName));
        outs.addAll(List.of(extraOutputs));
        Map<String, INDArray> outputs = new LinkedHashMap<>(sd.output(placeholders, outs.toArray(new String[0])));
        INDArray gradient = outputs.remove(gradientName);
        return new CamsAndGradient(outputs.get(CAMS), gradient, outputs);
    }

    /**
     * Class maps, extra outputs and the gradient of a scalar loss w.r.t. the input placeholder,
     * in one call ({@code sd.calculateGradientsAndOutputs}). The loss is a variable the caller
     * built in {@link #graph()} from {@link #camsVariable()} (and its own placeholders, fed in
     * {@code placeholders} together with {@value #INPUT}). Switching between losses rebuilds
     * SameDiff's gradient function, so keep to one loss per network in a loop.
     */
    public CamsAndGradient camsAndInputGradient(Map<String, INDArray> placeholders, String lossName,
                                                String... extraOutputs) {
        List<String> outs = new ArrayList<>(List.of(CAMS));
        outs.addAll(List.of(extraOutputs));
        OutAndGrad og = lossGradients.ofVariables(placeholders, lossName, outs, List.of(INPUT));
        Map<String, INDArray> outputs = new LinkedHashMap<>(og.getOutputs());
        return new CamsAndGradient(outputs.get(CAMS), og.getGradients().get(INPUT), outputs);
    }

    /** Loss value(s) and gradients of the given parameters, keyed by PyTorch name. */
    public record ParameterGradients(Map<String, INDArray> outputs, Map<String, INDArray> gradients) {}

    /**
     * Gradients of the scalar loss {@code lossName} (built by the caller in {@link #graph()})
     * w.r.t. the given parameters, plus the requested outputs, in one forward/backward pass. The
     * training loop passes {@code parameters().trainable()} and applies per-group learning rates
     * (Parameter.group()) itself.
     */
    public ParameterGradients parameterGradients(Map<String, INDArray> placeholders, String lossName,
                                                 Collection<Parameter> params, String... outputs) {
        if (parameters.hasFoldedNorms()) {
            throw new IllegalStateException("this network was built for inference (CamNetwork.forInference): its"
                    + " batch norms are folded into constants, so its parameters get no gradients; build it with"
                    + " CamNetwork.build to train");
        }
        LossGradients.Result r = lossGradients.ofParameters(placeholders, lossName, params, List.of(outputs));
        return new ParameterGradients(r.outputs(), r.gradients());
    }

    private INDArray checkInput(INDArray x) {
        if (x.rank() != 4 || x.size(1) != 3) {
            throw new IllegalArgumentException("input must be [N, 3, H, W], got " + java.util.Arrays.toString(x.shape()));
        }
        return x.dataType() == dataType ? x : x.castTo(dataType);
    }
}
