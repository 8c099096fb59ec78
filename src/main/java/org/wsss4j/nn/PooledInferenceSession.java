package org.wsss4j.nn;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A SameDiff inference session whose ops write into a {@link SessionArrayPool}: SameDiff's own
 * session with the memory manager swapped, and each pass (one {@code output} call) bracketed so
 * the pool can take back what the session forgets to release. {@link #install()} makes every
 * SameDiff graph of the process create its sessions this way.
 */
public final class PooledInferenceSession extends InferenceSession {
    /**
     * Share of {@code org.bytedeco.javacpp.maxbytes} one session's pool may keep (ND4J's own
     * cache keeps a quarter). The pool only holds arrays a pass will ask for again, so the share
     * is a guard, not extra memory: AdvCAM's step at scale 2.0 of a 500 x 375 image (1000 x 750,
     * batch 2) needs more than a quarter of the launcher's 6G; at a quarter it took 520 s per
     * class, at a half 165 s with a peak RSS of 5.0 GB (benchmarks/RESULTS.md, 2026-12-04).
     */
    static final double POOL_SHARE_OF_MAX_BYTES = 0.5;
    private static volatile boolean installed;
    /**
     * The pools of every session not yet garbage-collected, each with the thread it serves
     * (SameDiff keeps one session per graph and thread, created by the thread's first pass).
     */
    private static final Map<SessionArrayPool, Thread> POOLS = Collections.synchronizedMap(new WeakHashMap<>());

    private final SessionArrayPool pool;

    PooledInferenceSession(SameDiff sd, SessionArrayPool pool) {
        super(sd);
        this.pool = pool;
        setMmgr(pool);
    }

    /** Binds the factory of these sessions for every SameDiff graph of this process; idempotent. */
    public static void install() {
        if (installed) return;
        synchronized (PooledInferenceSession.class) {
            if (installed) return;
            long cap = (long) (POOL_SHARE_OF_MAX_BYTES * Pointer.maxBytes());
            SameDiff.bindInferenceFactory(sd -> {
                SessionArrayPool pool = new SessionArrayPool(cap);
                POOLS.put(pool, Thread.currentThread());
                return new PooledInferenceSession(sd, pool);
            });
            installed = true;
        }
    }

    /**
     * Frees the arrays every session's pool keeps for later passes. A stage done with its network
     * (the classifier's training, AdvCAM's climb, IRN's training) would otherwise leave them
     * allocated until the garbage collector finalises its graph, and the next stage's arrays come
     * on top: a clean-clone {@code reproduce} peaked at 5.6 GB where each stage alone needs at most
     * 3.4 GB (benchmarks/RESULTS.md, 2026-12-07). Call it between passes, from the thread that
     * runs them; a pool refills on its next pass. Only the calling thread's pools are freed: another
     * thread's may be in the middle of a pass (reproduce runs two pipelines at once).
     */
    public static void freePooledArrays() {
        Thread self = Thread.currentThread();
        synchronized (POOLS) {
            POOLS.forEach((pool, owner) -> {
                if (owner == self) {
                    pool.close();
                }
            });
        }
    }

    /** Bytes kept by the pools of the calling thread's sessions. */
    static long pooledBytes() {
        Thread self = Thread.currentThread();
        synchronized (POOLS) {
            return POOLS.entrySet().stream().filter(e -> e.getValue() == self)
                    .mapToLong(e -> e.getKey().pooledBytes()).sum();
        }
    }

    @Override
    protected Map<String, INDArray> preprocessPlaceholders(Map<String, INDArray> placeholders, At at) {
        pool.startPass();
        // The ids of arrays released in earlier passes: ND4J keeps them for the session's life (a
        // set that grows by some 500 ids per ResNet-50 pass); pooled arrays get fresh ids anyway.
        freedArrays.clear();
        return super.preprocessPlaceholders(placeholders, at);
    }

    @Override
    public ExecutionResult output(List<String> variables, Map<String, INDArray> placeholderValues,
            Map<String, SDValue> otherPlaceHolderValues, MultiDataSet batch, Collection<String> requiredActivations,
            List<Listener> listeners, At at) {
        ExecutionResult result = super.output(variables, placeholderValues, otherPlaceHolderValues, batch,
                requiredActivations, listeners, at);
        pool.endPass(returnedArrays(result));
        return result;
    }

    private static List<INDArray> returnedArrays(ExecutionResult result) {
        List<INDArray> arrays = new ArrayList<>();
        if (result.getOutputs() != null) {
            for (Optional<INDArray> o : result.getOutputs().values()) {
                if (o != null) o.ifPresent(arrays::add);
            }
        }
        if (result.getValueOutputs() != null) {
            for (SDValue v : result.getValueOutputs().values()) {
                if (v == null) continue;
                if (v.getTensorValue() != null) arrays.add(v.getTensorValue());
                if (v.getListValue() != null) arrays.addAll(v.getListValue());
                if (v.getDictValue() != null) arrays.addAll(v.getDictValue().values());
            }
        }
        return arrays;
    }
}
