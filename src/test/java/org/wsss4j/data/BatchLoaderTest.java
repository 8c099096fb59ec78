package org.wsss4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
    private static final List<String> IDS = List.of("a", "b", "c", "d", "e", "f", "g");

    /** Input = (id's first char, a draw of the sample's own generator); target = id's char. */
    private static BatchLoader loader(int workers) {
        return new BatchLoader(IDS, 3, new long[] {2}, new long[] {1},
                (id, rng) -> new BatchLoader.Sample(new float[] {id.charAt(0), rng.nextInt(1000)},
                        new float[] {id.charAt(0)}), 11, workers, 2);
    }

    private static List<float[]> all(BatchLoader l, int epoch, int first) {
        List<float[]> out = new ArrayList<>();
        for (Iterator<BatchLoader.Batch> it = l.epoch(epoch, first); it.hasNext(); ) {
            out.add(it.next().inputs().data().asFloat());
        }
        return out;
    }

    @Test
    void dropsTheLastPartialBatchAndShufflesAPermutation() {
        try (BatchLoader l = loader(1)) {
            assertEquals(2, l.batchesPerEpoch());
            assertEquals(new HashSet<>(IDS), new HashSet<>(l.order(0)));
            assertNotEquals(l.order(0), l.order(1), "each epoch has its own order");
            List<float[]> batches = all(l, 0, 0);
            assertEquals(2, batches.size());
            // batch 1 holds the 4th..6th ids of the epoch's order, in order
            List<String> order = l.order(0);
            for (int k = 0; k < 3; k++) {
                assertEquals(order.get(3 + k).charAt(0), batches.get(1)[2 * k], 0);
            }
        }
    }

    @Test
    void sameBatchesForAnyThreadCountAndWhenResumed() {
        try (BatchLoader one = loader(1); BatchLoader three = loader(3)) {
            List<float[]> a = all(one, 2, 0);
            List<float[]> b = all(three, 2, 0);
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i), b.get(i));
            }
            List<float[]> resumed = all(three, 2, 1);
            assertEquals(1, resumed.size());
            assertArrayEquals(a.get(1), resumed.get(0));
        }
    }
}
