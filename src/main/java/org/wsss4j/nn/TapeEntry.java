package org.wsss4j.nn;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * One layer as {@link GraphLayers} emitted it: what {@link InputGradientPass} needs to emit the
 * layer's input gradient (its vector-Jacobian product) as forward ops. Every entry names the
 * variable it produced, {@link #output()}; the variables are held, not their names, because a
 * variable may be renamed after it was recorded (e.g. the class maps become {@code cams}).
 */
public sealed interface TapeEntry {
    /** The variable the layer produced. */
    SDVariable output();

    /**
     * A convolution y = conv(x, weight) (+ bias, which has no input gradient) with a YXIO kernel,
     * explicit symmetric padding and no dilation (dilation 1, or a 1x1 kernel where it has no effect),
     * on activations in {@code layout}. {@code transposedWeight}, when not null, is a graph constant
     * holding the kernel flipped in space with its channels swapped, W'[a, b, o, i] = W[k-1-a, k-1-b, i, o]
     * (only for stride 1 and padding (k - 1) / 2, where the input gradient is conv(g, W') with the
     * same padding).
     */
    record Conv(SDVariable input, SDVariable output, SDVariable weight, int kernel, int stride, int padding,
                Layout layout, SDVariable transposedWeight) implements TapeEntry {}

    /** y = max(x, 0). */
    record Relu(SDVariable input, SDVariable output) implements TapeEntry {}

    /**
     * Max-pool as {@link GraphLayers#maxPool} builds it: {@code padded} is {@code input} padded by
     * {@code padding} before and {@code padding + extra} after in H and W (the very negative pad
     * value, so padded positions never win), pooled with no further padding, in {@code layout}.
     */
    record MaxPool(SDVariable input, SDVariable padded, SDVariable output, int kernel, int stride, int padding,
                   int extra, Layout layout) implements TapeEntry {}

    /** y = a + b of equal shapes (a residual connection). */
    record Add(SDVariable a, SDVariable b, SDVariable output) implements TapeEntry {}

    /** y = x * scale + shift per channel (frozen batch norm); {@code scale} broadcasts over the channel axis. */
    record ChannelAffine(SDVariable input, SDVariable output, SDVariable scale) implements TapeEntry {}

    /**
     * y = x with its axes reordered, y's axis i being x's axis {@code order[i]} (a change of
     * {@link Layout}); its input gradient is g with the inverse order.
     */
    record Permute(SDVariable input, SDVariable output, int[] order) implements TapeEntry {}

    /** A layer whose input gradient the reverse pass does not emit (e.g. a dilated convolution). */
    record Unsupported(String what, SDVariable output) implements TapeEntry {}
}
