package org.wsss4j.io;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Runs a call with standard output discarded. SameDiff 1.0.0-M2.1 prints one line per op
 * ("Added differentiated op ...") to System.out whenever it builds a gradient function, hundreds
 * of lines that would bury a command's own output; wsss4j prints only to stderr while such calls
 * run, so nothing of ours is lost.
 *
 * <p>Calls from several threads may overlap (reproduce runs two pipelines at once): standard
 * output stays discarded while any call is running and is restored when the last one ends. The
 * calls themselves do not wait for each other; holding a lock during the body would serialise
 * every training step of one pipeline with the other's.
 */
public final class QuietStdout {
    private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());
    private static int running;
    private static PrintStream saved;

    private QuietStdout() {}

    public static <T> T call(Supplier<T> body) {
        synchronized (QuietStdout.class) {
            if (running++ == 0) {
                saved = System.out;
                System.setOut(DISCARD);
            }
        }
        try {
            return body.get();
        } finally {
            synchronized (QuietStdout.class) {
                if (--running == 0) {
                    System.setOut(saved);
                    saved = null;
                }
            }
        }
    }
}
