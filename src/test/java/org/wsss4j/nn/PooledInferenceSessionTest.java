package org.wsss4j.nn;

import org.wsss4j.classifier.CamNetwork;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The CAM network's passes run on pooled arrays: what one pass returned stays the caller's (a
 * later pass on another input does not write into it), and a pass on reused arrays computes what
 * the first pass, on fresh arrays, computed.
 */
class PooledInferenceSessionTest {
    @Test
    void passesOnReusedArraysGiveTheFirstPassesResultsAndLeaveReturnedArraysAlone() {
        CamNetwork net = CamNetwork.build(ResNetSpec.camBackbone("resnet18", 0.125), 3, DataType.FLOAT, 5);
        assertInstanceOf(PooledInferenceSession.class, SameDiff.getInferenceFactory().create(net.graph()));
        Random r = new Random(5);
        INDArray x1 = GaussianArrays.random(r, 1.0, 2, 3, 40, 56).castTo(DataType.FLOAT);
        INDArray x2 = GaussianArrays.random(r, 1.0, 2, 3, 40, 56).castTo(DataType.FLOAT);

        INDArray first = net.cams(x1);
        INDArray firstCopy = first.dup();
        INDArray other = net.cams(x2);
        for (int i = 0; i < 3; i++) net.cams(x2);
        INDArray again = net.cams(x1);

        assertArrayEquals(values(firstCopy), values(first), "a later pass wrote into an array an earlier pass returned");
        assertArrayEquals(values(firstCopy), values(again), "same input, same maps, bit for bit");
        assertTrue(other.sub(first).amaxNumber().doubleValue() > 1e-3,
                "the two inputs give different maps (else the test shows nothing)");
    }

    @Test
    void freeingThePoolsKeepsNothingAndTheNextPassComputesTheSame() {
        CamNetwork net = CamNetwork.build(ResNetSpec.camBackbone("resnet18", 0.125), 3, DataType.FLOAT, 6);
        INDArray x = GaussianArrays.random(new Random(6), 1.0, 2, 3, 40, 56).castTo(DataType.FLOAT);
        INDArray before = net.cams(x).dup();
        net.cams(x);
        assertTrue(PooledInferenceSession.pooledBytes() > 0, "a pass leaves arrays in its session's pool");
        PooledInferenceSession.freePooledArrays();
        assertEquals(0, PooledInferenceSession.pooledBytes());
        assertArrayEquals(values(before), values(net.cams(x)), "the pass after freeing, bit for bit");
        assertTrue(PooledInferenceSession.pooledBytes() > 0, "the pool refills");
    }

    @Test
    void freeingThePoolsLeavesAnotherThreadsPoolsAlone() throws Exception {
        CamNetwork net = CamNetwork.build(ResNetSpec.camBackbone("resnet18", 0.125), 3, DataType.FLOAT, 7);
        INDArray x = GaussianArrays.random(new Random(7), 1.0, 2, 3, 40, 56).castTo(DataType.FLOAT);
        long[] otherThreadsBytes = new long[2];
        CountDownLatch passDone = new CountDownLatch(1);
        CountDownLatch freed = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            net.cams(x);
            otherThreadsBytes[0] = PooledInferenceSession.pooledBytes();
            passDone.countDown();
            try {
                freed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            otherThreadsBytes[1] = PooledInferenceSession.pooledBytes();
        });
        other.start();
        passDone.await();
        net.cams(x);
        assertTrue(PooledInferenceSession.pooledBytes() > 0, "this thread's pass leaves arrays in its own pool");
        PooledInferenceSession.freePooledArrays();
        assertEquals(0, PooledInferenceSession.pooledBytes());
        freed.countDown();
        other.join();
        assertTrue(otherThreadsBytes[0] > 0, "the other thread's pass leaves arrays in its pool");
        assertEquals(otherThreadsBytes[0], otherThreadsBytes[1], "freeing in this thread kept the other's pool");
    }

    private static float[] values(INDArray a) {
        return a.dup('c').data().asFloat();
    }
}
