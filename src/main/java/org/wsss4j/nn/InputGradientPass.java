package org.wsss4j.nn;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.PadMode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2DDerivative;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The input gradient of a network built by {@link GraphLayers}, emitted as ordinary forward ops
 * of the same graph: given a variable {@code upstream} = dL/d(output), a variable dL/d(input)
 * = J^T upstream (the vector-Jacobian product), so one {@code sd.output} call computes the
 * forward pass and the gradient together.
 *
 * <p>Why not SameDiff's autodiff: its convolution backward ({@code conv2d_bp}) always computes
 * the kernel gradient too, which an attack on the input (AdvCAM, spec 3.2) never uses; the
 * input-only backward (a transposed convolution, the same backward-data computation) takes about
 * half the time (benchmarks/RESULTS.md, "What remains" 1).
 *
 * <p>Per recorded layer, walking the tape backwards (g = gradient of the layer's output):
 * <ul>
 *   <li>conv(x, W), stride s, padding p: the transposed convolution of g with the same W,
 *       cut to exactly x's shape (at stride 2 with odd sizes the forward conv drops the last
 *       row/column; see {@link #convInputGradient}); a folded bias has no input gradient. For a
 *       stride-1 conv of an inference network (one with {@link TapeEntry.Conv#transposedWeight()}) the
 *       same sum as a forward convolution of g with the flipped, channel-swapped kernel;</li>
 *   <li>ReLU: g where the output is &gt; 0, else 0;</li>
 *   <li>max-pool: the pooling backward on the padded input (each window's gradient goes to its
 *       maximum), then the padding cut off again;</li>
 *   <li>x * scale + shift (frozen batch norm): g * scale;</li>
 *   <li>a + b: g to both; a variable read by several layers gets the sum of their gradients;</li>
 *   <li>a permutation of the axes (a change of {@link Layout}): g permuted back.</li>
 * </ul>
 * Convolutions and max-pools are differentiated in the layout they ran in (recorded on the tape).
 */
public final class InputGradientPass {
    private InputGradientPass() {}

    /**
     * Emits dL/d{@code input} into {@code sd}, named {@code name}.
     *
     * @param tape     the layers, in the order they were emitted ({@link GraphLayers#tape()})
     * @param output   the network output whose gradient {@code upstream} is (same shape)
     * @throws IllegalStateException if a layer between input and output has no recorded input
     *         gradient (e.g. a dilated convolution or an op built outside GraphLayers): use
     *         SameDiff's autodiff for such networks
     */
    public static SDVariable build(SameDiff sd, List<TapeEntry> tape, SDVariable input, SDVariable output,
                                   SDVariable upstream, String name) {
        Optional<String> unsupported = unsupported(tape, input, output);
        if (unsupported.isPresent()) {
            throw new IllegalStateException(unsupported.get());
        }
        MaxPoolBackwardRegistration.ensure();
        Map<String, SDVariable> grads = new HashMap<>();
        grads.put(output.name(), upstream);
        for (int i = tape.size() - 1; i >= 0; i--) {
            TapeEntry entry = tape.get(i);
            SDVariable g = grads.remove(entry.output().name());
            if (g == null) {
                continue; // not on a path to the output
            }
            if (entry instanceof TapeEntry.Conv c) {
                accumulate(grads, c.input(), convInputGradient(sd, c, g));
            } else if (entry instanceof TapeEntry.Relu r) {
                // g * 1[y > 0] as two plain elementwise ops: libnd4j M2.1's fused thresholdedrelu_bp
                // took 66 ms on a [2, 112, 112, 256] float tensor where step + multiply take 19 ms.
                accumulate(grads, r.input(), sd.math().step(r.output(), 0.0).mul(g));
            } else if (entry instanceof TapeEntry.MaxPool m) {
                accumulate(grads, m.input(), maxPoolInputGradient(sd, m, g));
            } else if (entry instanceof TapeEntry.ChannelAffine a) {
                accumulate(grads, a.input(), g.mul(a.scale()));
            } else if (entry instanceof TapeEntry.Add a) {
                accumulate(grads, a.a(), g);
                accumulate(grads, a.b(), g);
            } else if (entry instanceof TapeEntry.Permute p) {
                accumulate(grads, p.input(), g.permute(inverse(p.order())));
            } else {
                throw new IllegalStateException("unknown tape entry " + entry); // unsupported() let it through
            }
        }
        return grads.get(input.name()).rename(name);
    }

    /**
     * Why {@link #build} cannot emit the input gradient of {@code output}, or empty if it can:
     * walks the tape as build does, without emitting anything, so a caller can fall back to
     * autodiff before touching the graph.
     */
    public static Optional<String> unsupported(List<TapeEntry> tape, SDVariable input, SDVariable output) {
        Set<String> pending = new HashSet<>(Set.of(output.name()));
        for (int i = tape.size() - 1; i >= 0; i--) {
            TapeEntry entry = tape.get(i);
            if (!pending.remove(entry.output().name())) {
                continue; // not on a path to the output
            }
            if (entry instanceof TapeEntry.Unsupported u) {
                return Optional.of("the input-gradient pass does not support the " + u.what() + " producing '"
                        + u.output().name() + "'; use autodiff");
            }
            for (SDVariable in : inputs(entry)) {
                pending.add(in.name());
            }
        }
        boolean reached = pending.remove(input.name());
        if (!pending.isEmpty()) {
            // A gradient reached a variable no recorded layer produced: an op added to the graph
            // outside GraphLayers lies between input and output, and its gradient would be lost.
            return Optional.of("the input-gradient pass cannot go through the ops producing "
                    + new TreeSet<>(pending) + " (not recorded by GraphLayers); use autodiff");
        }
        if (!reached) {
            return Optional.of("'" + output.name() + "' does not depend on '" + input.name()
                    + "' through the recorded layers");
        }
        return Optional.empty();
    }

    /** The variables a layer's input gradient flows to. */
    private static List<SDVariable> inputs(TapeEntry entry) {
        if (entry instanceof TapeEntry.Conv c) return List.of(c.input());
        if (entry instanceof TapeEntry.Relu r) return List.of(r.input());
        if (entry instanceof TapeEntry.MaxPool m) return List.of(m.input());
        if (entry instanceof TapeEntry.ChannelAffine a) return List.of(a.input());
        if (entry instanceof TapeEntry.Add a) return List.of(a.a(), a.b());
        if (entry instanceof TapeEntry.Permute p) return List.of(p.input());
        return List.of();
    }

    /** The permutation undoing {@code order}. */
    private static int[] inverse(int[] order) {
        int[] inv = new int[order.length];
        for (int i = 0; i < order.length; i++) inv[order[i]] = i;
        return inv;
    }

    private static void accumulate(Map<String, SDVariable> grads, SDVariable v, SDVariable g) {
        grads.merge(v.name(), g, SDVariable::add);
    }

    /**
     * dL/dx of y = conv(x, W): the transposed convolution of g with the same YXIO kernel
     * [k, k, in, out], which is {@code deconv2d}'s kernel layout [k, k, its out, its in] (libnd4j
     * computes it with oneDNN's backward-data primitive, as conv2d_bp's input half).
     *
     * <p>The transposed convolution's size is s (out - 1) + k - 2p, which is not x's size when
     * the stride-s forward conv dropped trailing rows/columns (r = (H + 2p - k) mod s of them;
     * e.g. an odd size at stride 2). At stride 1 r = 0, so it is dL/dx directly. At stride s > 1
     * it is computed without padding, giving the gradient of the padded input, padded rows
     * 0 .. H + 2p - r - 1; real row i is padded row i + p, so dL/dx is its slice [p, p + H), after
     * appending s - 1 zero rows when the slice could run past its end (r > p; the rows no window
     * read get no gradient). The slice's size is x's runtime shape, so any input size works.
     *
     * <p>Not {@code deconv2d_tf} (TensorFlow's Conv2DBackpropInput), which would take x's shape
     * directly: in ND4J 1.0.0-M2.1 its float32 (oneDNN) version fails on non-square maps ("could not
     * create a descriptor for a dilated convolution", measured; its source computes the
     * gradient's width from the height axis), and its shape check refuses sizes with r > 0.
     */
    private static SDVariable convInputGradient(SameDiff sd, TapeEntry.Conv c, SDVariable g) {
        int k = c.kernel();
        int s = c.stride();
        int p = c.padding();
        Layout layout = c.layout();
        if (s == 1 && c.transposedWeight() != null) {
            // the same sum as the transposed convolution, as a forward convolution with the
            // flipped, channel-swapped kernel (a load-time constant): libnd4j's deconv2d reorders
            // its input and its (not yet written) output to a blocked layout and back on every
            // call, where conv2d reads and writes the activations' own layout (benchmarks/RESULTS.md)
            Conv2DConfig config = Conv2DConfig.builder()
                    .kH(k).kW(k).sH(1).sW(1).pH(p).pW(p).dH(1).dW(1)
                    .paddingMode(PaddingMode.VALID).dataFormat(layout.convFormat()).weightsFormat(WeightsFormat.YXIO)
                    .build();
            return sd.cnn().conv2d(g, c.transposedWeight(), config);
        }
        if (s == 1) {
            return transposedConv(sd, g, c.weight(), k, 1, p, layout);
        }
        SDVariable full = transposedConv(sd, g, c.weight(), k, s, 0, layout);
        if (p < s - 1) {
            INDArray pads = Nd4j.createFromArray(layout.spatialPads(0, s - 1, 0, s - 1));
            full = sd.nn().pad(full, sd.constant(pads), PadMode.CONSTANT, 0.0);
        }
        return sd.slice(full, sd.constant(Nd4j.createFromArray(layout.place(0, 0, p, p))), c.input().shape());
    }

    private static SDVariable transposedConv(SameDiff sd, SDVariable g, SDVariable weight, int k, int stride,
                                             int padding, Layout layout) {
        DeConv2DConfig config = DeConv2DConfig.builder()
                .kH(k).kW(k).sH(stride).sW(stride).pH(padding).pW(padding).dH(1).dW(1)
                .isSameMode(false).dataFormat(layout.convFormat())
                .build();
        return sd.cnn().deconv2d(g, weight, config);
    }

    /** dL/dx of max-pool: the pooling backward w.r.t. the padded input, then the pad removed (a slice). */
    private static SDVariable maxPoolInputGradient(SameDiff sd, TapeEntry.MaxPool m, SDVariable g) {
        SDVariable paddedGrad = new Pooling2DDerivative(sd, new SDVariable[] {m.padded(), g},
                GraphLayers.maxPoolConfig(m.kernel(), m.stride(), m.layout())).outputVariable();
        int before = m.padding();
        int after = m.padding() + m.extra();
        if (before == 0 && after == 0) {
            return paddedGrad;
        }
        // Ends relative to the end (negative), so any input size works; an end of 0 = "to the end".
        Layout layout = m.layout();
        int whole = layout.maskBits(true, true, false, false);
        int endMask = whole | layout.maskBits(false, false, after == 0, after == 0);
        return sd.stridedSlice(paddedGrad, layout.place(0, 0, before, before), layout.place(0, 0, -after, -after),
                new long[] {1, 1, 1, 1}, whole, endMask, 0, 0, 0);
    }
}
