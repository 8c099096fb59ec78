package org.wsss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.data.VocFixture;
import picocli.CommandLine;

/** reproduce's options (the synthetic dataset's, a VOC run's weights) are checked before anything is written. */
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

    @Test
    void vocRootWithoutWeightsExitsTwoBeforeTrainingOrWriting() throws Exception {
        VocFixture f = VocFixture.create(dir.resolve("fixture"));
        List<Path> before;
        try (Stream<Path> files = Files.walk(dir)) {
            before = files.sorted().toList();
        }
        Path out = dir.resolve("run");
        assertEquals(2, run("--voc-root", f.voc.toString(), "--out", out.toString()));
        List<String> lines = err.toString().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), err.toString());
        assertTrue(lines.get(0).contains("zoo/") && lines.get(0).contains("--from-scratch"), lines.get(0));
        assertTrue(lines.get(0).contains("--imagenet-weights") && lines.get(0).contains("--classifier-weights"),
                lines.get(0));
        // nothing written: no run folder, no label cache, the dataset untouched
        assertFalse(Files.exists(out));
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(before, files.sorted().toList());
        }
    }
}
