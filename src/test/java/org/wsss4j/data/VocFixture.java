package org.wsss4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.RgbImage;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.MatlabType;

/**
 * A tiny VOC 2012 + SBD pair in the real layouts, built in a temp folder.
 *
 * <pre>
 * id           image  XML objects                                    SegmentationClass  SBD cls
 * 2007_000001  4x6    person(+part head), dog, person, unicorn, cat*  yes (MASK_1)        yes (all 9s)
 * 2007_000002  4x6    aeroplane                                      yes                 yes
 * 2007_000003  4x6    bus, car(truncated)                            yes                 yes
 * 2007_000004  4x6    tvmonitor                                      yes                 -
 * 2008_000005  4x6    sheep, bicycle                                 -                   yes (MAT_5)
 * 2008_000006  5x3    (no XML)                                       -                   yes (MAT_6)
 * (* difficult)
 * VOC train = {01, 02}; VOC val = {03, 04}
 * SBD train = {02, 05, 03}; SBD val = {06, 01}
 * train_aug = ({02,05,03} ∪ {06,01} ∪ {01,02}) − {03,04} = {01, 02, 05, 06}
 * </pre>
 */
public final class VocFixture {
    public static final String ID1 = "2007_000001", ID2 = "2007_000002", ID3 = "2007_000003",
            ID4 = "2007_000004", ID5 = "2008_000005", ID6 = "2008_000006";
    public static final List<String> TRAIN_AUG = List.of(ID1, ID2, ID5, ID6);

    /** SegmentationClass of 2007_000001 (4x6): person (15) and dog (12) with a 255 boundary. */
    public static final int[][] MASK_1 = {
        {0, 0, 255, 15, 15, 0},
        {0, 12, 255, 15, 15, 0},
        {0, 12, 255, 255, 0, 0},
        {0, 0, 0, 0, 0, 0}};
    /** SBD mask of 2008_000005 (4x6): sheep 17, bicycle 2. */
    public static final int[][] MAT_5 = {
        {0, 0, 17, 17, 0, 0},
        {0, 17, 17, 17, 0, 2},
        {0, 0, 0, 0, 2, 2},
        {0, 0, 0, 0, 0, 20}};
    /** SBD mask of 2008_000006 (5x3): bird 3 and person 15. */
    public static final int[][] MAT_6 = {
        {0, 3, 3},
        {0, 3, 0},
        {15, 0, 0},
        {15, 15, 0},
        {0, 0, 0}};

    public final Path voc;
    public final Path sbd;
    public final Path cache;

    private VocFixture(Path voc, Path sbd, Path cache) {
        this.voc = voc;
        this.sbd = sbd;
        this.cache = cache;
    }

