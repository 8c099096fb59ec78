package org.wsss4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.PadMode;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.nn.NetworkParameters.Group;
import org.wsss4j.nn.NetworkParameters.Kind;
import org.wsss4j.nn.NetworkParameters.Parameter;

/**
 * Layers with PyTorch semantics added to a SameDiff graph, each registering its parameters
 * under their PyTorch names. Measured constraints of ND4J 1.0.0-M2.1 (DESIGN.md) shape this:
 * conv kernels are YXIO ([kH, kW, in, out]) because the gradient op rejects OIYX; padding is
 * explicit (SAME pads unevenly at stride 2, PyTorch pads symmetrically); batch norm is computed
 * from its four tensors because {@code sd.nn().batchNorm} cannot be differentiated.
 *
 * <p>Every layer is also recorded on a {@link #tape()}, from which {@link InputGradientPass}
 * emits the input gradient of a network built here without SameDiff's autodiff.
 *
 * <p>The activations between the layers are in one {@link Layout}, chosen at construction; a
 * network converts its NCHW input with {@link #fromNchw} and its outputs with {@link #toNchw}, so
 * only the graph's inside depends on it. Why NHWC exists: ND4J 1.0.0-M2.1's oneDNN conv2d is
 * markedly slower on NCHW tensors. Measured one convolution at a time, float32, batch 2,
 * ResNet-50's layer shapes at 448 px (best of 5, two shared cores): the twelve shapes sum to
 * 561 ms in NCHW against 437 ms in NHWC (PyTorch, NCHW: 383 ms); e.g. the 1x1 conv 64 -> 256 at
 * 112 x 112 takes 67 ms in NCHW and 24 ms in NHWC.
 */
public final class GraphLayers {
    /** Pad value for max-pool borders: never the maximum of a window holding a real value. */
    private static final double POOL_PAD_VALUE = -1e30;
    /** The graph variable of {@link #fromNchw}'s gate. */
    private static final String AUTODIFF_GATE = "layout_autodiff_gate";

    private final SameDiff sd;
    private final NetworkParameters parameters;
    private final DataType dataType;
    private final Layout layout;
    private final NormFolding folding;
    private final Random random;
    private final List<TapeEntry> tape = new ArrayList<>();
    /** See {@link #fromNchw}; made on first use. */
    private SDVariable autodiffGate;
    /** A view made by {@link #sharingParameters()}: layers read existing parameters instead of creating them. */
    private final boolean shared;
    /**
     * Each frozen batch norm's folded kernel (or scale), shift and transposed kernel (null when
     * absent), by the norm's name; one map for a factory and all its sharing views.
     */
    private final Map<String, SDVariable[]> folds;

    /**
     * @param seed seeds the from-scratch initialisation; the same seed gives the same weights
     *             on every backend (values come from java.util.Random, not the backend's RNG)
     */
    public GraphLayers(SameDiff sd, NetworkParameters parameters, DataType dataType, long seed) {
        this(sd, parameters, dataType, seed, Layout.NCHW);
    }

    /** As above, with the activations between the layers in {@code layout}. */
    public GraphLayers(SameDiff sd, NetworkParameters parameters, DataType dataType, long seed, Layout layout) {
        this(sd, parameters, dataType, seed, layout, NormFolding.PER_PASS);
    }

    /**
     * As above, with frozen batch norm folded where {@code folding} says: {@link NormFolding#ON_LOAD}
     * builds a network for inference only.
     */
    public GraphLayers(SameDiff sd, NetworkParameters parameters, DataType dataType, long seed, Layout layout,
                       NormFolding folding) {
        this.sd = sd;
        this.parameters = parameters;
        this.dataType = dataType;
        this.layout = layout;
        this.folding = folding;
        this.random = new Random(seed);
        this.shared = false;
        this.folds = new HashMap<>();
    }

    /** The view of {@link #sharingParameters()}. */
    private GraphLayers(GraphLayers owner) {
        this.sd = owner.sd;
        this.parameters = owner.parameters;
        this.dataType = owner.dataType;
        this.layout = owner.layout;
        this.folding = owner.folding;
        this.random = owner.random;
        this.shared = true;
        this.folds = owner.folds;
    }

    /**
     * A factory adding layers to the same graph that read this factory's parameters instead of
     * creating them: a second pass through the same network on another input (e.g. DeepLab-v2's
     * multi-scale inputs, spec 8), whose gradients add up on the shared parameters. Every layer
     * built through it must repeat a layer already built here, with the same parameter names; a
     * frozen batch norm's fold (per pass or on load) is computed once and read by both passes.
     * The view has its own {@link #tape()} (its pass only) and records no batch-norm outputs.
     *
     * @throws IllegalStateException later, from a layer whose parameters do not exist yet
     */
    public GraphLayers sharingParameters() {
        return new GraphLayers(this);
    }

    public SameDiff graph() {
        return sd;
    }

    public DataType dataType() {
        return dataType;
    }

    public NetworkParameters parameters() {
        return parameters;
    }

    /** The axis order of the activations every layer here reads and writes. */
    public Layout layout() {
        return layout;
    }

