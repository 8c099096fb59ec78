package org.wsss4j;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work handed to another thread, with that work's failure thrown as it was thrown there. */
public final class Futures {
    private Futures() {}

    /**
     * The result of {@code f}. A RuntimeException of the task (e.g. a {@link BadInputException}) is
     * rethrown unchanged, so a worker thread's bad input still exits 2 with its own message.
     *
     * @param whatIsInterrupted names the waiting work in the message if this thread is interrupted
     */
    public static <T> T get(Future<T> f, String whatIsInterrupted) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(whatIsInterrupted + " interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
