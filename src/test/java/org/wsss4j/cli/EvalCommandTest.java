package org.wsss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.io.Json;
import picocli.CommandLine;

class EvalCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String err) {}

    private Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.configure(new CommandLine(new EvalCommand()));
        cli.setErr(new PrintWriter(err));
        return new Run(cli.execute(args), err.toString());
    }

    private void writeMap(Path folder, String id, int h, int w, int... values) {
        LabelMap m = new LabelMap(h, w);
        for (int i = 0; i < values.length; i++) {
            m.data[i] = (byte) values[i];
        }
        ImageFiles.writeLabels(m, folder.resolve(id + ".png"));
    }

    @Test
    void scoresFoldersAndWritesJson() throws Exception {
        Path gt = dir.resolve("gt"), pred = dir.resolve("pred");
        writeMap(gt, "a", 1, 4, 0, 0, 1, 255);
        writeMap(pred, "a", 1, 4, 0, 1, 1, 3);
        Path json = dir.resolve("out/score.json");
        assertEquals(0, run("--pred", pred.toString(), "--gt", gt.toString(), "--json", json.toString()).code());
        JsonNode node = Json.MAPPER.readTree(json.toFile());
        // bg 1/2, class 1 1/2 -> 50.0; class 3 appears nowhere since its pixel's gt is ignored
        assertEquals(50.0, node.get("iou").get(0).asDouble(), 1e-9);
        assertEquals(50.0, node.get("iou").get(1).asDouble(), 1e-9);
        assertTrue(node.get("iou").get(3).isNull());
        assertEquals(21, node.get("iou").size());
        assertEquals(50.0, node.get("miou").asDouble(), 1e-9);
        assertEquals(1, node.get("images").asInt());
    }

    @Test
    void sameFolderScores100() {
        Path gt = dir.resolve("gt");
        writeMap(gt, "a", 2, 2, 0, 5, 5, 255);
        writeMap(gt, "b", 1, 3, 0, 0, 7);
        Path json = dir.resolve("s.json");
        assertEquals(0, run("--pred", gt.toString(), "--gt", gt.toString(), "--json", json.toString()).code());
        assertEquals(100.0, Json.read(json, java.util.Map.class).get("miou") instanceof Double d ? d : -1, 1e-9);
    }

    @Test
    void badInputGivesExit2AndOneLine() throws Exception {
        Path gt = dir.resolve("gt"), pred = dir.resolve("pred");
        Run missing = run("--pred", dir.resolve("nope").toString(), "--gt", gt.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope"), missing.err());
        assertEquals(1, missing.err().strip().lines().count());

        writeMap(gt, "a", 2, 2, 0, 0, 0, 0);
        writeMap(pred, "a", 2, 3, 0, 0, 0, 0, 0, 0);
        Run size = run("--pred", pred.toString(), "--gt", gt.toString());
        assertEquals(2, size.code());
        assertTrue(size.err().contains("a.png") && size.err().contains("2x3"), size.err());

        Files.writeString(pred.resolve("a.png"), "not an image");
        Run text = run("--pred", pred.toString(), "--gt", gt.toString());
        assertEquals(2, text.code());
        assertTrue(text.err().contains("a.png"), text.err());
        assertEquals(1, text.err().strip().lines().count());
    }
}