    /**
     * An NCHW activation (e.g. the network's input) in this layout: itself when the layout is NCHW.
     *
     * <p>Otherwise the permutation reads x + 0, the 0 being a scalar graph variable that is no
     * parameter (not in {@link #parameters()}, never trained or saved). Why: SameDiff 1.0.0-M2.1's
     * autodiff differentiates an op only when one of its inputs depends on a trainable variable,
     * so a placeholder gets a gradient only from an op that also reads one (measured: the gradient
     * of a loss w.r.t. the input placeholder is missing after {@code permute(input)} or
     * {@code input * 1.0}, present after {@code input * w}). In NCHW the stem convolution is that
     * op; here the add is, at the cost of one pass over the input. With {@link NormFolding#ON_LOAD}
     * the stem's kernel is a constant, so the add is needed in NCHW too (an identity permutation).
     */
    public SDVariable fromNchw(SDVariable x) {
        if (layout == Layout.NCHW && folding == NormFolding.PER_PASS) {
            return x;
        }
        if (autodiffGate == null) {
            // one per graph, shared by the factories of a graph (see sharingParameters)
            autodiffGate = sd.hasVariable(AUTODIFF_GATE) ? sd.getVariable(AUTODIFF_GATE)
                    : sd.var(AUTODIFF_GATE, Nd4j.scalar(dataType, 0.0));
        }
        return permute(x, x.add(autodiffGate), layout.fromNchw());
    }

    /** An activation of this layout as NCHW (e.g. a network output): itself when the layout is NCHW. */
    public SDVariable toNchw(SDVariable x) {
        return layout == Layout.NCHW ? x : permute(x, x, layout.toNchw());
    }

    /** permute(source, order), recorded as a permutation of x (source equals x in value). */
    private SDVariable permute(SDVariable x, SDVariable source, int[] order) {
        SDVariable y = source.permute(order);
        tape.add(new TapeEntry.Permute(x, y, order));
        return y;
    }

    /** The layers emitted so far, in the order they were added to the graph. */
    public List<TapeEntry> tape() {
        return Collections.unmodifiableList(tape);
    }

    /**
     * PyTorch's {@code Conv2d(in, out, k, stride, padding, dilation, bias=False)},
     * weight {@code <name>.weight} initialised Kaiming-normal (fan_out, ReLU gain) as torchvision
     * does for ResNet: std = sqrt(2 / (out * k * k)).
     */
    public SDVariable conv(String name, SDVariable x, int in, int out, int k, int stride, int padding,
                           int dilation, Group group) {
        double std = Math.sqrt(2.0 / ((double) out * k * k));
        SDVariable w = shared ? existing(name + ".weight")
                : register(name + ".weight", gaussian(std, k, k, in, out), Kind.CONV_WEIGHT, group);
        return convWith(w, x, k, stride, padding, dilation);
    }

    /**
     * PyTorch's {@code Conv2d(in, out, k, stride, padding, dilation, bias=True)} with weight
     * {@code <name>.weight} initialised N(0, weightStd^2) and bias {@code <name>.bias} 0 (the
     * initialisation of DeepLab-v2's ASPP, spec 8).
     */
    public SDVariable convWithBias(String name, SDVariable x, int in, int out, int k, int stride, int padding,
                                   int dilation, double weightStd, Group group) {
        SDVariable w = shared ? existing(name + ".weight")
                : register(name + ".weight", gaussian(weightStd, k, k, in, out), Kind.CONV_WEIGHT, group);
        SDVariable b = shared ? existing(name + ".bias")
                : register(name + ".bias", Nd4j.zeros(dataType, out), Kind.CONV_BIAS, group);
        return convWith(w, b, x, k, stride, padding, dilation, in, out, null);
    }

    /**
     * A bias-free 1x1 convolution initialised like PyTorch's Conv2d default
     * (kaiming_uniform with a = sqrt(5), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in))): the
     * initialisation of a newly added classifier layer.
     */
    public SDVariable conv1x1DefaultInit(String name, SDVariable x, int in, int out, Group group) {
        if (shared) {
            return convWith(existing(name + ".weight"), x, 1, 1, 0, 1);
        }
        double bound = 1.0 / Math.sqrt(in);
        double[] values = new double[in * out];
        for (int i = 0; i < values.length; i++) values[i] = (2 * random.nextDouble() - 1) * bound;
        INDArray w = Nd4j.create(values, new long[] {1, 1, in, out}, DataType.DOUBLE).castTo(dataType);
        return convWith(register(name + ".weight", w, Kind.CONV_WEIGHT, group), x, 1, 1, 0, 1);
    }

    /**
     * Convolution with an existing YXIO kernel variable. A dilated kernel goes through
     * {@link #dilatedConvByTaps}, {@link #dilatedConvByShiftedOutputs} or
     * {@link #dilatedConvBySpaceToBatch} (chosen by {@link #dilatedForm}): ND4J 1.0.0-M2.1's oneDNN conv2d refuses any dilation > 1 in
     * float32 ("could not create a descriptor for a dilated convolution", measured here), and
     * turning oneDNN off makes every convolution 3x slower.
     */
    public SDVariable convWith(SDVariable weight, SDVariable x, int k, int stride, int padding, int dilation) {
        return convWith(weight, null, x, k, stride, padding, dilation, -1, -1, null);
    }

