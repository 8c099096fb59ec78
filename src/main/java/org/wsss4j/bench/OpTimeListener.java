package org.wsss4j.bench;

import java.util.Map;
import java.util.TreeMap;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Wall time spent inside SameDiff ops, summed per op type: the part of a step that is native
 * computation, as opposed to the session's bookkeeping, allocation and garbage collection around
 * it (step time minus {@link #totalNanos()}). Ops run one after another in a SameDiff session,
 * so start/end pairs do not interleave.
 */
final class OpTimeListener extends BaseListener {
    private final Map<String, long[]> byOp = new TreeMap<>();
    private long started;
    private long total;

    @Override
    public boolean isActive(Operation operation) {
        return true;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
        started = System.nanoTime();
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext,
                            INDArray[] outputs) {
        long dt = System.nanoTime() - started;
        total += dt;
        long[] entry = byOp.computeIfAbsent(op.getOp().opName(), k -> new long[2]);
        entry[0] += dt;
        entry[1]++;
    }

    void reset() {
        byOp.clear();
        total = 0;
    }

    long totalNanos() {
        return total;
    }

    /** op name -> {nanoseconds, calls}, since the last reset. */
    Map<String, long[]> byOp() {
        return byOp;
    }
}
