package org.wsss4j.pipeline;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Two independent pieces of work at the same time: one in a new thread, one in the caller's.
 * Both always run to their end, also when the other fails, so neither is cut off halfway (every
 * stage writes its files atomically and resumes, so what a finished piece wrote is kept for the
 * next run); then the first failure is thrown, with the other's attached as suppressed.
 */
final class Concurrently {
    /** The results of both pieces of work. */
    record Both<A, B>(A first, B second) {}

    private Concurrently() {}

    /**
     * @param threadName name of the new thread (shown in thread dumps and profiles)
     * @param first      run in the new thread
     * @param second     run in the calling thread
     */
    static <A, B> Both<A, B> run(String threadName, Supplier<A> first, Supplier<B> second) {
        FutureTask<A> task = new FutureTask<>(first::get);
        Thread thread = new Thread(task, threadName);
        thread.start();
        B b = null;
        Throwable failure = null;
        try {
            b = second.get();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        A a = null;
        boolean interrupted = false;
        while (true) {
            try {
                a = task.get();
                break;
            } catch (ExecutionException e) {
                failure = combine(failure, e.getCause());
                break;
            } catch (InterruptedException e) {
                // the thread's work cannot be stopped halfway without losing it: wait on, re-interrupt after
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return new Both<>(a, b);
    }

    private static Throwable combine(Throwable first, Throwable later) {
        if (first == null) {
            return later;
        }
        first.addSuppressed(later);
        return first;
    }
}
