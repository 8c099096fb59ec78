package org.wsss4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.BadInputException;

class VocAnnotationsTest {
    @TempDir
    Path tmp;

    @Test
    void objectNamesSkipPartsAndKeepDuplicatesAndUnknowns() throws Exception {
        VocFixture.writeXml(tmp, "a", "<object><name>person</name>"
                + "<part><name>head</name></part></object>"
                + "<object><name>dog</name></object><object><name>person</name></object>"
                + "<object><name>unicorn</name></object>");
        assertEquals(List.of("person", "dog", "person", "unicorn"),
                VocAnnotations.objectNames(tmp.resolve("Annotations/a.xml")));
    }

    @Test
    void multiHotSetsKnownClassesOnceAndIgnoresUnknownNames() throws Exception {
        VocFixture.writeXml(tmp, "a", "<object><name>person</name></object>"
                + "<object><name>dog</name><difficult>1</difficult></object>"
                + "<object><name>person</name></object><object><name>unicorn</name></object>"
                + "<object><name>TVMonitor</name></object>");
        float[] expected = new float[20];
        expected[11] = 1; // dog
        expected[14] = 1; // person
        expected[19] = 1; // tvmonitor
        assertArrayEquals(expected, VocAnnotations.readLabels(tmp.resolve("Annotations/a.xml")));
    }

    @Test
    void externalEntitiesAreNotResolved() throws Exception {
        Path secret = tmp.resolve("secret.txt");
        Files.writeString(secret, "person");
        Path xml = tmp.resolve("evil.xml");
        Files.writeString(xml, "<?xml version=\"1.0\"?>\n<!DOCTYPE annotation [<!ENTITY x SYSTEM \""
                + secret.toUri() + "\">]>\n<annotation><object><name>&x;</name></object></annotation>");
        // Either the parser refuses the undeclared entity, or it yields no class: never "person".
        try {
            float[] l = VocAnnotations.readLabels(xml);
            assertEquals(0f, l[14]);
        } catch (BadInputException e) {
            assertTrue(e.getMessage().startsWith(xml.toString()), e.getMessage());
        }
    }

    @Test
    void malformedXmlNamesTheFile() throws Exception {
        Path xml = tmp.resolve("bad.xml");
        Files.writeString(xml, "<annotation><object><name>dog</name></annotation>");
        BadInputException e = assertThrows(BadInputException.class, () -> VocAnnotations.readLabels(xml));
        assertTrue(e.getMessage().startsWith(xml + ": not a readable VOC annotation"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void labelsFromMaskCountClasses1To20Only() {
        float[] l = VocAnnotations.fromMask(VocFixture.labels(VocFixture.MASK_1));
        float[] expected = new float[20];
        expected[11] = 1; // 12 = dog
        expected[14] = 1; // 15 = person
        assertArrayEquals(expected, l);
    }
}
