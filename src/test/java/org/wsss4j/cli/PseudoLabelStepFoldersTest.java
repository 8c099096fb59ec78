package org.wsss4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.io.Json;
import org.wsss4j.io.NpzFiles;
import org.wsss4j.io.StepFolder;

/**
 * make-pseudolabels' step folders: equal settings resume, other settings are refused naming the
 * folder and the keys, --overwrite redoes the first step whose settings differ and every step after
 * it, and a run killed at a random point of each stage, then rerun, leaves the files of a run that
 * was never interrupted.
 */
class PseudoLabelStepFoldersTest {
    @TempDir
    static Path dir;
    private static PseudoLabelFixture fx;

    @BeforeAll
    static void makeData() {
        fx = PseudoLabelFixture.create(dir);
    }

    private static FileTime time(Path p) throws IOException {
        return Files.getLastModifiedTime(p);
    }

    private static JsonNode settings(Path stepDir) throws IOException {
        return Json.MAPPER.readTree(stepDir.resolve(StepFolder.FILE).toFile());
    }

    @Test
    void otherSettingsAreRefusedAndOverwriteRedoesTheStepAndTheStepsAfterIt() throws Exception {
        Path out = dir.resolve("run");
        StringWriter err = new StringWriter();
        assertEquals(0, PseudoLabelFixture.run(err, fx.args(out)), err.toString());
        String id = Files.readAllLines(fx.voc.resolve("ImageSets/Segmentation/train_aug.txt")).get(0);
        Path map = out.resolve("maps/" + id + ".npz"), ir = out.resolve("ir-labels/" + id + ".png");
        Path irn = out.resolve("irn/irn.npz"), label = out.resolve("sem-seg/" + id + ".png");
        for (String step : List.of("maps", "ir-labels", "irn", "sem-seg")) {
            assertTrue(Files.isRegularFile(out.resolve(step).resolve(StepFolder.FILE)), step);
        }
        assertEquals("[1.0,0.5]", settings(out.resolve("maps")).get("parameters").get("scales").toString());
        assertEquals(10.0, settings(out.resolve("sem-seg")).get("parameters").get("walk").get("beta").asDouble());
        FileTime mapTime = time(map), irTime = time(ir), irnTime = time(irn), labelTime = time(label);

        // the same settings again: everything is reused
        assertEquals(0, PseudoLabelFixture.run(err, fx.args(out)), err.toString());
        assertEquals(List.of(mapTime, irTime, irnTime, labelTime), List.of(time(map), time(ir), time(irn), time(label)));

        // another walk: refused in one line naming the folder and the key, nothing touched
        StringWriter beta = new StringWriter();
        assertEquals(2, PseudoLabelFixture.run(beta, fx.args(out, "--beta", "5")));
        assertEquals(1, beta.toString().strip().lines().count(), beta.toString());
        assertTrue(beta.toString().contains(out.resolve("sem-seg") + " was made with other settings (walk.beta 10.0 -> 5.0)"),
                beta.toString());
        assertEquals(labelTime, time(label));

        // --overwrite: the walk is redone, the steps before it are reused
        assertEquals(0, PseudoLabelFixture.run(err, fx.args(out, "--beta", "5", "--overwrite")), err.toString());
        assertEquals(List.of(mapTime, irTime, irnTime), List.of(time(map), time(ir), time(irn)));
        assertNotEquals(labelTime, time(label));
        assertEquals(5.0, settings(out.resolve("sem-seg")).get("parameters").get("walk").get("beta").asDouble());
        JsonNode result = Json.MAPPER.readTree(out.resolve("result.json").toFile());
        assertEquals(5.0, result.get("settings").get("walk").get("beta").asDouble());
        assertEquals("cam", result.get("maps").get("method").asText());
        assertEquals("[1.0,0.5]", result.get("maps").get("scales").toString());

        // another IR-label threshold with --overwrite: IR labels, IRN (its labels changed) and the walk
        // (its IRN changed) are redone; the maps are not
        FileTime irnBefore = time(irn);
        assertEquals(0, PseudoLabelFixture.run(err, fx.args(out, "--beta", "5", "--fg-thres", "0.4", "--overwrite")),
                err.toString());
        assertEquals(mapTime, time(map));
        assertNotEquals(irTime, time(ir));
        assertNotEquals(irnBefore, time(irn));
        assertEquals(0.4, settings(out.resolve("ir-labels")).get("parameters").get("fg_threshold").asDouble(), 1e-6);
        assertEquals(settings(out.resolve("ir-labels")).get("hash"), settings(out.resolve("irn")).get("inputs").get("ir_labels"));

        // another classifier file, or another list: the maps refuse
        Path other = PseudoLabelFixture.classifier(dir.resolve("other.npz"), 4);
        String[] otherWeights = fx.args(out, "--beta", "5", "--fg-thres", "0.4");
        otherWeights[3] = other.toString();
        StringWriter w = new StringWriter();
        assertEquals(2, PseudoLabelFixture.run(w, otherWeights));
        assertTrue(w.toString().contains(out.resolve("maps") + " was made with other settings (classifier_sha256 "),
                w.toString());
        StringWriter l = new StringWriter();
        assertEquals(2, PseudoLabelFixture.run(l, fx.args(out, "--beta", "5", "--fg-thres", "0.4", "--list", "train")));
        assertTrue(l.toString().contains(out.resolve("maps") + " was made with other settings (ids.count 16 -> 4"),
                l.toString());
        assertEquals(mapTime, time(map));
    }

