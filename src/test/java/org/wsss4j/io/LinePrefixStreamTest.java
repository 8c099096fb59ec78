package org.wsss4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tagged logs of two threads on one stream: whole lines, each with its own tag, none lost. */
class LinePrefixStreamTest {
    @Test
    void piecesOfALineComeOutAsOneTaggedLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream target = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        PrintStream log = LinePrefixStream.of(target, "[cam] ");
        log.print("make-cam ");
        log.printf("%d/%d%n", 3, 40);
        log.print("two\nlines\nand a rest");
        assertEquals("[cam] make-cam 3/40\n[cam] two\n[cam] lines\n", bytes.toString(StandardCharsets.UTF_8)
                .replace(System.lineSeparator(), "\n"));
        log.close();
        assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("[cam] and a rest\n"), "the rest on close");
    }

    @Test
    void twoThreadsLinesInterleaveOnlyAsWholeLines() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream target = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<Thread> threads = new ArrayList<>();
        for (String tag : List.of("a", "b")) {
            PrintStream log = LinePrefixStream.of(target, "[" + tag + "] ");
            threads.add(new Thread(() -> {
                for (int i = 0; i < 2000; i++) {
                    log.print(tag + i);
                    log.println(" " + tag + "-end");
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(4001, lines.length, "4000 lines and the empty rest after the last newline");
        int[] next = new int[2];
        for (int k = 0; k < 4000; k++) {
            String line = lines[k].replace("\r", "");
            String tag = line.substring(1, 2);
            int t = tag.equals("a") ? 0 : 1;
            assertEquals("[" + tag + "] " + tag + next[t] + " " + tag + "-end", line, "line " + k);
            next[t]++;
        }
        assertEquals(2000, next[0]);
        assertEquals(2000, next[1]);
    }
}
