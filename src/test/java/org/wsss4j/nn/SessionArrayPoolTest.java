package org.wsss4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The bookkeeping of {@link SessionArrayPool}, worked out by hand for a few arrays. */
class SessionArrayPoolTest {
    private static final long FLOAT_2x3x4 = 2 * 3 * 4 * 4;

    @Test
    void aReleasedArrayIsHandedOutAgainForTheSameShapeOnly() {
        SessionArrayPool pool = new SessionArrayPool(1 << 20);
        pool.startPass();
        INDArray a = pool.allocate(false, DataType.FLOAT, 2, 3, 4);
        long firstId = a.getId();
        pool.release(a);
        assertEquals(FLOAT_2x3x4, pool.pooledBytes());

        INDArray otherShape = pool.allocate(false, DataType.FLOAT, 2, 4, 3);
        INDArray otherType = pool.allocate(false, DataType.DOUBLE, 2, 3, 4);
        assertNotSame(a, otherShape);
        assertNotSame(a, otherType);
        INDArray again = pool.allocate(false, DataType.FLOAT, 2, 3, 4);
        assertSame(a, again, "the released array, not a new one");
        assertTrue(again.getId() != firstId, "a reused array gets a new id (the session tracks arrays by id)");
        assertEquals(1, pool.hits());
        assertEquals(3, pool.misses());
        assertEquals(0, pool.pooledBytes());
    }

    @Test
    void whenFullTheReleasedArrayIsFreedAndThePoolKeepsWhatItHas() {
        SessionArrayPool pool = new SessionArrayPool(FLOAT_2x3x4 + 10); // room for one such array
        pool.startPass();
        INDArray a = pool.allocate(false, DataType.FLOAT, 2, 3, 4);
        INDArray b = pool.allocate(false, DataType.FLOAT, 2, 3, 4);
        pool.release(a);
        pool.release(b);
        assertEquals(FLOAT_2x3x4, pool.pooledBytes());
        assertFalse(a.wasClosed(), "the first released stays pooled");
        assertTrue(b.wasClosed(), "the one that does not fit is freed, not kept");
        assertSame(a, pool.allocate(false, DataType.FLOAT, 2, 3, 4));
    }

    @Test
    void shapesNotAskedForInTwoPassesMakeRoomForNewOnes() {
        SessionArrayPool pool = new SessionArrayPool(FLOAT_2x3x4 + 10);
        pool.startPass(); // pass 1: shape A asked and pooled
        INDArray a = pool.allocate(false, DataType.FLOAT, 2, 3, 4);
        pool.release(a);

        pool.startPass(); // pass 2: only shape B, the pool is full, A was asked in the pass before
        INDArray b = pool.allocate(false, DataType.FLOAT, 4, 3, 2);
        pool.release(b);
        assertTrue(b.wasClosed(), "A still counts as in use (asked one pass ago)");
        assertFalse(a.wasClosed());

        pool.startPass(); // pass 3: A not asked in this pass or the one before: freed for B
        INDArray b2 = pool.allocate(false, DataType.FLOAT, 4, 3, 2);
        pool.release(b2);
        assertTrue(a.wasClosed());
        assertFalse(b2.wasClosed());
        assertEquals(FLOAT_2x3x4, pool.pooledBytes());
    }

    @Test
    void viewsAreNotPooled() {
        SessionArrayPool pool = new SessionArrayPool(1 << 20);
        pool.startPass();
        INDArray a = pool.allocate(false, DataType.FLOAT, 2, 3, 4);
        INDArray view = a.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1));
        assertTrue(view.isView());
        pool.release(view);
        assertEquals(0, pool.pooledBytes());
    }

    @Test
    void theEndOfAPassTakesBackWhatTheSessionForgotButNotWhatItReturned() {
        SessionArrayPool pool = new SessionArrayPool(1 << 20);
        pool.startPass();
        INDArray released = pool.allocate(false, DataType.FLOAT, 8);
        INDArray forgotten = pool.allocate(false, DataType.FLOAT, 2, 3, 4);
        INDArray returned = pool.allocate(false, DataType.FLOAT, 3, 5);
        INDArray returnedAsView = pool.allocate(false, DataType.FLOAT, 6, 5);
        pool.release(released);
        pool.endPass(List.of(returned, returnedAsView.reshape(30)));

        assertEquals(1, pool.reclaimed());
        assertEquals(8 * 4 + FLOAT_2x3x4, pool.pooledBytes(), "the released and the forgotten array");
        pool.startPass();
        assertSame(forgotten, pool.allocate(false, DataType.FLOAT, 2, 3, 4));
        assertNotSame(returned, pool.allocate(false, DataType.FLOAT, 3, 5));
        assertNotSame(returnedAsView, pool.allocate(false, DataType.FLOAT, 6, 5));
        assertFalse(returned.wasClosed());
        assertFalse(returnedAsView.wasClosed());
    }
}