    /**
     * As above, adding a per-output-channel {@code bias} ([out]) when it is not null. {@code in}
     * and {@code out} are the kernel's channels, needed when the kernel is computed in the graph
     * (a folded kernel has no array to read the sizes from); -1 reads them from the kernel variable.
     */
    private SDVariable convWith(SDVariable weight, SDVariable bias, SDVariable x, int k, int stride, int padding,
                                int dilation, long in, long out, SDVariable transposedWeight) {
        if (dilation > 1 && k > 1) {
            long inChannels = in > 0 ? in : weight.getArr().size(2);
            long outChannels = out > 0 ? out : weight.getArr().size(3);
            SDVariable y = switch (dilatedForm(k, stride, inChannels, outChannels)) {
                case SHIFTED_OUTPUTS -> dilatedConvByShiftedOutputs(weight, bias, x, k, stride, padding, dilation,
                        outChannels);
                case SPACE_TO_BATCH -> dilatedConvBySpaceToBatch(weight, bias, x, k, padding, dilation, inChannels,
                        outChannels);
                case TAPS -> dilatedConvByTaps(weight, bias, x, k, stride, padding, dilation, outChannels);
            };
            tape.add(new TapeEntry.Unsupported("dilated convolution (dilation " + dilation + ")", y));
            return y;
        }
        Conv2DConfig config = Conv2DConfig.builder()
                .kH(k).kW(k).sH(stride).sW(stride).pH(padding).pW(padding).dH(dilation).dW(dilation)
                .paddingMode(PaddingMode.VALID) // VALID + pH/pW = explicit symmetric padding
                .dataFormat(layout.convFormat())
                .weightsFormat(WeightsFormat.YXIO)
                .build();
        SDVariable y = bias == null ? sd.cnn().conv2d(x, weight, config) : sd.cnn().conv2d(x, weight, bias, config);
        tape.add(new TapeEntry.Conv(x, y, weight, k, stride, padding, layout, transposedWeight));
        return y;
    }

    /**
     * Whether a dilated k x k convolution from {@code in} to {@code out} channels is built by
     * {@link #dilatedConvByShiftedOutputs} (true) or {@link #dilatedConvByTaps} (false). Both are
     * exact and do the same multiply-adds at stride 1; they differ in the memory they fill. The
     * tap stack holds the padded input and k*k shifted copies of it, (k*k + 1) * in channels per
     * pixel, and its backward pass one padded-size input gradient per tap; the shifted outputs
     * hold k*k * out channels per pixel, a few times over. Measured on one DeepLab-v2 ASPP branch
     * (3x3, 2048 -> 21 classes, 41 x 41 at batch 5, forward and backward, float32; shared cores,
     * benchmarks/RESULTS.md): at rate 24 the tap stack added 8.0 GB and took 22.6 s per step, the
     * shifted outputs 0.77 GB and 0.68 s; at rate 6, 4.4 GB and 9.1 s against 0.43 GB and 0.60 s.
     * The rule k*k * out < in makes every intermediate of the shifted form narrower than the
     * input, so it holds less than the tap stack whatever the padding; a backbone's dilated 3x3
     * conv (out = in) does not shift outputs (they would hold 9 times its channels; it goes
     * through {@link #dilatedForm}'s other forms). Stride > 1 does not either: the shifted outputs
     * compute the pointwise product at every input pixel, stride^2 times the multiply-adds of the
     * strided taps.
     */
    static boolean shiftsOutputs(int k, int stride, long in, long out) {
        return stride == 1 && (long) k * k * out < in;
    }

    /** The three ways {@link #convWith} builds a dilated convolution. */
    enum DilatedForm { TAPS, SHIFTED_OUTPUTS, SPACE_TO_BATCH }

    /**
     * The form of a dilated k x k convolution from {@code in} to {@code out} channels: the shifted
     * outputs where {@link #shiftsOutputs} holds (an ASPP branch to the classes), else the tap
     * stack. Space-to-batch ({@link #dilatedConvBySpaceToBatch}) is exact and tested but not
     * chosen: in the test suite's tiny DeepLab-v2 (bottlenecks 1,1,1,1 at width 0.0625) a training
     * step took about 50 s with it against well under a second with the tap stack (2026-12-08,
     * DeepLabTrainerTest: 25 s for the class with the tap stack, minutes with space-to-batch; the
     * cause, in its graph-computed shapes or their gradients, is not found yet). Measured
     * (benchmarks/RESULTS.md, 2026-12-08, shared cores): on one backbone conv alone (forward and
     * backward, batch 2, 41 x 41) the tap stack is the faster (256 -> 256 at d 2: 451 against
     * 711 ms; 512 -> 512 at d 4: 1.1 against 3.2 s) and space-to-batch the smaller (143 against
     * 214 MB, 362 against 447 MB added); in ResNet-101's whole MSC training step (crop 161, batch
     * 2) space-to-batch took 16.3 s median with an 8.6 GB peak, the tap stack 25.8 s and 11.1 GB;
     * in its prediction of a 500 x 375 image, 9.7 against 10.5 s (2.8 against 2.9 GB). So once
     * its small-network cost is understood, space-to-batch is the candidate for the backbone. The
     * ASPP branch (2048 -> 21) keeps the shifted outputs: at rate 24, batch 2, 343 ms and 0.31 GB
     * against 3.5 s and 1.5 GB for space-to-batch, which pads 41 x 41 to 96 x 96 and rearranges
     * all 2048 channels.
     */
    static DilatedForm dilatedForm(int k, int stride, long in, long out) {
        if (shiftsOutputs(k, stride, in, out)) return DilatedForm.SHIFTED_OUTPUTS;
        return DilatedForm.TAPS;
    }

