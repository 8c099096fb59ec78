package org.wsss4j.data.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShapesSplitsTest {

    @Test
    void defaultSizesAreTheDocumentedOnes() {
        // 480 * 2/3 = 320 train_aug, 160 left halved into 80 val and 80 test, train = 320 / 4.
        ShapesSplits s = ShapesSplits.of(480);
        assertEquals(320, s.trainAug());
        assertEquals(80, s.train());
        assertEquals(80, s.val());
        assertEquals(80, s.test());
    }

    @Test
    void oddCountsPutTheRemainderInTest() {
        // 7 * 2 / 3 = 4 (integer division); 3 left: val 1, test 2; train = max(1, 4 / 4) = 1.
        ShapesSplits s = ShapesSplits.of(7);
        assertEquals(List.of(4, 1, 1, 2), List.of(s.trainAug(), s.train(), s.val(), s.test()));
        assertEquals(List.of("2000_000005"), s.ids("val"));
        assertEquals(List.of("2000_000006", "2000_000007"), s.ids("test"));
    }

    @Test
    void idsAreVocStyleAndTheListsPartitionTheImages() {
        assertEquals("2000_000001", ShapesSplits.id(0));
        assertEquals("2000_000480", ShapesSplits.id(479));
        ShapesSplits s = ShapesSplits.of(30);
        Set<String> trainAug = new HashSet<>(s.ids("train_aug"));
        assertTrue(trainAug.containsAll(s.ids("train")));
        Set<String> all = new HashSet<>(trainAug);
        for (String list : List.of("val", "test")) {
            for (String id : s.ids(list)) {
                assertFalse(trainAug.contains(id), id);
                assertTrue(all.add(id), id + " in two lists");
            }
        }
        assertEquals(30, all.size());
        assertTrue(s.isTrainAug(19));
        assertFalse(s.isTrainAug(20));
    }
}
