package org.wsss4j.refine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.data.image.Flip;
import org.wsss4j.nn.BilinearUpsampling;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.nn.GraphLayers;
import org.wsss4j.nn.GroupNorm;
import org.wsss4j.nn.NetworkParameters;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Parameter;
import org.wsss4j.nn.NormFolding;
import org.wsss4j.nn.PointwiseConv;
import org.wsss4j.nn.PooledInferenceSession;
import org.wsss4j.nn.ResNetBackbone;
import org.wsss4j.nn.ResNetBuilder;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.nn.WeightLoader;

/**
 * IRN's inter-pixel relation network (Ahn, Cho &amp; Kwak, CVPR 2019; spec 6.1): a frozen ResNet
 * backbone at strides (2, 2, 2, 1) and two branches reading its five stages, the class-boundary
 * (edge) branch and the displacement-field branch, both at stride 4.
 *
 * <p>Reads top to bottom like the paper's Fig. 2. Stages: x1 = conv1+bn1+relu+maxpool, x2 = layer1,
 * x3 = layer2 (/8), x4 = layer3 (/16), x5 = layer4 (/16). Every branch block is 1x1 conv (no
 * bias) &rarr; GroupNorm &rarr; [bilinear up, align_corners False] &rarr; ReLU, cropped to the
 * size it is concatenated at:
 * <ul>
 *   <li>edge: fc_edge1..5 map x1..x5 to 32 channels (GN 4 groups; x3 up x2, x4 and x5 up x4),
 *       concatenated (160) &rarr; fc_edge6, a 1x1 conv with bias to 1 channel: the boundary logit.</li>
 *   <li>displacement: fc_dp1 x1 &rarr; 64 (GN 8), fc_dp2 x2 &rarr; 128 (GN 16), fc_dp3 x3 &rarr;
 *       256, fc_dp4 x4 &rarr; 256 up x2, fc_dp5 x5 &rarr; 256 up x2 (GN 16, at /8);
 *       fc_dp6 concat(dp3, dp4, dp5) &rarr; 256 up x2 (/4); fc_dp7 concat(dp1, dp2, dp6) &rarr;
 *       256 GN 16 ReLU &rarr; 1x1 to 2 channels (dy, dx), no bias.</li>
 * </ul>
 * Branch widths are the reference's whatever the backbone; the stage channel counts come from the
 * {@link ResNetSpec}, so narrow backbones (the synthetic preset's ResNet-18 x0.25) work too.
 *
 * <p>Parameter names are the reference's state_dict keys ({@code fc_edge1.0.weight},
 * {@code fc_edge1.1.weight} (GN), ..., {@code fc_dp7.3.weight}, {@code mean_shift.running_mean});
 * the backbone's are torchvision's inside the graph and {@code resnet50.}-prefixed in
 * {@link #stateDict()}, as the reference's {@code self.resnet50} attribute names them. The
 * backbone is frozen: its parameters are graph constants, so no gradient is ever computed for
 * them (the reference detaches every stage output and keeps the backbone in eval mode). The
 * backbone and the branches are two graphs; {@link #features} runs the first, whose outputs feed
 * the second.
 *
 * <p>The graph is built for one square input size (the training crop, or the inference pad size),
 * because the upsampling is done with fixed interpolation matrices (see
 * {@link BilinearUpsampling}). Not thread-safe; build once per process.
 */
public final class IrnNetwork {
    public static final String INPUT = "input";

    // Every graph's passes allocate from a per-session pool (PooledInferenceSession says why).
    static {
        PooledInferenceSession.install();
    }

    /** Boundary logits [N, 1, h1, w1] at stride 4. */
    public static final String EDGE = "edge_logits";
    /** Displacement field [N, 2, h1, w1] (dy, dx) before the MeanShift (training mode). */
    public static final String DISPLACEMENT = "displacement";
    /** The MeanShift buffer: subtracted from the displacement at inference (spec 6.3 end). */
    public static final String MEAN_SHIFT = "mean_shift.running_mean";
    /** Prefix of the reference's backbone keys ({@code self.resnet50} of its Net). */
    public static final String BACKBONE_KEY_PREFIX = "resnet50.";
    /**
     * Square size images are zero-padded to before inference: IRN's EdgeDisplacement crop_size 512,
     * above VOC's largest image side 500 (spec 6.1).
     */
    public static final int REFERENCE_PAD_SIZE = 512;
    /** The smallest pad size accepted: two cells of the stride-4 maps. */
    public static final int MIN_PAD_SIZE = 8;
    /** Output stride of both branches: conv1 and the stem max-pool. */
    public static final int STRIDE = 4;
    /** Layer strides of IRN's backbone (output stride 16, spec 6.1), whatever the classifier's were. */
    public static final List<Integer> LAYER_STRIDES = List.of(1, 2, 2, 1);

