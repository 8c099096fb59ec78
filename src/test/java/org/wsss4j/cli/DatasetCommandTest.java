package org.wsss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.data.VocFixture;
import org.wsss4j.data.image.ImageFiles;
import picocli.CommandLine;

class DatasetCommandTest {
    @TempDir
    Path tmp;
    VocFixture fx;
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void setUp() throws Exception {
        fx = VocFixture.create(tmp);
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = Main.configure(new CommandLine(new DatasetCommand()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        all[0] = "--cache-dir";
        all[1] = fx.cache.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.execute(all);
    }

    private void assertOneLineError(String startsWith) {
        String e = err.toString();
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.startsWith("wsss4j: " + startsWith), e);
    }

    @Test
    void summaryWithoutSbd() {
        assertEquals(0, run("--voc-root", fx.voc.toString()), err.toString());
        String o = out.toString();
        assertTrue(o.contains("JPEGImages                 6 .jpg"), o);
        assertTrue(o.contains("SegmentationClass          4 .png"), o);
        assertTrue(o.contains("SegmentationClassAug  absent"), o);
        assertTrue(o.contains("train           2 ids"), o);
        assertTrue(o.contains("val             2 ids"), o);
        assertTrue(o.contains("train_aug  absent: "), o);
        // Class table with the train and val columns: person in train (2007_000001), bus in val.
        assertTrue(o.contains("      train       val"), o);
        assertTrue(o.lines().anyMatch(l -> l.matches("\\s+person\\s+1\\s+0")), o);
        assertTrue(o.lines().anyMatch(l -> l.matches("\\s+bus\\s+0\\s+1")), o);
        // train {01, 02} and val {03, 04}: four images, each with its SegmentationClass mask.
        assertTrue(o.contains("checked: 4 images and 4 masks of the listed ids, sizes read from the headers"), o);
        assertEquals("", err.toString());
    }

    @Test
    void sbdWithoutAugStopsAtTheUnlabelledId() {
        // train_aug holds 2008_000006, which has no XML and (yet) no mask.
        assertEquals(2, run("--voc-root", fx.voc.toString(), "--sbd-root", fx.sbd.toString()));
        assertOneLineError(fx.voc.toAbsolutePath().resolve("Annotations/2008_000006.xml") + ": no image labels");
    }

    @Test
    void makeAugThenSummaryWithCheckedMasks() throws Exception {
        assertEquals(0, run("--voc-root", fx.voc.toString(), "--sbd-root", fx.sbd.toString(),
                "--make-aug", "--check-masks", "--progress-every", "5"), err.toString());
        String o = out.toString();
        assertTrue(o.contains("make-aug: 5/6 masks (1 from SBD, 4 from SegmentationClass, 0 already present)"), o);
        assertTrue(o.contains("train_aug       4 ids"), o);
        assertTrue(o.contains("SegmentationClassAug       6 .png"), o);
        assertTrue(o.contains("SBD                        5 cls .mat"), o);
        // train_aug = {01 cat dog person, 02 aeroplane, 05 sheep bicycle, 06 bird person (mask)}
        assertTrue(o.lines().anyMatch(l -> l.matches("\\s+person\\s+2\\s+1\\s+0")), o);
        assertTrue(o.lines().anyMatch(l -> l.matches("\\s+bird\\s+1\\s+0\\s+0")), o);
        assertTrue(o.lines().anyMatch(l -> l.matches("\\s+cow\\s+0\\s+0\\s+0")), o);
        assertTrue(Files.isRegularFile(fx.voc.resolve("ImageSets/Segmentation/train_aug.txt")));
        // Images 01..06; masks: SegmentationClass of 01..04 and SegmentationClassAug of
        // train_aug ∪ val = {01, 02, 03, 04, 05, 06}.
        assertTrue(o.contains("checked: 6 images and 10 masks of the listed ids, masks decoded"), o);
        // The list now exists: train_aug no longer needs SBD.
        assertEquals(0, run("--voc-root", fx.voc.toString()), err.toString());
        assertTrue(out.toString().contains("train_aug       4 ids"), out.toString());
        assertTrue(out.toString().contains("checked: 6 images and 10 masks of the listed ids, sizes read"),
                out.toString());
    }

    @Test
    void badRootIsOneLineAndExit2() {
        assertEquals(2, run("--voc-root", tmp.toString()));
        assertOneLineError(tmp + ": not a VOC 2012 root: expected folder " + tmp.resolve("JPEGImages"));
    }

    @Test
    void makeAugWithoutSbdIsExit2() {
        assertEquals(2, run("--voc-root", fx.voc.toString(), "--make-aug"));
        assertOneLineError("--make-aug needs --sbd-root");
    }

    @Test
    void badImageIsExit2NamingIt() throws Exception {
        Path jpg = fx.voc.toAbsolutePath().resolve("JPEGImages/2007_000003.jpg");
        Files.writeString(jpg, "text");
        assertEquals(2, run("--voc-root", fx.voc.toString()));
        assertOneLineError(jpg + ": not a JPEG or PNG image");
    }

    @Test
    void maskOnePixelWiderThanItsImageIsExit2WithoutCheckMasks() {
        Path mask = fx.voc.toAbsolutePath().resolve("SegmentationClass/2007_000003.png");
        Path jpg = fx.voc.toAbsolutePath().resolve("JPEGImages/2007_000003.jpg");
        ImageFiles.writeLabels(VocFixture.labels(new int[4][7]), mask); // the image is 4x6
        assertEquals(2, run("--voc-root", fx.voc.toString()));
        assertOneLineError(mask + ": mask is 4x7 (HxW) but its image " + jpg + " is 4x6; replace it");
        assertEquals("", out.toString());
    }

    @Test
    void truncatedMaskHeaderIsExit2NamingIt() throws Exception {
        Path mask = fx.voc.toAbsolutePath().resolve("SegmentationClass/2007_000002.png");
        Files.write(mask, Arrays.copyOf(Files.readAllBytes(mask), 20));
        assertEquals(2, run("--voc-root", fx.voc.toString()));
        assertOneLineError(mask + ": cannot read the image header");
    }

    @Test
    void missingMaskOfAValIdIsExit2NamingIt() throws Exception {
        Path mask = fx.voc.toAbsolutePath().resolve("SegmentationClass/2007_000004.png");
        Files.delete(mask);
        assertEquals(2, run("--voc-root", fx.voc.toString()));
        assertOneLineError(mask + ": mask not found");
    }

    @Test
    void missingRequiredOptionIsExit2() {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = Main.configure(new CommandLine(new DatasetCommand()));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute());
        assertTrue(err.toString().contains("--voc-root"), err.toString());
    }
}
