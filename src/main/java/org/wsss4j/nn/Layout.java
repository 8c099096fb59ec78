package org.wsss4j.nn;

import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;

/**
 * The order of the axes of a 4-d activation inside a graph built by {@link GraphLayers}: NCHW
 * (PyTorch's, and the order every network's inputs and outputs keep) or NHWC (channels last).
 * Only the activations change; conv kernels stay YXIO in both, so parameters and checkpoints do
 * not depend on the layout.
 */
public enum Layout {
    NCHW(1, 2, 3, Conv2DConfig.NCHW),
    NHWC(3, 1, 2, Conv2DConfig.NHWC);

    private final int channelAxis;
    private final int heightAxis;
    private final int widthAxis;
    private final String convFormat;

    Layout(int channelAxis, int heightAxis, int widthAxis, String convFormat) {
        this.channelAxis = channelAxis;
        this.heightAxis = heightAxis;
        this.widthAxis = widthAxis;
        this.convFormat = convFormat;
    }

    public int channelAxis() {
        return channelAxis;
    }

    public int heightAxis() {
        return heightAxis;
    }

    public int widthAxis() {
        return widthAxis;
    }

    /** ND4J's name of this layout for conv, deconv and pooling configurations. */
    String convFormat() {
        return convFormat;
    }

    /** The shape [1, C, 1, 1] or [1, 1, 1, C] that broadcasts a per-channel vector of length c. */
    public long[] channelShape(long c) {
        return place(1, c, 1, 1);
    }

    /**
     * Four per-axis values given in N, C, H, W order, each put at its axis of this layout (e.g.
     * a strided slice's begin, end and strides, or a pad table's rows).
     */
    public long[] place(long n, long c, long h, long w) {
        long[] v = new long[4];
        v[0] = n;
        v[channelAxis] = c;
        v[heightAxis] = h;
        v[widthAxis] = w;
        return v;
    }

    /** The pad table [4][2] for an activation padded by the given amounts before/after H and W. */
    public int[][] spatialPads(int top, int bottom, int left, int right) {
        int[][] pads = new int[4][2];
        pads[heightAxis] = new int[] {top, bottom};
        pads[widthAxis] = new int[] {left, right};
        return pads;
    }

    /** A strided slice's begin/end mask bit for each axis given in N, C, H, W order (1 = set). */
    public int maskBits(boolean n, boolean c, boolean h, boolean w) {
        return (n ? 1 : 0) | (c ? 1 << channelAxis : 0) | (h ? 1 << heightAxis : 0) | (w ? 1 << widthAxis : 0);
    }

    /** The permutation taking an NCHW tensor to this layout (permute(x, it)[i] = x's axis it[i]). */
    int[] fromNchw() {
        return this == NCHW ? new int[] {0, 1, 2, 3} : new int[] {0, 2, 3, 1};
    }

    /** The permutation taking a tensor in this layout to NCHW. */
    int[] toNchw() {
        return this == NCHW ? new int[] {0, 1, 2, 3} : new int[] {0, 3, 1, 2};
    }
}