    private static final int EDGE_WIDTH = 32;
    private static final int EDGE_GROUPS = 4;
    // Keys of a reference state_dict that are not parameters of this network: the ModuleList
    // aliases of the branches, the path-index buffers of AffinityDisplacementLoss, and the second
    // name of the MeanShift module inside fc_dp7 (older IRN versions also had ind_from/ind_to).
    private static final Pattern REFERENCE_EXTRAS = Pattern.compile(
            "^(module\\.)*((edge_layers|dp_layers)\\.\\d+\\..*|path_indices\\d+|disp_target|ind_from|ind_to"
                    + "|fc_dp7\\.4\\..*)$");

    /** Names of the five stage outputs in the backbone graph and of their placeholders in the branch graph. */
    public static final List<String> STAGES = List.of("stage1", "stage2", "stage3", "stage4", "stage5");

    /** Fails unless {@code padSize} is at least {@link #MIN_PAD_SIZE}; returns it. */
    public static int checkPadSize(int padSize) {
        if (padSize < MIN_PAD_SIZE) {
            throw new IllegalArgumentException("pad size " + padSize + ": use at least the largest image side"
                    + " (IRN's " + REFERENCE_PAD_SIZE + " for VOC)");
        }
        return padSize;
    }

    private final SameDiff backboneGraph;
    private final SameDiff sd;
    private final ResNetSpec spec;
    private final int inputSize;
    private final DataType dataType;
    private final NetworkParameters parameters;
    private final SDVariable edge;
    private final SDVariable displacement;
    private final int outputSize;
    private final List<String> backboneNames = new ArrayList<>();

