package org.wsss4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.BadInputException;

class StepFolderTest {
    @TempDir
    Path tmp;

    private static StepFolder.Settings settings(double lambda, float bg, List<String> ids) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("lambda", lambda);
        p.put("walk", Map.of("beta", 10.0, "bg_thres", bg));
        return new StepFolder.Settings("maps", p, Map.of("ids", Fingerprints.ids(ids)));
    }

    @Test
    void newFolderIsRecordedAndEqualSettingsResume() throws Exception {
        Path dir = tmp.resolve("maps");
        StepFolder.Settings s = settings(7, 0.25f, List.of("a", "b"));
        assertEquals(StepFolder.Outcome.NEW, StepFolder.open(dir, s, Map.of("jvm", "x"), false));
        Files.writeString(dir.resolve("a.npz"), "map");
        // the same settings built again (other map order, a float read back as a double) resume
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("walk", Map.of("bg_thres", 0.25f, "beta", 10.0));
        p.put("lambda", 7.0);
        StepFolder.Settings again = new StepFolder.Settings("maps", p, Map.of("ids", Fingerprints.ids(List.of("a", "b"))));
        assertEquals(StepFolder.Outcome.RESUMED, StepFolder.open(dir, again, Map.of("jvm", "other"), false));
        assertTrue(Files.exists(dir.resolve("a.npz")));
        assertEquals(s.hash(), again.hash());
        // the recorded hash is the settings' hash, read back from the file
        assertEquals(s.hash(), StepFolder.recordedHash(dir));
        assertEquals(StepFolder.UNRECORDED, StepFolder.recordedHash(tmp.resolve("nothing")));
    }

    @Test
    void otherSettingsAreRefusedInOneLineNamingTheKeys() throws Exception {
        Path dir = tmp.resolve("maps");
        StepFolder.open(dir, settings(7, 0.25f, List.of("a", "b")), Map.of(), false);
        BadInputException e = assertThrows(BadInputException.class,
                () -> StepFolder.open(dir, settings(0, 0.3f, List.of("a", "b")), Map.of(), false));
        String m = e.getMessage();
        // a float parameter reads as it was written (Jackson writes 0.3f as 0.3)
        assertTrue(m.startsWith(dir + " was made with other settings (lambda 7.0 -> 0.0, walk.bg_thres 0.25 -> 0.3)"), m);
        assertTrue(m.endsWith("give another --out, or --overwrite to redo this step and the steps after it"), m);
        assertEquals(1, m.lines().count());
        BadInputException l = assertThrows(BadInputException.class,
                () -> StepFolder.open(dir, settings(7, 0.25f, List.of("a", "c")), Map.of(), false));
        assertTrue(l.getMessage().contains("(ids.sha256 "), l.getMessage());
        assertFalse(l.getMessage().contains("ids.count"), l.getMessage());
    }

    @Test
    void overwriteEmptiesTheFolderAndRecordsTheNewSettings() throws Exception {
        Path dir = tmp.resolve("irn");
        StepFolder.open(dir, settings(7, 0.25f, List.of("a")), Map.of(), false);
        Files.createDirectories(dir.resolve("checkpoints"));
        Files.writeString(dir.resolve("checkpoints/last.npz"), "x");
        Files.writeString(dir.resolve("irn.npz"), "x");
        StepFolder.Settings other = settings(3, 0.25f, List.of("a"));
        assertEquals(StepFolder.Outcome.OVERWRITTEN, StepFolder.open(dir, other, Map.of(), true));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve(StepFolder.FILE)), files.toList());
        }
        assertEquals(other.hash(), StepFolder.recordedHash(dir));
        // equal settings with --overwrite: nothing is deleted
        Files.writeString(dir.resolve("irn.npz"), "x");
        assertEquals(StepFolder.Outcome.RESUMED, StepFolder.open(dir, other, Map.of(), true));
        assertTrue(Files.exists(dir.resolve("irn.npz")));
    }

    @Test
    void filesWithoutARecordAreRefusedUnlessOverwritten() throws Exception {
        Path dir = tmp.resolve("old");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("x.png"), "x");
        BadInputException e = assertThrows(BadInputException.class,
                () -> StepFolder.open(dir, settings(7, 0.25f, List.of("a")), Map.of(), false));
        assertTrue(e.getMessage().contains("holds files but no settings.json"), e.getMessage());
        assertEquals(StepFolder.Outcome.OVERWRITTEN, StepFolder.open(dir, settings(7, 0.25f, List.of("a")), Map.of(), true));
        assertFalse(Files.exists(dir.resolve("x.png")));
        // an empty existing folder is simply new
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(StepFolder.Outcome.NEW, StepFolder.open(empty, settings(7, 0.25f, List.of("a")), Map.of(), false));
        // killed while its settings record was being written: only the record's temporary file is
        // there, the step never started, and the folder opens as new without --overwrite
        Path cut = Files.createDirectories(tmp.resolve("cut"));
        Files.writeString(cut.resolve(".settings.json.8231.tmp"), "{\"parame");
        assertEquals(StepFolder.Outcome.NEW, StepFolder.open(cut, settings(7, 0.25f, List.of("a")), Map.of(), false));
        assertEquals(StepFolder.Outcome.RESUMED, StepFolder.open(cut, settings(7, 0.25f, List.of("a")), Map.of(), false));
        // an output beside it still counts
        Path both = Files.createDirectories(tmp.resolve("both"));
        Files.writeString(both.resolve(".settings.json.1.tmp"), "{");
        Files.writeString(both.resolve("x.png"), "x");
        assertThrows(BadInputException.class,
                () -> StepFolder.open(both, settings(7, 0.25f, List.of("a")), Map.of(), false));
    }

    @Test
    void fingerprintsAreTheSha256OfTheBytes() throws Exception {
        Path f = tmp.resolve("w.npz");
        Files.writeString(f, "abc");
        // SHA-256("abc"), FIPS 180-2 appendix B.1
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Fingerprints.sha256(f));
        Files.writeString(f, "abcd");
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(12345));
        assertNotEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Fingerprints.sha256(f));
        String joined = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("2007_000032\n2007_000039".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Map.of("count", 2, "sha256", joined), Fingerprints.ids(List.of("2007_000032", "2007_000039")));
        assertThrows(BadInputException.class, () -> Fingerprints.sha256(tmp.resolve("missing.npz")));
    }
}
