package org.wsss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SynthCommandTest {

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter(), err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.configure(new CommandLine(new SynthCommand()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void writesThenSaysAlreadyThere() throws Exception {
        Path dir = tmp.resolve("shapes");
        assertEquals(0, run("--out", dir.toString(), "--images", "9", "--seed", "5", "--size", "64",
                "--classes", "4", "--badge-dropout", "0.5"));
        // 9 * 2 / 3 = 6 train_aug, 3 left: 1 val, 2 test.
        assertEquals(6, Files.readAllLines(dir.resolve("ImageSets/Segmentation/train_aug.txt")).size());
        assertEquals(2, Files.readAllLines(dir.resolve("ImageSets/Segmentation/test.txt")).size());
        assertTrue(Files.readString(dir.resolve("synth.json")).contains("\"classes\" : 4"));
        assertEquals(0, run("--out", dir.toString(), "--images", "9", "--seed", "5", "--size", "64",
                "--classes", "4", "--badge-dropout", "0.5"));
        assertTrue(out.toString().contains("already"), out.toString());
        // Same folder, another seed: refused.
        assertEquals(2, run("--out", dir.toString(), "--images", "9", "--seed", "6", "--size", "64",
                "--classes", "4", "--badge-dropout", "0.5"));
    }

    @Test
    void nonEmptyForeignFolderIsExitTwoWithOneLine() throws Exception {
        Path dir = tmp.resolve("busy");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("a.txt"), "x");
        assertEquals(2, run("--out", dir.toString(), "--images", "6"));
        String msg = err.toString().strip();
        assertEquals(1, msg.lines().count(), msg);
        assertTrue(msg.contains(dir.toString()), msg);
        assertEquals(1, Files.list(dir).count(), "nothing written into the foreign folder");
    }

    @Test
    void badOptionValuesAreExitTwo() {
        assertEquals(2, run("--out", tmp.resolve("x").toString(), "--images", "3"));
        assertTrue(err.toString().contains("--images"), err.toString());
        assertEquals(2, run("--out", tmp.resolve("x").toString(), "--badge-dropout", "1.5"));
        assertEquals(2, run("--out", tmp.resolve("x").toString(), "--classes", "21"));
        assertEquals(2, run("--images", "12"));
        assertTrue(Files.notExists(tmp.resolve("x")));
    }
}
