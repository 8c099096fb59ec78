package org.wsss4j.nn;


/**
 * Where a network computes frozen batch norm's per-channel scale and shift (spec 1.3
 * FixedBatchNorm) and the kernels with the norm folded in ({@link GraphLayers#convFrozenBatchNorm}).
 */
public enum NormFolding {
    /**
     * In the graph, on every pass: gamma, beta and the convolution kernels are differentiable
     * and take effect as soon as they change. For training.
     */
    PER_PASS,
    /**
     * Once, into graph constants, when the parameters change ({@link NetworkParameters#refreshFolded()},
     * called by {@link WeightLoader#load} and {@link BatchNormCalibration}). For inference only:
     * the parameters are not connected to the graph's ops, so they get no gradients. Why: a
     * ResNet-50 pass spends ~370 of its ~640 ops on folding (small ops, but each costs the
     * session's per-op overhead), the same work every pass for a network that never changes
     * (benchmarks/RESULTS.md).
     */
    ON_LOAD
}
