package org.wsss4j.io;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work: a progress bar on a terminal, plain periodic log lines otherwise (CI logs,
 * files), so a user always sees where a run is, how fast it goes and when it ends.
 */
public final class Progress implements AutoCloseable {
    private static final InheritableThreadLocal<PrintStream> ROUTED_LOG = new InheritableThreadLocal<>();
    private final String task;
    private final long total;
    private final ProgressBar bar;
    private final PrintStream log;
    private final long startNanos = System.nanoTime();
    private final long logEveryNanos;
    private long lastLogNanos = System.nanoTime();
    private long done;
    private String extra = "";

    private Progress(String task, long total, boolean terminal, PrintStream log, double logEverySeconds) {
        this.task = task;
        this.total = total;
        this.log = log;
        this.logEveryNanos = (long) (logEverySeconds * 1e9);
        this.bar = terminal
                ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build()
                : null;
    }

    /** Starts reporting {@code total} units of work named {@code task}. */
    public static Progress start(String task, long total) {
        PrintStream routed = ROUTED_LOG.get();
        if (routed != null) {
            return new Progress(task, total, false, routed, 10);
        }
        boolean terminal = System.console() != null && System.getenv("CI") == null;
        return new Progress(task, total, terminal, System.err, 10);
    }

    /**
     * Runs {@code body} with the progress of work started in this thread, and in threads it
     * starts, reported as plain lines to {@code log} and never as a bar: two bars on one terminal
     * would overwrite each other (reproduce runs two pipelines at once, each with its own tagged
     * log).
     */
    public static <T> T reportingTo(PrintStream log, Supplier<T> body) {
        PrintStream before = ROUTED_LOG.get();
        ROUTED_LOG.set(log);
        try {
            return body.get();
        } finally {
            ROUTED_LOG.set(before);
        }
    }

    /** Where this thread's work reports: the log of {@link #reportingTo}, else standard error. */
    public static PrintStream log() {
        PrintStream routed = ROUTED_LOG.get();
        return routed != null ? routed : System.err;
    }

    /** Reports to {@code log} every {@code seconds}, never as a bar (tests, embedding callers). */
    public static Progress toLog(String task, long total, PrintStream log, double seconds) {
        return new Progress(task, total, false, log, seconds);
    }

    /** Advances by {@code n} units; {@code message} (loss, LR, ...) is shown beside the count. */
    public void step(long n, Supplier<String> message) {
        done += n;
        extra = message == null ? "" : message.get();
        if (bar != null) {
            bar.stepBy(n);
            bar.setExtraMessage(extra);
        } else {
            long now = System.nanoTime();
            if (now - lastLogNanos >= logEveryNanos || done == total) {
                lastLogNanos = now;
                log.println(line());
            }
        }
    }

    public void step(long n) {
        step(n, null);
    }

    public long done() {
        return done;
    }

    /** {@code task 120/400 (30%) 3.1/s ETA 1m30s extra}. */
    String line() {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        String eta = rate > 0 && total > 0 ? duration((total - done) / rate) : "?";
        return String.format(Locale.ROOT, "%s %d/%d (%.0f%%) %.2f/s ETA %s %s", task, done, total,
                total > 0 ? 100.0 * done / total : 0, rate, eta, extra).strip();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