    private IrnNetwork(ResNetSpec spec, int inputSize, DataType dataType, long seed) {
        this.backboneGraph = SameDiff.create();
        this.sd = SameDiff.create();
        this.spec = spec;
        this.inputSize = inputSize;
        this.dataType = dataType;
        this.parameters = new NetworkParameters();
        SDVariable input = backboneGraph.placeHolder(INPUT, dataType, -1, 3, inputSize, inputSize);
        // The backbone only ever runs forward (spec 6.1), so it is built as CamNetwork.forInference
        // builds its own: activations in CamNetwork's layout and batch norm folded once per weight
        // load (NormFolding.ON_LOAD); its stage outputs are NCHW either way.
        ResNetBackbone backbone = ResNetBuilder.build(new GraphLayers(backboneGraph, parameters, dataType, seed,
                CamNetwork.DEFAULT_LAYOUT, NormFolding.ON_LOAD), input, spec);
        freezeBackbone();
        List<SDVariable> stageOutputs = List.of(backbone.stem(), backbone.stage(1), backbone.stage(2),
                backbone.stage(3), backbone.stage(4));
        for (int i = 0; i < 5; i++) {
            stageOutputs.get(i).rename(STAGES.get(i));
        }

        // spatial sizes of the five stages (square input, so one number each)
        int h1 = stemSize(spec, inputSize);
        int h3 = (h1 - 1) / 2 + 1;
        int h4 = (h3 - 1) / 2 + 1;
        this.outputSize = h1;
        int c1 = spec.stemChannels(), c2 = spec.stageChannels(0), c3 = spec.stageChannels(1);
        int c4 = spec.stageChannels(2), c5 = spec.stageChannels(3);
        // The branches read the stages as placeholders of their own graph: the reference detaches
        // every stage, and a separate inference pass lets the backbone's activations be freed
        // before the branches' backward pass (with both in one graph, SameDiff keeps them all:
        // two 512 x 512 ResNet-50 passes exceeded 6 GB, measured here).
        SDVariable x1 = sd.placeHolder(STAGES.get(0), dataType, -1, c1, h1, h1);
        SDVariable x2 = sd.placeHolder(STAGES.get(1), dataType, -1, c2, h1, h1);
        SDVariable x3 = sd.placeHolder(STAGES.get(2), dataType, -1, c3, h3, h3);
        SDVariable x4 = sd.placeHolder(STAGES.get(3), dataType, -1, c4, h4, h4);
        SDVariable x5 = sd.placeHolder(STAGES.get(4), dataType, -1, c5, h4, h4);
        GraphLayers layers = new GraphLayers(sd, parameters, dataType, seed + 1);

        // class-boundary branch, all at x1/x2's size h1
        SDVariable e1 = block(layers, "fc_edge1", x1, c1, EDGE_WIDTH, EDGE_GROUPS, h1, 1, h1);
        SDVariable e2 = block(layers, "fc_edge2", x2, c2, EDGE_WIDTH, EDGE_GROUPS, h1, 1, h1);
        SDVariable e3 = block(layers, "fc_edge3", x3, c3, EDGE_WIDTH, EDGE_GROUPS, h3, 2, h1);
        SDVariable e4 = block(layers, "fc_edge4", x4, c4, EDGE_WIDTH, EDGE_GROUPS, h4, 4, h1);
        SDVariable e5 = block(layers, "fc_edge5", x5, c5, EDGE_WIDTH, EDGE_GROUPS, h4, 4, h1);
        SDVariable edgeCat = sd.concat(1, e1, e2, e3, e4, e5);
        this.edge = PointwiseConv.withBias(layers, "fc_edge6", edgeCat, 5 * EDGE_WIDTH, 1, Group.NEW_LAYERS)
                .rename(EDGE);

        // displacement branch: /8 maps fused and brought to /4, then fused with the /4 maps
        SDVariable d1 = block(layers, "fc_dp1", x1, c1, 64, 8, h1, 1, h1);
        SDVariable d2 = block(layers, "fc_dp2", x2, c2, 128, 16, h1, 1, h1);
        SDVariable d3 = block(layers, "fc_dp3", x3, c3, 256, 16, h3, 1, h3);
        SDVariable d4 = block(layers, "fc_dp4", x4, c4, 256, 16, h4, 2, h3);
        SDVariable d5 = block(layers, "fc_dp5", x5, c5, 256, 16, h4, 2, h3);
        SDVariable d6 = block(layers, "fc_dp6", sd.concat(1, d3, d4, d5), 768, 256, 16, h3, 2, h1);
        SDVariable d7 = block(layers, "fc_dp7", sd.concat(1, d1, d2, d6), 448, 256, 16, h1, 1, h1);
        // fc_dp7.2 is the ReLU inside block(); fc_dp7.3 the 1x1 to (dy, dx); fc_dp7.4 the MeanShift
        this.displacement = layers.conv1x1DefaultInit("fc_dp7.3", d7, 256, 2, Group.NEW_LAYERS).rename(DISPLACEMENT);
        layers.buffer(MEAN_SHIFT, Nd4j.zeros(dataType, 2), Group.NEW_LAYERS);
    }

    /**
     * Builds the network with from-scratch weights (seeded); load a backbone or a trained IRN with
     * {@link #load}.
     *
     * @param spec      backbone; must have IRN's strides (conv1 2, max-pool 2, layers 1, 2, 2, 1)
     * @param inputSize the square input side the graph runs at (training crop or pad size)
     */
    public static IrnNetwork build(ResNetSpec spec, int inputSize, DataType dataType, long seed) {
        if (spec.conv1Stride() != 2 || spec.maxpoolStride() != 2 || !spec.layerStrides().equals(LAYER_STRIDES)) {
            throw new IllegalArgumentException("IRN needs a backbone with strides (2, 2, 2, 1) (conv1 2, max-pool 2,"
                    + " layers 1, 2, 2, 1); got " + spec.describe());
        }
        if (inputSize < 2 * STRIDE) {
            throw new IllegalArgumentException("IRN input size must be at least " + 2 * STRIDE + ", got " + inputSize);
        }
        return new IrnNetwork(spec, inputSize, dataType, seed);
    }

    /** The stem's output side for an input side (conv1 7x7 pad 3, then the 3x3 max-pool pad 1). */
    static int stemSize(ResNetSpec spec, int inputSize) {
        int conv = (inputSize + 6 - 7) / spec.conv1Stride() + 1;
        int span = conv + 2 - 3;
        int s = spec.maxpoolStride();
        return (spec.maxpoolCeilMode() ? (span + s - 1) / s : span / s) + 1;
    }