    public static VocFixture create(Path tmp) throws IOException {
        Path voc = tmp.resolve("VOCdevkit/VOC2012");
        Path sbd = tmp.resolve("benchmark_RELEASE");
        VocFixture f = new VocFixture(voc, sbd, tmp.resolve("cache"));
        for (String id : List.of(ID1, ID2, ID3, ID4, ID5)) {
            ImageFiles.writeJpeg(image(4, 6), voc.resolve("JPEGImages/" + id + ".jpg"), 0.9f);
        }
        ImageFiles.writeJpeg(image(5, 3), voc.resolve("JPEGImages/" + ID6 + ".jpg"), 0.9f);

        writeXml(voc, ID1, "<object><name>person</name><difficult>0</difficult>"
                + "<part><name>head</name><bndbox><xmin>1</xmin></bndbox></part></object>"
                + "<object><name>dog</name></object>"
                + "<object><name> person </name></object>"
                + "<object><name>unicorn</name></object>"
                + "<object><name>cat</name><difficult>1</difficult></object>");
        writeXml(voc, ID2, "<object><name>aeroplane</name></object>");
        writeXml(voc, ID3, "<object><name>bus</name></object><object><name>car</name><truncated>1</truncated></object>");
        writeXml(voc, ID4, "<object><name>tvmonitor</name></object>");
        writeXml(voc, ID5, "<object><name>sheep</name></object><object><name>bicycle</name></object>");

        ImageFiles.writeLabels(labels(MASK_1), voc.resolve("SegmentationClass/" + ID1 + ".png"));
        ImageFiles.writeLabels(filled(4, 6, 1), voc.resolve("SegmentationClass/" + ID2 + ".png"));
        ImageFiles.writeLabels(filled(4, 6, 6), voc.resolve("SegmentationClass/" + ID3 + ".png"));
        ImageFiles.writeLabels(filled(4, 6, 20), voc.resolve("SegmentationClass/" + ID4 + ".png"));

        Path lists = voc.resolve("ImageSets/Segmentation");
        Files.createDirectories(lists);
        // Windows line ends, trailing blanks and blank lines, as hand-edited lists have.
        Files.writeString(lists.resolve("train.txt"), ID1 + "  \r\n\r\n" + ID2 + "\t\r\n\r\n");
        Files.writeString(lists.resolve("val.txt"), ID3 + "\n" + ID4 + "\n");

        Path ds = sbd.resolve("dataset");
        Files.createDirectories(ds.resolve("cls"));
        Files.writeString(ds.resolve("train.txt"), ID2 + "\n" + ID5 + "\n" + ID3 + "\n");
        Files.writeString(ds.resolve("val.txt"), ID6 + "\n" + ID1 + "\n");
        writeMat(ds.resolve("cls/" + ID1 + ".mat"), filledArray(4, 6, 9));
        writeMat(ds.resolve("cls/" + ID2 + ".mat"), filledArray(4, 6, 1));
        writeMat(ds.resolve("cls/" + ID3 + ".mat"), filledArray(4, 6, 6));
        writeMat(ds.resolve("cls/" + ID5 + ".mat"), MAT_5);
        writeMat(ds.resolve("cls/" + ID6 + ".mat"), MAT_6);
        return f;
    }

    public VocDataset open() {
        return VocDataset.open(voc, null, cache);
    }

    public VocDataset openWithSbd() {
        return VocDataset.open(voc, sbd, cache);
    }

    /** A small image with varied colours (its exact pixels do not matter to these tests). */
    static RgbImage image(int h, int w) {
        RgbImage img = new RgbImage(h, w);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.set(y, x, 0, 40 * x);
                img.set(y, x, 1, 50 * y);
                img.set(y, x, 2, 128);
            }
        }
        return img;
    }

    static void writeXml(Path voc, String id, String objects) throws IOException {
        Path p = voc.resolve("Annotations/" + id + ".xml");
        Files.createDirectories(p.getParent());
        Files.writeString(p, "<annotation>\n\t<folder>VOC2012</folder>\n\t<filename>" + id
                + ".jpg</filename>\n\t<source><database>The VOC2007 Database</database></source>\n\t"
                + objects + "\n</annotation>\n", StandardCharsets.UTF_8);
    }

    public static LabelMap labels(int[][] rows) {
        LabelMap m = new LabelMap(rows.length, rows[0].length);
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[0].length; x++) {
                m.set(y, x, rows[y][x]);
            }
        }
        return m;
    }

    static LabelMap filled(int h, int w, int v) {
        return labels(filledArray(h, w, v));
    }

    static int[][] filledArray(int h, int w, int v) {
        int[][] a = new int[h][w];
        for (int[] row : a) {
            java.util.Arrays.fill(row, v);
        }
        return a;
    }

    /** An SBD-style cls file: struct GTcls with a uint8 HxW field Segmentation. */
    static void writeMat(Path file, int[][] rows) throws IOException {
        Matrix seg = Mat5.newMatrix(rows.length, rows[0].length, MatlabType.UInt8);
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[0].length; x++) {
                seg.setInt(y, x, rows[y][x]);
            }
        }
        MatFile mat = Mat5.newMatFile().addArray("GTcls", Mat5.newStruct()
                .set("Boundaries", Mat5.newCell(1, 1))
                .set("Segmentation", seg)
                .set("CategoriesPresent", Mat5.newScalar(1)));
        Files.createDirectories(file.getParent());
        Mat5.writeToFile(mat, file.toFile());
    }
}
