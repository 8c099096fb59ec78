package org.wsss4j.io;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Runs a call with standard output discarded. SameDiff 1.0.0-M2.1 prints one line per op
 * ("Added differentiated op ...") to System.out whenever it builds a gradient function, hundreds
 * of lines that would bury a command's own output; wsss4j prints only to stderr while such calls
 * run, so nothing of ours is lost.
 */
public final class QuietStdout {
    private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());

    private QuietStdout() {}

    public static synchronized <T> T call(Supplier<T> body) {
        PrintStream out = System.out;
        System.setOut(DISCARD);
        try {
            return body.get();
        } finally {
            System.setOut(out);
        }
    }
}
