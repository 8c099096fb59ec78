package org.wsss4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Overlapping quiet calls from two threads: neither waits for the other, stdout comes back once both end. */
class QuietStdoutTest {
    @Test
    void overlappingCallsRunTogetherAndStdoutIsRestoredWhenTheLastEnds() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream mine = new PrintStream(captured, true);
        System.setOut(mine);
        try {
            CountDownLatch firstInside = new CountDownLatch(1);
            CountDownLatch secondInside = new CountDownLatch(1);
            CountDownLatch firstMayEnd = new CountDownLatch(1);
            PrintStream[] seenAfterFirstEnded = new PrintStream[1];
            boolean[] secondEntered = new boolean[1];
            Thread first = new Thread(() -> QuietStdout.call(() -> {
                firstInside.countDown();
                System.out.println("discarded 1");
                await(firstMayEnd);
                return null;
            }));
            first.start();
            await(firstInside);
            Thread second = new Thread(() -> QuietStdout.call(() -> {
                secondEntered[0] = true;
                secondInside.countDown();
                await(secondInside);
                firstMayEnd.countDown();
                try {
                    first.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seenAfterFirstEnded[0] = System.out;
                System.out.println("discarded 2");
                return null;
            }));
            second.start();
            assertTrue(secondInside.await(20, TimeUnit.SECONDS), "the second call waited for the first to end");
            second.join(20_000);
            assertTrue(secondEntered[0]);
            assertNotSame(mine, seenAfterFirstEnded[0], "stdout came back while the second call was still running");
            assertSame(mine, System.out, "stdout restored after both calls");
            System.out.println("kept");
            assertEquals("kept" + System.lineSeparator(), captured.toString());
        } finally {
            System.setOut(original);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
