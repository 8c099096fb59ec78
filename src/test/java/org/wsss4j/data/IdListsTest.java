package org.wsss4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.BadInputException;

class IdListsTest {
    @TempDir
    Path tmp;

    @Test
    void toleratesCrlfTrailingBlanksBlankLinesAndBom() throws Exception {
        Path f = tmp.resolve("l.txt");
        Files.writeString(f, "\uFEFF2007_000032\r\n  2007_000039 \t\r\n\r\n\n2008_000002");
        assertEquals(List.of("2007_000032", "2007_000039", "2008_000002"), IdLists.read(f));
    }

    @Test
    void acceptsDeepLabPairLines() throws Exception {
        Path f = tmp.resolve("train_aug.txt");
        Files.writeString(f, "/JPEGImages/2007_000032.jpg /SegmentationClassAug/2007_000032.png\n"
                + "/JPEGImages/2011_003276.jpg /SegmentationClassAug/2011_003276.png\n");
        assertEquals(List.of("2007_000032", "2011_003276"), IdLists.read(f));
    }

    @Test
    void rejectsALineThatIsNotAnIdNamingFileAndLine() throws Exception {
        Path f = tmp.resolve("bad.txt");
        Files.writeString(f, "2007_000032\n../etc/passwd\n");
        BadInputException e = assertThrows(BadInputException.class, () -> IdLists.read(f));
        assertTrue(e.getMessage().startsWith(f + " line 2:"), e.getMessage());

        Files.writeString(f, "2007_000032\na b c\n");
        e = assertThrows(BadInputException.class, () -> IdLists.read(f));
        assertTrue(e.getMessage().startsWith(f + " line 2:"), e.getMessage());
    }

    @Test
    void rejectsEmptyAndMissingLists() throws Exception {
        Path empty = tmp.resolve("empty.txt");
        Files.writeString(empty, "\n \r\n");
        assertTrue(assertThrows(BadInputException.class, () -> IdLists.read(empty)).getMessage()
                .contains(empty.toString()));
        Path missing = tmp.resolve("missing.txt");
        assertTrue(assertThrows(BadInputException.class, () -> IdLists.read(missing)).getMessage()
                .startsWith(missing + ": list file not found"));
    }

    @Test
    void trainAugIsSortedUnionOfSbdAndVocTrainMinusVocVal() {
        // By hand: {c, a, v1} ∪ {b, v2} ∪ {a, t} − {v1, v2, zz} = {a, b, c, t}
        List<String> got = IdLists.trainAug(List.of("c", "a", "v1"), List.of("b", "v2"),
                List.of("a", "t"), List.of("v1", "v2", "zz"));
        assertEquals(List.of("a", "b", "c", "t"), got);
    }

    @Test
    void writeThenReadRoundTrips() {
        Path f = tmp.resolve("sub/out.txt");
        IdLists.write(f, List.of("2007_000001", "2008_000005"));
        assertEquals(List.of("2007_000001", "2008_000005"), IdLists.read(f));
    }
}
