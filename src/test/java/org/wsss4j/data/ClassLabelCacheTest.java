package org.wsss4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassLabelCacheTest {
    @TempDir
    Path tmp;
    VocFixture fx;
    Path annotations;

    @BeforeEach
    void setUp() throws Exception {
        fx = VocFixture.create(tmp);
        annotations = fx.voc.resolve("Annotations");
    }

    private static float[] oneHot(int c) {
        float[] l = new float[20];
        l[c] = 1;
        return l;
    }

    @Test
    void cacheFileLivesUnderAHashOfTheAbsoluteRoot() {
        VocDataset ds = fx.open();
        Path file = ds.labelCacheFile();
        assertEquals(fx.cache, file.getParent().getParent());
        assertEquals("cls_labels.json", file.getFileName().toString());
        assertEquals(16, file.getParent().getFileName().toString().length());
        // Same root spelled differently -> same file; another root -> another file.
        assertEquals(file, ClassLabelCache.fileFor(fx.cache, fx.voc.resolve("../VOC2012")));
        assertFalse(file.equals(ClassLabelCache.fileFor(fx.cache, tmp)));
    }

    @Test
    void secondOpenReadsTheCacheNotTheXmls() throws Exception {
        VocDataset first = fx.open();
        assertArrayEquals(oneHot(0), first.labels(VocFixture.ID2));
        assertFalse(first.labelsCameFromCache());
        assertTrue(Files.isRegularFile(first.labelCacheFile()));

        // Edit an XML in place and put the folder's mtime back: the cache must still be used, so
        // the old label (aeroplane) proves the XML was not re-read.
        FileTime before = Files.getLastModifiedTime(annotations);
        VocFixture.writeXml(fx.voc, VocFixture.ID2, "<object><name>boat</name></object>");
        Files.setLastModifiedTime(annotations, before);
        VocDataset second = fx.open();
        assertArrayEquals(oneHot(0), second.labels(VocFixture.ID2));
        assertTrue(second.labelsCameFromCache());
        assertArrayEquals(first.labels(VocFixture.ID1), second.labels(VocFixture.ID1));
    }

    @Test
    void folderMtimeChangeInvalidates() throws Exception {
        fx.open().labels(VocFixture.ID2);
        FileTime before = Files.getLastModifiedTime(annotations);
        VocFixture.writeXml(fx.voc, VocFixture.ID2, "<object><name>boat</name></object>");
        Files.setLastModifiedTime(annotations, FileTime.fromMillis(before.toMillis() + 10_000));
        VocDataset ds = fx.open();
        assertArrayEquals(oneHot(3), ds.labels(VocFixture.ID2)); // boat
        assertFalse(ds.labelsCameFromCache());
    }

    @Test
    void xmlCountChangeInvalidatesEvenWithTheSameMtime() throws Exception {
        fx.open().labels(VocFixture.ID2);
        FileTime before = Files.getLastModifiedTime(annotations);
        VocFixture.writeXml(fx.voc, VocFixture.ID6, "<object><name>cow</name></object>");
        Files.setLastModifiedTime(annotations, before);
        VocDataset ds = fx.open();
        assertArrayEquals(oneHot(9), ds.labels(VocFixture.ID6)); // cow
        assertFalse(ds.labelsCameFromCache());
    }

    @Test
    void damagedCacheFileIsRebuilt() throws Exception {
        Path file = fx.open().labelCacheFile();
        fx.open().labels(VocFixture.ID1);
        Files.writeString(file, "{ not json");
        VocDataset ds = fx.open();
        assertArrayEquals(oneHot(0), ds.labels(VocFixture.ID2));
        assertFalse(ds.labelsCameFromCache());
    }
}