    /**
     * One branch block: conv (no bias) {@code <name>.0}, GroupNorm {@code <name>.1}, bilinear up
     * by {@code scale}, ReLU, crop to {@code target} x {@code target}.
     */
    private SDVariable block(GraphLayers layers, String name, SDVariable x, int in, int out, int groups, int size,
                             int scale, int target) {
        SDVariable y = layers.conv1x1DefaultInit(name + ".0", x, in, out, Group.NEW_LAYERS);
        y = GroupNorm.build(layers, name + ".1", y, out, groups, Group.NEW_LAYERS);
        int up = size;
        if (scale > 1) {
            y = BilinearUpsampling.apply(sd, y, out, size, size, scale);
            up = size * scale;
        }
        y = layers.relu(y);
        if (up < target) {
            throw new IllegalStateException(name + ": upsampled size " + up + " below " + target);
        }
        return up == target ? y : crop(y, target);
    }

    private SDVariable crop(SDVariable x, int size) {
        return sd.stridedSlice(x, new long[] {0, 0, 0, 0}, new long[] {0, 0, size, size}, new long[] {1, 1, 1, 1},
                0b0011, 0b0011, 0, 0, 0);
    }

    /** Spec 6.1: the backbone never trains; as constants its gradients are never even computed. */
    private void freezeBackbone() {
        List<SDVariable> vars = new ArrayList<>();
        for (Parameter p : parameters.all()) {
            backboneNames.add(p.name());
            if (p.kind().trainable()) {
                vars.add(p.variable());
            }
        }
        parameters.freeze(backboneNames.toArray(new String[0]));
        backboneGraph.convertToConstants(vars);
    }

    /**
     * The branch graph: placeholders {@link #STAGES} in, {@link #EDGE} and {@link #DISPLACEMENT}
     * out; losses are built here.
     */
    public SameDiff graph() {
        return sd;
    }

    /** The backbone graph: {@link #INPUT} in, the five {@link #STAGES} out (inference only). */
    public SameDiff backboneGraph() {
        return backboneGraph;
    }

    public ResNetSpec spec() {
        return spec;
    }

    /** The square input side the graph was built for. */
    public int inputSize() {
        return inputSize;
    }

    /** The side of the edge and displacement maps (stride-4 size of the input). */
    public int outputSize() {
        return outputSize;
    }

    public DataType dataType() {
        return dataType;
    }

    public NetworkParameters parameters() {
        return parameters;
    }

    public SDVariable edgeVariable() {
        return edge;
    }

    public SDVariable displacementVariable() {
        return displacement;
    }

    /** Trainable parameters of the boundary branch (lr 0.1 in the reference). */
    public List<Parameter> edgeParameters() {
        return parameters.trainable().stream().filter(p -> p.name().startsWith("fc_edge")).toList();
    }

    /** Trainable parameters of the displacement branch (lr 1.0 in the reference). */
    public List<Parameter> displacementParameters() {
        return parameters.trainable().stream().filter(p -> p.name().startsWith("fc_dp")).toList();
    }

    /** The five stage outputs for a batch [N, 3, inputSize, inputSize]: the branch graph's placeholders. */
    public Map<String, INDArray> features(INDArray x) {
        if (x.rank() != 4 || x.size(1) != 3 || x.size(2) != inputSize || x.size(3) != inputSize) {
            throw new IllegalArgumentException("IRN input must be [N, 3, " + inputSize + ", " + inputSize + "], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        return new LinkedHashMap<>(backboneGraph.output(Map.of(INPUT, x.castTo(dataType)), STAGES.toArray(new String[0])));
    }

    /** Edge logits and displacement for a batch [N, 3, inputSize, inputSize]. */
    public Map<String, INDArray> outputs(INDArray x) {
        return sd.output(features(x), EDGE, DISPLACEMENT);
    }

    // ------------------------------------------------------------------ weights

    /**
     * Sets parameters from a PyTorch state_dict: the reference's IRN ({@code resnet50.*},
     * {@code fc_edge*}, {@code fc_dp*}, {@code mean_shift.*}, with its aliases and path-index
     * buffers ignored), a torchvision ImageNet ResNet (backbone only) or a wsss4j classifier
     * checkpoint (backbone; its {@code classifier.weight} ignored). Branch parameters the file
     * lacks keep their initialisation and are listed in the report's {@code keptInitial}.
     */
    public WeightLoader.Report load(Map<String, INDArray> stateDict, String source) {
        Map<String, INDArray> kept = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        INDArray oldMeanShift = null;
        for (Map.Entry<String, INDArray> e : stateDict.entrySet()) {
            String key = e.getKey();
            if (key.matches("^(module\\.)*fc_dp7\\.4\\.running_mean$")) {
                oldMeanShift = e.getValue();
            }
            if (REFERENCE_EXTRAS.matcher(key).matches()) {
                ignored.add(key + ": IRN alias or path-index buffer, not a parameter");
            } else if (key.matches("^(module\\.)*classifier\\.weight$")) {
                ignored.add(key + ": CAM classifier, not part of IRN");
            } else {
                kept.put(key, e.getValue());
            }
        }
        if (!kept.containsKey(MEAN_SHIFT) && oldMeanShift != null) {
            kept.put(MEAN_SHIFT, oldMeanShift); // IRN versions whose MeanShift lived only inside fc_dp7
        }
        WeightLoader.Report r = WeightLoader.load(kept, parameters, source);
        List<String> allIgnored = new ArrayList<>(ignored);
        allIgnored.addAll(r.ignored());
        return new WeightLoader.Report(r.loaded(), r.keptInitial(), allIgnored, r.unused());
    }

    /** The parameters as the reference's state_dict names them (backbone under {@code resnet50.}). */
    public Map<String, INDArray> stateDict() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : WeightLoader.export(parameters).entrySet()) {
            String key = backboneNames.contains(e.getKey()) ? BACKBONE_KEY_PREFIX + e.getKey() : e.getKey();
            out.put(key, e.getValue());
        }
        return out;
    }

