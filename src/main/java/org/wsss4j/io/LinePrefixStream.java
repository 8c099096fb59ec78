package org.wsss4j.io;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A log that puts a tag in front of every line and hands whole lines to the stream under it, so
 * the logs of work running at the same time (reproduce's CAM and AdvCAM pipelines) interleave by
 * line, each line saying whose it is, instead of mixing within lines.
 */
public final class LinePrefixStream extends OutputStream {
    private final PrintStream target;
    private final byte[] prefix;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private LinePrefixStream(PrintStream target, String prefix) {
        this.target = target;
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
    }

    /** A print stream writing {@code prefix + line} to {@code target} for each line printed to it. */
    public static PrintStream of(PrintStream target, String prefix) {
        return new PrintStream(new LinePrefixStream(target, prefix), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                line.write(b, start, i + 1 - start);
                emit();
                start = i + 1;
            }
        }
        line.write(b, start, off + len - start);
    }

    /** A partial line stays buffered until its newline: flushing it would split the line. */
    @Override
    public void flush() {}

    @Override
    public synchronized void close() {
        if (line.size() > 0) {
            line.write('\n');
            emit();
        }
    }

    private void emit() {
        byte[] whole = new byte[prefix.length + line.size()];
        System.arraycopy(prefix, 0, whole, 0, prefix.length);
        System.arraycopy(line.toByteArray(), 0, whole, prefix.length, line.size());
        line.reset();
        // PrintStream.write(byte[], int, int) holds the target's lock for the whole line
        target.write(whole, 0, whole.length);
        target.flush();
    }
}
