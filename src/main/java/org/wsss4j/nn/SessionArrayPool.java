package org.wsss4j.nn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a SameDiff inference session gets the arrays its ops write into: arrays the session
 * releases are kept, by data type, order and shape, and handed out again when an op of a later
 * pass asks for the same shape, so that a network run over and over on same-sized inputs (every
 * AdvCAM step, every training batch, every benchmark repeat) stops allocating.
 *
 * <p>Why not ND4J's own {@code ArrayCacheMemoryMgr}: it caps the cache at a quarter of
 * {@code org.bytedeco.javacpp.maxbytes} and, when full, evicts the least recently released array.
 * A network's pass releases its arrays in the order it allocates them, so when one pass needs more
 * than the cap (ResNet-50 at 448 x 448, batch 2, needs about 2 GB; the cap at the launcher's 6G is
 * 1.5 GB) every array the next pass asks for was evicted just before, and nearly every allocation
 * goes to the native allocator (benchmarks/RESULTS.md, 2026-12-04). Here, when full, the array
 * being released is freed instead, so the first part of every pass keeps hitting the pool.
 *
 * <p>Arrays the session never gives back: ND4J M2.1's session does not release some arrays at all
 * (in ResNet-50 about one activation per residual block and the folded batch-norm weights, some
 * 200 MB per pass at 448 px); they stay allocated until the garbage collector happens to run, and
 * every pass takes fresh memory from the system for them, one page fault per 4 KB. So the pool
 * remembers what it handed out in the current pass, and {@link #endPass} takes back every such
 * array that is neither released nor part of what the pass returned to its caller.
 *
 * <p>Shapes that stop being asked for (the previous image's sizes in {@code make-cam}, whose images
 * all differ) must not hold the pool forever: arrays of shapes not asked for in this pass or the
 * one before are freed first whenever the pool is full.
 *
 * <p>Backend-neutral: only {@link Nd4j#createUninitializedDetached} and {@link INDArray#close()}.
 * One pool per session, and a session is used by one thread, so nothing here is synchronised.
 */
public final class SessionArrayPool extends AbstractMemoryMgr {
    private final long capBytes;
    private final Map<Key, Shelf> shelves = new HashMap<>();
    /** Arrays handed out in the current pass and not released yet. */
    private final Set<INDArray> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
    private long pooledBytes;
    private long pass;
    private long hits;
    private long misses;
    private long reclaimed;

    /** @param capBytes the most bytes the pool keeps in arrays no op is using */
    public SessionArrayPool(long capBytes) {
        if (capBytes < 0) throw new IllegalArgumentException("capBytes must be >= 0: " + capBytes);
        this.capBytes = capBytes;
    }

    /** Marks the start of a pass (one {@code output} call of the session). */
    public void startPass() {
        pass++;
        handedOut.clear();
    }

    /**
     * Marks the end of a pass: every array handed out since {@link #startPass()} that was neither
     * released nor shares its buffer with one of {@code returned} (the arrays the pass gives its
     * caller, which the caller now owns) goes back to the pool.
     */
    public void endPass(Collection<INDArray> returned) {
        List<DataBuffer> kept = new ArrayList<>();
        for (INDArray r : returned) {
            if (r != null && !r.isEmpty() && r.data() != null) kept.add(r.data());
        }
        List<INDArray> leftOver = new ArrayList<>(handedOut);
        handedOut.clear();
        for (INDArray a : leftOver) {
            if (a.wasClosed() || sharesBuffer(a.data(), kept)) continue;
            reclaimed++;
            release(a);
        }
    }

    private static boolean sharesBuffer(DataBuffer buffer, List<DataBuffer> kept) {
        DataBuffer base = root(buffer);
        for (DataBuffer k : kept) {
            if (root(k) == base) return true;
        }
        return false;
    }

    /** The buffer a view's buffer was cut from, or the buffer itself. */
    private static DataBuffer root(DataBuffer b) {
        DataBuffer under = b.underlyingDataBuffer();
        return under != null ? under : b;
    }

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        return take(dataType, 'c', shape);
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) {
            INDArray empty = Nd4j.create(descriptor);
            return detached ? empty.detach() : empty;
        }
        return take(descriptor.dataType(), descriptor.getOrder(), descriptor.getShape());
    }

    private INDArray take(DataType dataType, char order, long[] shape) {
        Key key = new Key(dataType, order, shape);
        Shelf shelf = shelves.computeIfAbsent(key, k -> new Shelf());
        shelf.lastAsked = pass;
        INDArray a;
        while ((a = shelf.arrays.pollFirst()) != null) {
            pooledBytes -= bytes(a);
            if (!a.wasClosed()) {
                // A fresh id, as ND4J's cache does: the session tracks arrays by id, and this one's
                // old uses are over.
                ((BaseNDArray) a).assignNewId();
                hits++;
                handedOut.add(a);
                return a;
            }
        }
        misses++;
        INDArray created = Nd4j.createUninitializedDetached(dataType, order, shape);
        handedOut.add(created);
        return created;
    }

    @Override
    public void release(INDArray array) {
        if (array == null || array.wasClosed()) return;
        handedOut.remove(array);
        if (array.data() == null || array.isEmpty() || array.isView()
                || array.dataType() == DataType.UTF8
                || Nd4j.getExecutioner().useCount(array.data()) > 1) {
            // Not reusable as a whole array of its shape: a view, a string array, or a buffer
            // something else still holds.
            closeIfOwned(array);
            return;
        }
        long size = bytes(array);
        if (pooledBytes + size > capBytes) freeUnaskedShapes();
        if (pooledBytes + size > capBytes) {
            closeIfOwned(array);
            return;
        }
        Key key = new Key(array.dataType(), array.ordering(), array.shape());
        Shelf shelf = shelves.computeIfAbsent(key, k -> new Shelf());
        shelf.arrays.addLast(array);
        pooledBytes += size;
    }

    /** Frees the pooled arrays of every shape not asked for in this pass or the one before. */
    private void freeUnaskedShapes() {
        Iterator<Shelf> it = shelves.values().iterator();
        while (it.hasNext()) {
            Shelf shelf = it.next();
            if (shelf.lastAsked >= pass - 1) continue;
            for (INDArray a : shelf.arrays) {
                pooledBytes -= bytes(a);
                closeIfOwned(a);
            }
            it.remove();
        }
    }

    @Override
    public void close() {
        for (Shelf shelf : shelves.values()) {
            for (INDArray a : shelf.arrays) closeIfOwned(a);
        }
        shelves.clear();
        handedOut.clear();
        pooledBytes = 0;
    }

    /** Bytes in arrays no op is using. */
    public long pooledBytes() {
        return pooledBytes;
    }

    /** Allocations served from the pool so far. */
    public long hits() {
        return hits;
    }

    /** Allocations that had to create a new array. */
    public long misses() {
        return misses;
    }

    /** Arrays taken back at the end of a pass because the session never released them. */
    public long reclaimed() {
        return reclaimed;
    }

    private static long bytes(INDArray a) {
        return a.data().length() * a.dataType().width();
    }

    private static void closeIfOwned(INDArray a) {
        if (a.closeable()) a.close();
    }

    /** Pooled arrays of one data type, order and shape, and the last pass that asked for one. */
    private static final class Shelf {
        final ArrayDeque<INDArray> arrays = new ArrayDeque<>();
        long lastAsked;
    }

    private record Key(DataType dataType, char order, long[] shape) {
        Key {
            shape = shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.dataType == dataType && k.order == order && Arrays.equals(k.shape, shape);
        }

        @Override
        public int hashCode() {
            return (dataType.hashCode() * 31 + order) * 31 + Arrays.hashCode(shape);
        }
    }
}
