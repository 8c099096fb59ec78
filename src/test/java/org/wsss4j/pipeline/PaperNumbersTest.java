package org.wsss4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** experiments/paper_numbers.csv parses, holds the paper's numbers, and is the copy in the jar. */
class PaperNumbersTest {
    private static final Path FILE = Path.of("experiments/paper_numbers.csv");

    @Test
    void theFileHoldsThePapersNumbers() throws Exception {
        PaperNumbers p = PaperNumbers.parse(Files.readString(FILE), FILE.toString());
        // AdvCAM's Table 1: IRN's row (CAM seeds) and AdvCAM's
        assertEquals(48.8, p.value("1", "CAM", "Seed"));
        assertEquals(54.3, p.value("1", "CAM", "+CRF"));
        assertEquals(66.3, p.value("1", "CAM", "Mask"));
        assertEquals(55.6, p.value("1", "AdvCAM", "Seed"));
        assertEquals(62.1, p.value("1", "AdvCAM", "+CRF"));
        assertEquals(69.9, p.value("1", "AdvCAM", "Mask"));
        // Table 2, DeepLab-v2 on IRN's and AdvCAM's masks, and CCT with AdvCAM's, VOC 2012 val / test
        assertEquals(68.1, p.value("2", "AdvCAM", "val"));
        assertEquals(68.0, p.value("2", "AdvCAM", "test"));
        assertEquals(63.5, p.value("2", "CAM", "val"));
        assertEquals(64.8, p.value("2", "CAM", "test"));
        assertEquals(77.8, p.value("cct", "AdvCAM", "val"));
        assertEquals(76.9, p.value("cct", "AdvCAM", "test"));
        assertEquals(12, p.entries().size());
        assertTrue(p.entries().stream().allMatch(e -> e.source().startsWith("AdvCAM ")), p.entries().toString());
        assertNull(p.value("1", "advcam-control", "Seed"));
        // the jar's copy is this file
        assertEquals(p.entries(), PaperNumbers.bundled().entries());
    }

    @Test
    void malformedLinesAreRefusedNamingTheLine() {
        String head = "# comment\n" + PaperNumbers.HEADER + "\n";
        PaperNumbers ok = PaperNumbers.parse(head + "1,CAM,Seed,48.8,a source, with a comma\n\n", "f");
        assertEquals("a source, with a comma", ok.entries().get(0).source());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> PaperNumbers.parse(head + "1,CAM,Seed,x,s\n", "f"));
        assertTrue(bad.getMessage().startsWith("f line 3"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PaperNumbers.parse(head + "1,CAM,Seed,1,s\n1,CAM,Seed,2,s\n", "f"));
        assertThrows(IllegalArgumentException.class, () -> PaperNumbers.parse(head + "1,CAM,Seed\n", "f"));
        assertThrows(IllegalArgumentException.class, () -> PaperNumbers.parse("1,CAM,Seed,1,s\n", "f"));
    }
}
