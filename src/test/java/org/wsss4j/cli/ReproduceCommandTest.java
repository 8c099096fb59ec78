package org.wsss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The synthetic-dataset options of reproduce are checked before anything is written. */
class ReproduceCommandTest {
    @TempDir
    Path dir;

    private final java.io.StringWriter err = new java.io.StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.configure(new CommandLine(new ReproduceCommand()));
        cli.setErr(new java.io.PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void outOfRangeSizeOrBadgeDropoutExitsTwoAndWritesNothing() {
        Path out = dir.resolve("run");
        // ShapesConfig's documented ranges: size 64..1024 px, dropout a fraction in [0, 1]
        assertEquals(2, run("--out", out.toString(), "--size", "63"));
        assertEquals(2, run("--out", out.toString(), "--size", "1025"));
        assertEquals(2, run("--out", out.toString(), "--badge-dropout", "1.5"));
        assertEquals(2, run("--out", out.toString(), "--badge-dropout", "-0.1"));
        assertFalse(Files.exists(out));
        // the dataset's own messages, not picocli's "Unknown option"
        String text = err.toString();
        assertTrue(text.contains("--size must be between 64 and 1024 pixels, got 63"), text);
        assertTrue(text.contains("--size must be between 64 and 1024 pixels, got 1025"), text);
        assertTrue(text.contains("--badge-dropout must be a fraction in [0, 1], got 1.5"), text);
    }
}
