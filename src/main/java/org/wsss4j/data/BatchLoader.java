package org.wsss4j.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.BadInputException;
import org.wsss4j.Futures;

/**
 * Loads training batches on worker threads ahead of the network, so the network never waits on
 * JPEG decoding and resizing. The order is a seeded shuffle per epoch, the last incomplete batch
 * is dropped (the reference's drop_last), and every sample draws its augmentation from its own
 * generator seeded by (seed, epoch, position): the batches are the same whatever the thread count
 * and whatever step a resumed run starts from.
 */
public final class BatchLoader implements AutoCloseable {

    /** Makes one sample: the input as a flat float array and its target. */
    @FunctionalInterface
    public interface SampleMaker {
        Sample make(String id, SplittableRandom rng);
    }

    /** One sample: {@code input} flattened to {@code inputShape}, {@code target} to {@code targetShape}. */
    public record Sample(float[] input, float[] target) {}

    /** A batch, stacked along a new first axis. */
    public record Batch(INDArray inputs, INDArray targets, List<String> ids) {}

    private final List<String> ids;
    private final int batchSize;
    private final long[] inputShape;
    private final long[] targetShape;
    private final SampleMaker maker;
    private final long seed;
    private final ExecutorService pool;
    private final int prefetch;

    public BatchLoader(List<String> ids, int batchSize, long[] inputShape, long[] targetShape,
            SampleMaker maker, long seed, int workers, int prefetchBatches) {
        if (ids.size() < batchSize) {
            throw new BadInputException("only " + ids.size() + " training images for batch size " + batchSize
                    + "; lower --batch-size or use a larger list");
        }
        this.ids = List.copyOf(ids);
        this.batchSize = batchSize;
        this.inputShape = inputShape.clone();
        this.targetShape = targetShape.clone();
        this.maker = maker;
        this.seed = seed;
        this.prefetch = Math.max(1, prefetchBatches);
        this.pool = Executors.newFixedThreadPool(Math.max(1, workers), r -> {
            Thread t = new Thread(r, "wsss4j-loader");
            t.setDaemon(true);
            return t;
        });
    }

    /** Batches per epoch (the reference's len(DataLoader) with drop_last). */
    public int batchesPerEpoch() {
        return ids.size() / batchSize;
    }

    /** The shuffled order of epoch {@code epoch} (Fisher-Yates with a seeded generator). */
    public List<String> order(int epoch) {
        List<String> order = new ArrayList<>(ids);
        SplittableRandom rng = new SplittableRandom(mix(seed, epoch, -1));
        for (int i = order.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            String t = order.get(i);
            order.set(i, order.get(j));
            order.set(j, t);
        }
        return order;
    }

    /**
     * The inputs of epoch 0's first {@code batches} batches, concatenated: what a network sees
     * first, for a data-dependent initialisation (batch-norm calibration).
     */
    public INDArray firstInputs(int batches) {
        Iterator<Batch> first = epoch(0, 0);
        List<INDArray> parts = new ArrayList<>();
        for (int i = 0; i < batches && first.hasNext(); i++) {
            parts.add(first.next().inputs());
        }
        return Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    /** The batches of {@code epoch} from batch index {@code firstBatch} on. */
    public Iterator<Batch> epoch(int epoch, int firstBatch) {
        List<String> order = order(epoch);
        int n = batchesPerEpoch();
        return new Iterator<>() {
            private final Deque<List<Future<Sample>>> queue = new ArrayDeque<>();
            private int nextToSubmit = firstBatch;
            private int nextToReturn = firstBatch;

            private void fill() {
                while (queue.size() < prefetch && nextToSubmit < n) {
                    List<Future<Sample>> futures = new ArrayList<>(batchSize);
                    for (int k = 0; k < batchSize; k++) {
                        int pos = nextToSubmit * batchSize + k;
                        String id = order.get(pos);
                        long s = mix(seed, epoch, pos);
                        futures.add(pool.submit(() -> maker.make(id, new SplittableRandom(s))));
                    }
                    queue.add(futures);
                    nextToSubmit++;
                }
            }

            @Override
            public boolean hasNext() {
                return nextToReturn < n;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                fill();
                List<Future<Sample>> futures = queue.poll();
                List<String> batchIds = order.subList(nextToReturn * batchSize, (nextToReturn + 1) * batchSize);
                nextToReturn++;
                fill();
                return stack(futures, batchIds);
            }
        };
    }

    private Batch stack(List<Future<Sample>> futures, List<String> batchIds) {
        int inLen = (int) prod(inputShape), tLen = (int) prod(targetShape);
        float[] in = new float[batchSize * inLen];
        float[] tg = new float[batchSize * tLen];
        for (int k = 0; k < futures.size(); k++) {
            Sample s = Futures.get(futures.get(k), "loading a batch");
            if (s.input().length != inLen || s.target().length != tLen) {
                throw new IllegalStateException("sample " + batchIds.get(k) + " has " + s.input().length
                        + " input values, expected " + inLen);
            }
            System.arraycopy(s.input(), 0, in, k * inLen, inLen);
            System.arraycopy(s.target(), 0, tg, k * tLen, tLen);
        }
        return new Batch(Nd4j.create(in, withBatch(inputShape)), Nd4j.create(tg, withBatch(targetShape)),
                List.copyOf(batchIds));
    }

    private long[] withBatch(long[] shape) {
        long[] s = new long[shape.length + 1];
        s[0] = batchSize;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    private static long prod(long[] shape) {
        long p = 1;
        for (long v : shape) {
            p *= v;
        }
        return p;
    }

    static long mix(long seed, long epoch, long position) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + position * 0x165667B19E3779F9L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
