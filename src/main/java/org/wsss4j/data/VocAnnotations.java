package org.wsss4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.wsss4j.BadInputException;
import org.wsss4j.data.image.LabelMap;

/**
 * Image-level class labels of VOC images (spec 1.1: how {@code cls_labels.npy} was built): the
 * {@code <name>} of every {@code <object>} in {@code Annotations/<id>.xml}, difficult and
 * truncated objects included, as a multi-hot vector over {@link VocClasses#NAMES}.
 *
 * <p>Only a {@code <name>} directly inside {@code <object>} counts: person-layout annotations put
 * {@code <part><name>head</name></part>} inside an object, and those are body parts, not classes.
 * Names that are not one of the 20 classes are ignored, as the reference does.
 */
public final class VocAnnotations {
    private VocAnnotations() {}

    /** The StAX factory, configured so that an XML file cannot pull in DTDs or external files. */
    private static final XMLInputFactory XML = secureFactory();

    private static XMLInputFactory secureFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        return f;
    }

    /**
     * The object names of an annotation file, in file order, as written (duplicates kept).
     *
     * @throws BadInputException when the file is missing or is not well-formed XML
     */
    public static List<String> objectNames(Path xml) {
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(xml)) {
            XMLStreamReader r = XML.createXMLStreamReader(in);
            try {
                Deque<String> open = new ArrayDeque<>();
                while (r.hasNext()) {
                    int event = r.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        String tag = r.getLocalName();
                        if (tag.equals("name") && "object".equals(open.peek())) {
                            // getElementText consumes the END_ELEMENT, so "name" is never pushed.
                            names.add(r.getElementText().strip());
                        } else {
                            open.push(tag);
                        }
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        open.pop();
                    }
                }
            } finally {
                r.close();
            }
        } catch (NoSuchFileException e) {
            throw new BadInputException(xml + ": annotation file not found; check the Annotations folder");
        } catch (IOException | XMLStreamException e) {
            throw new BadInputException(xml + ": not a readable VOC annotation ("
                    + oneLine(e.getMessage()) + "); replace the file from the VOC2012 tar", e);
        }
        return names;
    }

    /** The multi-hot label vector (float[20]) of an annotation file. */
    public static float[] readLabels(Path xml) {
        return multiHot(objectNames(xml));
    }

    /** Multi-hot vector over the 20 classes of the names that are VOC classes. */
    public static float[] multiHot(Collection<String> names) {
        float[] labels = new float[VocClasses.NUM_CLASSES];
        for (String name : names) {
            int c = VocClasses.indexOf(name);
            if (c >= 0) {
                labels[c] = 1f;
            }
        }
        return labels;
    }

    /**
     * Multi-hot vector of the classes that occur in a segmentation mask (labels 1..20; background
     * 0 and ignore 255 do not count). Used for images that have a mask but no annotation XML.
     */
    public static float[] fromMask(LabelMap mask) {
        float[] labels = new float[VocClasses.NUM_CLASSES];
        for (byte b : mask.data) {
            int v = b & 0xFF;
            if (v >= 1 && v <= VocClasses.NUM_CLASSES) {
                labels[v - 1] = 1f;
            }
        }
        return labels;
    }

    /** The names of the classes set in a multi-hot vector, in class order. */
    public static List<String> names(float[] labels) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < labels.length; c++) {
            if (labels[c] > 0) {
                names.add(VocClasses.NAMES.get(c));
            }
        }
        return names;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}