    // ------------------------------------------------------------------ inference

    /**
     * The inference outputs of one image (spec 6.1 EdgeDisplacement), at stride 4.
     *
     * @param edge         boundary probabilities [height * width]
     * @param displacement displacement field [2, height, width] of the unflipped copy, MeanShift applied
     * @param height       (H - 1) / 4 + 1
     * @param width        (W - 1) / 4 + 1
     */
    public record EdgeDisplacement(float[] edge, float[] displacement, int height, int width) {}

    /**
     * IRN's EdgeDisplacement wrapper: the normalised image and its horizontal flip, each zero-padded
     * right and bottom to the input size (GroupNorm statistics are taken over the padded maps, so
     * the padding matters, spec 11.15), one batch of two; outputs cropped to
     * ((H - 1) / 4 + 1, (W - 1) / 4 + 1); edge = sigmoid(logit_0 / 2 + flip(logit_1) / 2), the flip
     * undone after the crop as the reference does.
     *
     * @param chw normalised image [3, height, width]
     * @throws IllegalArgumentException when the image is larger than the input size (the reference
     *     cannot pad it either)
     */
    public EdgeDisplacement infer(float[] chw, int height, int width) {
        if (chw.length != 3 * height * width) {
            throw new IllegalArgumentException("image of " + height + "x" + width + " needs " + 3 * height * width
                    + " values, got " + chw.length);
        }
        if (height > inputSize || width > inputSize) {
            throw new IllegalArgumentException("image " + height + "x" + width + " is larger than the IRN pad size "
                    + inputSize);
        }
        int p = inputSize;
        float[] batch = new float[2 * 3 * p * p];
        float[] flipped = Flip.horizontal(chw, 3, height, width);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(chw, (c * height + y) * width, batch, (c * p + y) * p, width);
                System.arraycopy(flipped, (c * height + y) * width, batch, ((3 + c) * p + y) * p, width);
            }
        }
        Map<String, INDArray> out = outputs(Nd4j.create(batch, new long[] {2, 3, p, p}));
        float[] logits = out.get(EDGE).castTo(DataType.FLOAT).data().asFloat();
        float[] dp = out.get(DISPLACEMENT).castTo(DataType.FLOAT).data().asFloat();
        int o = outputSize;
        int fh = (height - 1) / STRIDE + 1, fw = (width - 1) / STRIDE + 1;
        float[] edgeMap = new float[fh * fw];
        for (int y = 0; y < fh; y++) {
            for (int x = 0; x < fw; x++) {
                float a = logits[y * o + x];
                float b = logits[o * o + y * o + (fw - 1 - x)];
                float z = a / 2 + b / 2;
                edgeMap[y * fw + x] = (float) (1.0 / (1.0 + Math.exp(-z)));
            }
        }
        float[] shift = parameters.get(MEAN_SHIFT).variable().getArr().castTo(DataType.FLOAT).data().asFloat();
        float[] disp = new float[2 * fh * fw];
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < fh; y++) {
                for (int x = 0; x < fw; x++) {
                    disp[(c * fh + y) * fw + x] = dp[(c * o + y) * o + x] - shift[c];
                }
            }
        }
        return new EdgeDisplacement(edgeMap, disp, fh, fw);
    }
}