    /**
     * Runs make-pseudolabels uninterrupted in a child JVM, noting when each of its six stages began;
     * then, for each stage, runs it again in a fresh folder, kills the JVM (SIGKILL) at a random
     * point of that stage, reruns it to the end, and compares every output with the uninterrupted
     * run's, byte for byte.
     */
    @Test
    void aRunKilledAtARandomPointOfEachStageResumesToTheSameFiles() throws Exception {
        Path whole = dir.resolve("whole");
        List<Long> stageStarts = new ArrayList<>();
        long end = runChild(whole, 0, 0, stageStarts);
        assertEquals(6, stageStarts.size(), "stage lines seen: " + stageStarts);
        stageStarts.add(end);
        Map<String, byte[]> want = outputs(whole);
        assertTrue(want.keySet().stream().anyMatch(k -> k.startsWith("sem-seg/")), want.keySet().toString());

        Random random = new Random(26);
        for (int stage = 0; stage < 6; stage++) {
            long length = Math.max(1, stageStarts.get(stage + 1) - stageStarts.get(stage));
            // killed a random time after this run's own stage line, so a machine faster or slower than
            // during the uninterrupted run still kills inside the stage; where the stage ran faster
            // than that and the run finished, again sooner
            long delay = (long) (random.nextDouble() * length);
            Path out = dir.resolve("killed-" + stage);
            for (int attempt = 0; ; attempt++) {
                deleteTree(out);
                runChild(out, stage + 1, delay, new ArrayList<>());
                if (!Files.exists(out.resolve("result.json"))) {
                    break;
                }
                // the kill came after the end: the run folder has a result
                assertTrue(attempt < 4, "stage " + (stage + 1) + " finished before its kill, " + delay + " ms in");
                delay /= 4;
            }
            long killAt = delay;
            StringWriter err = new StringWriter();
            assertEquals(0, PseudoLabelFixture.run(err, fx.args(out)), "stage " + stage + ": " + err);
            Map<String, byte[]> got = outputs(out);
            assertEquals(want.keySet(), got.keySet(), "stage " + (stage + 1) + " killed " + killAt + " ms in");
            for (String f : want.keySet()) {
                if (f.endsWith(".json")) {
                    assertEquals(new String(want.get(f), StandardCharsets.UTF_8), new String(got.get(f), StandardCharsets.UTF_8),
                            f + " after a kill in stage " + (stage + 1));
                } else {
                    assertArrayEquals(want.get(f), got.get(f), f + " after a kill in stage " + (stage + 1));
                }
            }
        }
    }

    /**
     * Runs make-pseudolabels into {@code out} in a child JVM and kills it (SIGKILL) {@code delayMs}
     * after it printed the line of stage {@code killStage} (1-6; 0 = let it finish). Adds the times
     * at which stage lines appeared to {@code stages}.
     *
     * @return the milliseconds it ran
     */
    private static long runChild(Path out, int killStage, long delayMs, List<Long> stages) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=3G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=6G",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "make-pseudolabels"));
        cmd.addAll(List.of(fx.args(out)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        long t0 = System.nanoTime();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.matches("make-pseudolabels: [1-6]/6 .*")) {
                        synchronized (stages) {
                            stages.add((System.nanoTime() - t0) / 1_000_000);
                        }
                        if (line.startsWith("make-pseudolabels: " + killStage + "/6 ")) {
                            Thread killer = new Thread(() -> {
                                try {
                                    Thread.sleep(delayMs);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                p.destroyForcibly();
                            });
                            killer.setDaemon(true);
                            killer.start();
                        }
                    }
                }
            } catch (IOException e) {
                // the child was killed
            }
        });
        reader.start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the child did not end in 10 minutes");
        reader.join();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (killStage == 0) {
            assertEquals(0, p.exitValue(), "the uninterrupted child failed");
        }
        return ms;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * A file's content as compared: an .npz's arrays (its zip entries carry the time they were
     * written), a checkpoint sidecar without its creation time, any other file's bytes.
     */
    private static byte[] content(Path p) throws IOException {
        String name = p.getFileName().toString();
        if (name.endsWith(".npz")) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, INDArray> e : new TreeMap<>(NpzFiles.read(p)).entrySet()) {
                INDArray a = e.getValue();
                sb.append(e.getKey()).append(' ').append(a.dataType()).append(java.util.Arrays.toString(a.shape()))
                        .append(java.util.Arrays.toString(a.dup('c').data().asDouble())).append('\n');
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }
        if (name.endsWith(".npz.json")) {
            com.fasterxml.jackson.databind.node.ObjectNode sidecar =
                    (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(p.toFile());
            sidecar.remove("created");
            return sidecar.toString().getBytes(StandardCharsets.UTF_8);
        }
        return Files.readAllBytes(p);
    }

    /**
     * Every output of a run folder by relative path: maps, labels, the IRN weights, seeds.json and
     * result.json. Not compared: the settings records' provenance (their time), the training logs
     * (wall-clock speeds), IRN's intermediate checkpoints, and the temporary files of writes a kill
     * cut short (hidden, never read).
     */
    private static Map<String, byte[]> outputs(Path out) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(out)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                String rel = out.relativize(p).toString();
                String name = p.getFileName().toString();
                if (name.equals(StepFolder.FILE) || name.endsWith(".csv") || rel.startsWith("irn/checkpoints/")
                        || (name.startsWith(".") && name.endsWith(".tmp"))) {
                    continue;
                }
                files.put(rel, content(p));
            }
        }
        return files;
    }
}