    /**
     * A dilated convolution as one 1x1 convolution over the k*k shifted copies of the padded
     * input, stacked along channels (im2col in the graph): output(i, j) = sum over taps (a, b)
     * of W[a, b]^T x_pad(i*s + a*d, j*s + b*d). Each tap is a strided slice whose end is given
     * relative to the input's end, so any input size works. The YXIO kernel [k, k, I, O]
     * reshaped to [1, 1, k*k*I, O] lists taps row-major with channels inside, the same order
     * as the stacked copies. Exact, differentiable and independent of the dilation's size.
     */
    SDVariable dilatedConvByTaps(SDVariable weight, SDVariable x, int k, int stride, int padding, int dilation) {
        return dilatedConvByTaps(weight, null, x, k, stride, padding, dilation, -1);
    }

    /**
     * As above with an optional bias. {@code out} is the kernel's output channels, needed when
     * the kernel is computed in the graph (a folded kernel has no array to read the size from);
     * -1 reads it from the kernel variable. Public for measurements of one form
     * ({@code bench.AsppBranchBenchmark}); layers pick their form by {@link #shiftsOutputs}.
     */
    public SDVariable dilatedConvByTaps(SDVariable weight, SDVariable bias, SDVariable x, int k, int stride,
                                 int padding, int dilation, long outChannels) {
        SDVariable padded = padSpatially(x, padding);
        SDVariable[] taps = new SDVariable[k * k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                taps[a * k + b] = tap(padded, a, b, k, stride, dilation, -1, -1);
            }
        }
        SDVariable stacked = sd.concat(layout.channelAxis(), taps);
        long out = outChannels > 0 ? outChannels : weight.getArr().size(3);
        SDVariable flatKernel = weight.reshape(1, 1, -1, out);
        return bias == null ? sd.cnn().conv2d(stacked, flatKernel, pointwiseConfig())
                : sd.cnn().conv2d(stacked, flatKernel, bias, pointwiseConfig());
    }

    /**
     * The same dilated convolution with the taps taken on the output side: one 1x1 convolution
     * from the I input channels to k*k*O channels, the O outputs of every tap's weights W[a, b]
     * (unshifted), then for each tap its O-channel slice, zero-padded and shifted by the tap's
     * offset, summed over the taps: output(i, j) = sum over (a, b) of (W[a, b]^T x)_pad(i*s + a*d,
     * j*s + b*d), which equals the tap stack's sum because a 1x1 convolution maps the zero padding
     * to zero. The kernel [k, k, I, O] permuted to [I, k, k, O] and reshaped to [1, 1, I, k*k*O]
     * lists the taps row-major with the output channels inside, so tap t = a*k + b owns channels
     * [t*O, (t+1)*O). Same parameters, same arithmetic up to the order of the float sums, and
     * differentiable; why it exists: {@link #shiftsOutputs}. Public as {@link #dilatedConvByTaps} is.
     *
     * @param outChannels the kernel's O; -1 reads it from the kernel variable
     */
    public SDVariable dilatedConvByShiftedOutputs(SDVariable weight, SDVariable bias, SDVariable x, int k, int stride,
                                           int padding, int dilation, long outChannels) {
        long out = outChannels > 0 ? outChannels : weight.getArr().size(3);
        SDVariable tapKernel = weight.permute(2, 0, 1, 3).reshape(1, 1, -1, (long) k * k * out);
        SDVariable padded = padSpatially(sd.cnn().conv2d(x, tapKernel, pointwiseConfig()), padding);
        SDVariable[] shifted = new SDVariable[k * k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                long first = (long) (a * k + b) * out;
                shifted[a * k + b] = tap(padded, a, b, k, stride, dilation, first, first + out);
            }
        }
        // A chain of adds, not libnd4j's mergeadd: on an ASPP branch's [5, 41, 41, 21] taps, mergeadd
        // and its backward took 58 + 56 ms per step, the eight adds 26 + 1 ms (measured).
        SDVariable sum = shifted[0];
        for (int t = 1; t < shifted.length; t++) sum = sum.add(shifted[t]);
        return bias == null ? sum : sd.nn().biasAdd(sum, bias, layout == Layout.NCHW);
    }

    /**
     * The same dilated convolution at stride 1 as one plain k x k convolution on the dilation's
     * d*d phases of the padded input stacked along the batch (space-to-batch): pad x by
     * {@code padding} on every side and, at the bottom and right, by the e < d rows and columns
     * that make each padded side a multiple of d, say d*q; reshape [N, d*q_h, d*q_w, C] to
     * [N, q_h, d, q_w, d, C], take its d*d phases (i, j) and concatenate them along the batch to
     * [d*d*N, q_h, q_w, C], so that phase (i, j) of sample n holds x_pad(d*y + i, d*x + j).
     * A dilated tap (a, b) reads x_pad(i' + a*d, j' + b*d) = phase (i' mod d, j' mod d) at
     * (y + a, x + b), so the undilated kernel on each phase (padding 0) gives the dilated output at
     * the positions of that phase; the inverse rearrangement interleaves the phases back to
     * [N, d*(q_h - k + 1), d*(q_w - k + 1), O], whose first H + 2p - (k-1)d rows and columns are
     * the output (the e extra rows and columns at the end are cropped). It does the multiply-adds
     * of one plain convolution over the padded area rounded up to a multiple of d, and holds a
     * few copies of the padded input (padded, its phases, their concatenation) instead of k*k. Pad, reshape, unstack,
     * concat, stack, convolution and slice only: exact, differentiable and backend-neutral.
     *
     * <p>The rearrangements are unstacks and stacks of the 6-d view rather than one 6-d permute
     * each way: libnd4j copies a permuted 6-d array element by element, and in DeepLab-v2's MSC
     * prediction of a 500 x 375 image (78 such convolutions) the permutes took 1.7 s against
     * 0.33 s for the unstacks, stacks and concats (benchmarks/RESULTS.md, 2026-12-08).
     *
     * <p>The sizes are computed in the graph from the input's shape (the networks' placeholders
     * take any H and W), so one graph serves every input size. Stride 1 only: a strided dilated
     * convolution keeps {@link #dilatedConvByTaps}. Public as {@link #dilatedConvByTaps} is.
     *
     * @param outChannels the kernel's O; -1 reads it from the kernel variable
     * @param inChannels  the kernel's I; -1 reads it from the kernel variable
     */
    public SDVariable dilatedConvBySpaceToBatch(SDVariable weight, SDVariable bias, SDVariable x, int k, int padding,
                                                int dilation, long inChannels, long outChannels) {
        long in = inChannels > 0 ? inChannels : weight.getArr().size(2);
        long out = outChannels > 0 ? outChannels : weight.getArr().size(3);
        long d = dilation;
        boolean nhwc = layout == Layout.NHWC;
        // [N, H, W] or the like from the input's shape; the spatial axes are adjacent in both layouts
        SDVariable shape = sd.shape(x).castTo(DataType.LONG);
        int h = layout.heightAxis();
        SDVariable batch = shape.get(SDIndex.interval(0, 1));
        SDVariable paddedSize = shape.get(SDIndex.interval(h, h + 2)).add(2.0 * padding);      // [H + 2p, W + 2p]
        SDVariable q = sd.math().floorDiv(paddedSize.add((double) d - 1), longs(d));            // ceil(../d)
        SDVariable extra = q.mul((double) d).sub(paddedSize);                                  // [e_h, e_w]
        SDVariable pads = sd.stack(1,
                longs(layout.place(0, 0, padding, padding)),
                nhwc ? sd.concat(0, longs(0), extra.add((double) padding), longs(0))
                        : sd.concat(0, longs(0, 0), extra.add((double) padding)));
        SDVariable padded = sd.nn().pad(x, pads, PadMode.CONSTANT, 0.0);
        SDVariable qh = q.get(SDIndex.interval(0, 1));
        SDVariable qw = q.get(SDIndex.interval(1, 2));
        // the d*d phases by two unstacks of the 6-d view, concatenated along the batch in (i, j) order
        int dd = (int) d;
        SDVariable six = nhwc ? sd.reshape(padded, sd.concat(0, longs(-1), qh, longs(d), qw, longs(d, in)))
                : sd.reshape(padded, sd.concat(0, longs(-1, in), qh, longs(d), qw, longs(d)));
        SDVariable[] rows = sd.unstack(six, nhwc ? 2 : 3, dd);          // [N, qh, qw, d, C] / [N, C, qh, qw, d]
        SDVariable[] all = new SDVariable[dd * dd];
        for (int i = 0; i < dd; i++) {
            SDVariable[] cols = sd.unstack(rows[i], nhwc ? 3 : 4, dd);  // [N, qh, qw, C] / [N, C, qh, qw]
            System.arraycopy(cols, 0, all, i * dd, dd);
        }
        SDVariable phases = sd.concat(0, all);
        Conv2DConfig plain = Conv2DConfig.builder()
                .kH(k).kW(k).sH(1).sW(1).pH(0).pW(0).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).dataFormat(layout.convFormat()).weightsFormat(WeightsFormat.YXIO)
                .build();
        SDVariable y = bias == null ? sd.cnn().conv2d(phases, weight, plain) : sd.cnn().conv2d(phases, weight, bias, plain);
        SDVariable o = q.sub((double) k - 1);                                                  // per-phase output size
        // back: the phases unstacked from the batch, stacked as the column phase j, then the row phase i
        SDVariable[] pieces = sd.unstack(sd.reshape(y, nhwc ? sd.concat(0, longs(d * d, -1), o, longs(out))
                : sd.concat(0, longs(d * d, -1, out), o)), 0, dd * dd);
        SDVariable[] rowsOut = new SDVariable[dd];
        for (int i = 0; i < dd; i++) {
            rowsOut[i] = sd.stack(nhwc ? 3 : 4, Arrays.copyOfRange(pieces, i * dd, (i + 1) * dd));
        }
        SDVariable interleaved = sd.stack(nhwc ? 2 : 3, rowsOut);       // [N, oh, d, ow, d, O] / [N, O, oh, d, ow, d]
        interleaved = nhwc ? sd.reshape(interleaved, sd.concat(0, longs(-1), o.mul((double) d), longs(out)))
                : sd.reshape(interleaved, sd.concat(0, longs(-1, out), o.mul((double) d)));
        SDVariable kept = paddedSize.sub((double) (k - 1) * d);                                // H + 2p - (k-1)d
        SDVariable size = nhwc ? sd.concat(0, batch, kept, longs(out)) : sd.concat(0, batch, longs(out), kept);
        return sd.slice(interleaved, longs(0, 0, 0, 0), size);
    }

    /** A LONG vector constant (shape arithmetic in the graph). */
    private SDVariable longs(long... values) {
        return sd.constant(Nd4j.createFromArray(values));
    }

    /** x zero-padded by {@code padding} on all four spatial sides (x itself when padding is 0). */
    private SDVariable padSpatially(SDVariable x, int padding) {
        if (padding == 0) {
            return x;
        }
        INDArray pads = Nd4j.createFromArray(layout.spatialPads(padding, padding, padding, padding));
        return sd.nn().pad(x, sd.constant(pads), PadMode.CONSTANT, 0.0);
    }

    /**
     * Tap (a, b) of a dilated k x k window over a padded activation: the strided slice read at
     * offset (a*d, b*d), its end given relative to the input's end so any input size works; all
     * channels when {@code channelEnd} is -1, else channels [channelBegin, channelEnd).
     */
    private SDVariable tap(SDVariable padded, int a, int b, int k, int stride, int dilation, long channelBegin,
                           long channelEnd) {
        boolean allChannels = channelEnd < 0;
        long endH = -(long) (k - 1 - a) * dilation;
        long endW = -(long) (k - 1 - b) * dilation;
        // Mask bits: batch (and channels when all are read) whole; an end of 0 means "to the end" (end mask).
        int whole = layout.maskBits(true, allChannels, false, false);
        int endMask = whole | layout.maskBits(false, false, endH == 0, endW == 0);
        return sd.stridedSlice(padded,
                layout.place(0, allChannels ? 0 : channelBegin, (long) a * dilation, (long) b * dilation),
                layout.place(0, allChannels ? 0 : channelEnd, endH, endW),
                layout.place(1, 1, stride, stride),
                whole, endMask, 0, 0, 0);
    }

    /** A 1x1 convolution, stride 1, no padding, in this layout with a YXIO kernel. */
    private Conv2DConfig pointwiseConfig() {
        return Conv2DConfig.builder()
                .kH(1).kW(1).sH(1).sW(1).pH(0).pW(0).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).dataFormat(layout.convFormat()).weightsFormat(WeightsFormat.YXIO)
                .build();
    }

    /**
     * Frozen ("eval-mode") batch norm, spec 1.3 FixedBatchNorm:
     * y = x * scale + shift with scale = gamma / sqrt(running_var + eps) and
     * shift = beta - running_mean * scale, per channel, computed inside the graph so gamma and beta
     * get gradients while the running statistics stay constants. Initialised gamma 1, beta 0,
     * mean 0, var 1 (PyTorch's defaults).
     */
    public SDVariable frozenBatchNorm(String name, SDVariable x, int channels, double eps, Group group) {
        SDVariable[] scaleShift = shared ? existingFold(name) : null;
        if (scaleShift == null) {
            scaleShift = folding == NormFolding.ON_LOAD
                    ? foldedOnLoad(name, null, channels, eps, group, layout.channelShape(channels), false)
                    : frozenBatchNormScaleShift(name, channels, eps, group);
            folds.put(name, scaleShift);
        }
        SDVariable scale = scaleShift[0].reshape(layout.channelShape(channels));
        SDVariable y = x.mul(scale).add(scaleShift[1].reshape(layout.channelShape(channels)));
        tape.add(new TapeEntry.ChannelAffine(x, y, scale));
        if (!shared) recordBatchNormOutput(name, y, eps);
        return y;
    }

    /**
     * {@code conv} followed by {@code frozenBatchNorm}, computed as one convolution with the batch
     * norm folded in: BN(conv(x, W)) = conv(x, W * scale) + shift per output channel (spec 1.3
     * FixedBatchNorm is affine, so the two are equal). The same parameters are registered under
     * the same names and in the same order as the two separate layers, and the fold happens
     * inside the graph on the (small) kernel, so W, gamma and beta still get their gradients.
     * Faster than the separate form because the full-size per-channel multiply and add, and
     * their backward passes with broadcast reductions, disappear (benchmarks/RESULTS.md).
     */
    public SDVariable convFrozenBatchNorm(String convName, String bnName, SDVariable x, int in, int out, int k,
                                          int stride, int padding, int dilation, double eps, Group group) {
        SDVariable[] fold = shared ? existingFold(bnName) : null;
        if (fold != null) {
            return convWith(fold[0], fold[1], x, k, stride, padding, dilation, in, out, fold[2]);
        }
        double std = Math.sqrt(2.0 / ((double) out * k * k));
        SDVariable w = register(convName + ".weight", gaussian(std, k, k, in, out), Kind.CONV_WEIGHT, group);
        SDVariable folded;
        SDVariable shift;
        SDVariable transposed = null;
        if (folding == NormFolding.ON_LOAD) {
            boolean sameSizeStride1 = stride == 1 && dilation == 1 && 2 * padding == k - 1;
            SDVariable[] kernelShift = foldedOnLoad(bnName, w, out, eps, group, new long[] {out}, sameSizeStride1);
            folded = kernelShift[0];
            shift = kernelShift[1];
            transposed = kernelShift[2];
        } else {
            SDVariable[] scaleShift = frozenBatchNormScaleShift(bnName, out, eps, group);
            folded = w.mul(scaleShift[0].reshape(1, 1, 1, out));
            shift = scaleShift[1];
        }
        folds.put(bnName, new SDVariable[] {folded, shift, transposed});
        SDVariable y = convWith(folded, shift, x, k, stride, padding, dilation, in, out, transposed);
        recordBatchNormOutput(bnName, y, eps);
        return y;
    }

    /**
     * Records a norm's output for {@link BatchNormCalibration}, which reads it as NCHW: in another
     * layout an NCHW view is added to the graph, computed only when it is asked for.
     */
    private void recordBatchNormOutput(String name, SDVariable y, double eps) {
        parameters.recordBatchNormOutput(name, toNchw(y), eps);
    }

    /**
     * The per-channel scale and shift of frozen batch norm, each [channels], computed in the graph
     * on every pass; registers its four tensors. {@link NetworkParameters.FoldedNorm#refresh} does
     * the same arithmetic in the same order, so both foldings give the same values.
     */
    private SDVariable[] frozenBatchNormScaleShift(String name, int channels, double eps, Group group) {
        SDVariable[] stats = batchNormTensors(name, channels, group);
        SDVariable scale = stats[0].div(sd.math().sqrt(stats[3].add(eps)));
        SDVariable shift = stats[1].sub(stats[2].mul(scale));
        return new SDVariable[] {scale, shift};
    }

    /**
     * {@link NormFolding#ON_LOAD}: registers the norm's four tensors (the same names and order as
     * {@link #frozenBatchNormScaleShift}, so files load alike) and returns two graph constants:
     * the scale, or given a {@code kernel} the kernel times the scale per output channel; and the
     * shift. Without a kernel both are shaped {@code scaleShape}; with one, the shift is
     * [channels]. With {@code transposed}, a third constant holds the folded kernel flipped in
     * space with its channels swapped (see {@link TapeEntry.Conv}), else the third entry is null.
     * {@link NetworkParameters#refreshFolded()} keeps them equal to their definition.
     */
    private SDVariable[] foldedOnLoad(String name, SDVariable kernel, int channels, double eps, Group group,
                                      long[] scaleShape, boolean transposed) {
        SDVariable[] stats = batchNormTensors(name, channels, group);
        long[] scaledShape = kernel == null ? scaleShape : kernel.getArr().shape();
        long[] shiftShape = kernel == null ? scaleShape : new long[] {channels};
        SDVariable scaled = sd.constant(sd.generateNewVarName(name + ".folded_scale", 0), Nd4j.zeros(dataType, scaledShape));
        SDVariable shift = sd.constant(sd.generateNewVarName(name + ".folded_shift", 0), Nd4j.zeros(dataType, shiftShape));
        SDVariable flipped = null;
        if (transposed) {
            long[] s = scaledShape;
            flipped = sd.constant(sd.generateNewVarName(name + ".folded_transposed", 0),
                    Nd4j.zeros(dataType, s[0], s[1], s[3], s[2]));
        }
        NetworkParameters.FoldedNorm fold = new NetworkParameters.FoldedNorm(name, kernel, stats[0], stats[1],
                stats[2], stats[3], eps, scaled, shift, flipped);
        parameters.addFoldedNorm(fold);
        fold.refresh();
        return new SDVariable[] {scaled, shift, flipped};
    }

    /** Registers a batch norm's gamma, beta, running mean and running var (PyTorch's initial values), in that order. */
    private SDVariable[] batchNormTensors(String name, int channels, Group group) {
        SDVariable gamma = register(name + ".weight", Nd4j.ones(dataType, channels), Kind.BN_WEIGHT, group);
        SDVariable beta = register(name + ".bias", Nd4j.zeros(dataType, channels), Kind.BN_BIAS, group);
        SDVariable mean = register(name + ".running_mean", Nd4j.zeros(dataType, channels), Kind.BN_RUNNING_MEAN, group);
        SDVariable var = register(name + ".running_var", Nd4j.ones(dataType, channels), Kind.BN_RUNNING_VAR, group);
        return new SDVariable[] {gamma, beta, mean, var};
    }

    public SDVariable relu(SDVariable x) {
        SDVariable y = sd.nn().relu(x, 0.0);
        tape.add(new TapeEntry.Relu(x, y));
        return y;
    }

    /** a + b, elementwise (a residual connection; recorded so the reverse pass can sum the branches). */
    public SDVariable add(SDVariable a, SDVariable b) {
        SDVariable y = a.add(b);
        tape.add(new TapeEntry.Add(a, b, y));
        return y;
    }

    /**
     * PyTorch's {@code MaxPool2d(kernel, stride, padding, ceil_mode)}. The borders are padded
     * explicitly with a very negative value (PyTorch ignores padded positions; such a value never
     * wins a window that holds a real value). Ceil mode adds stride - 1 extra rows/columns at the
     * bottom/right: floor((H + 2p + s - 1 - k) / s) + 1 = ceil((H + 2p - k) / s) + 1, PyTorch's
     * ceil-mode size. PyTorch drops a last window that would start inside the right padding; for
     * padding >= 1 and stride <= 2 (checked) the last window starts at s * ceil((H + 2p - k) / s) <= H + p - 1
     * when k = 2p + 1, so no such window exists and no correction is needed.
     */
    public SDVariable maxPool(SDVariable x, int kernel, int stride, int padding, boolean ceilMode) {
        if (ceilMode && (stride > 2 || padding < 1 || kernel != 2 * padding + 1)) {
            throw new IllegalArgumentException("ceil-mode max-pool needs stride <= 2, padding >= 1 and kernel = 2*padding+1");
        }
        int extra = ceilMode ? stride - 1 : 0;
        SDVariable padded = x;
        if (padding > 0 || extra > 0) {
            INDArray pads = Nd4j.createFromArray(
                    layout.spatialPads(padding, padding + extra, padding, padding + extra));
            padded = sd.nn().pad(x, sd.constant(pads), PadMode.CONSTANT, POOL_PAD_VALUE);
        }
        Pooling2DConfig config = maxPoolConfig(kernel, stride, layout);
        SDVariable y = sd.cnn().maxPooling2d(padded, config);
        tape.add(new TapeEntry.MaxPool(x, padded, y, kernel, stride, padding, extra, layout));
        return y;
    }

    /** The configuration of {@link #maxPool}'s pooling op (on the already padded input). */
    static Pooling2DConfig maxPoolConfig(int kernel, int stride, Layout layout) {
        return Pooling2DConfig.builder()
                .kH(kernel).kW(kernel).sH(stride).sW(stride).pH(0).pW(0).dH(1).dW(1)
                .type(Pooling2D.Pooling2DType.MAX)
                .paddingMode(PaddingMode.VALID)
                .isNHWC(layout == Layout.NHWC)
                .build();
    }

    /**
     * A stored tensor that never trains (a PyTorch buffer, e.g. IRN's MeanShift running mean), as a
     * graph constant registered under {@code name} with kind BUFFER.
     */
    public SDVariable buffer(String name, INDArray value, Group group) {
        return register(name, value.castTo(dataType), Kind.BUFFER, group);
    }

    /** The generator of the from-scratch initialisation, for layers built outside this class. */
    Random random() {
        return random;
    }

    /** Adds a parameter to the graph (a variable if its kind trains, else a constant) and to the table. */
    SDVariable register(String name, INDArray value, Kind kind, Group group) {
        if (shared) {
            return existing(name);
        }
        SDVariable v = kind.trainable() ? sd.var(name, value) : sd.constant(name, value);
        parameters.add(new Parameter(name, v, kind, group));
        return v;
    }

    /** The variable of an existing parameter, for a {@link #sharingParameters()} view. */
    private SDVariable existing(String name) {
        Parameter p = parameters.get(name);
        if (p == null) {
            throw new IllegalStateException("no parameter " + name + " to share: build the first pass first");
        }
        return p.variable();
    }

    /** The fold of an existing frozen batch norm, for a {@link #sharingParameters()} view. */
    private SDVariable[] existingFold(String bnName) {
        SDVariable[] fold = folds.get(bnName);
        if (fold == null) {
            throw new IllegalStateException("no batch norm " + bnName + " to share: build the first pass first");
        }
        return fold;
    }

    private INDArray gaussian(double std, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        double[] values = new double[Math.toIntExact(n)];
        for (int i = 0; i < values.length; i++) values[i] = random.nextGaussian() * std;
        return Nd4j.create(values, shape, DataType.DOUBLE).castTo(dataType);
    }
}
