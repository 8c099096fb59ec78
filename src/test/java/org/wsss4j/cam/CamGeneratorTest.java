package org.wsss4j.cam;

import org.wsss4j.data.image.CamMaps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.BadInputException;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.VocFixture;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.io.StepFolder;

/** make-cam's driver: groups of images per call, one file per image, resumable. */
class CamGeneratorTest {
    @TempDir
    Path tmp;

    private static final Map<String, Object> WEIGHTS = Map.of("classifier_sha256", "aaaa");

    /** Maps that say which image they are of: one class, every value the image's width + its first class. */
    private static final class Recording implements AttributionMethod {
        final List<Integer> callSizes = new ArrayList<>();
        private final int perCall;
        private final int offset;

        Recording(int perCall) {
            this(perCall, 0);
        }

        /** @param offset added to every value: a parameter that changes the maps */
        Recording(int perCall, int offset) {
            this.perCall = perCall;
            this.offset = offset;
        }

        @Override
        public CamMaps compute(RgbImage image, float[] labels) {
            int first = MultiScaleCam.presentClasses(labels)[0];
            float[] strided = {image.width + first + offset};
            float[] full = new float[image.height * image.width];
            java.util.Arrays.fill(full, image.width + first + offset);
            return new CamMaps(new int[] {first}, strided, 1, 1, full, image.height, image.width);
        }

        @Override
        public List<CamMaps> computeAll(List<RgbImage> images, List<float[]> labels) {
            callSizes.add(images.size());
            return AttributionMethod.super.computeAll(images, labels);
        }

        @Override
        public int imagesPerCall() {
            return perCall;
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of("method", name(), "offset", offset);
        }
    }

    @Test
    void groupsImagesPerCallAndWritesEachImagesOwnMaps() throws IOException {
        VocFixture fx = VocFixture.create(tmp);
        Files.writeString(fx.voc.resolve("Annotations/" + VocFixture.ID6 + ".xml"),
                "<annotation><object><name>cow</name></object></annotation>");
        VocDataset data = fx.open();
        // four images of one size and ID6 of another
        List<String> ids = List.of(VocFixture.ID1, VocFixture.ID2, VocFixture.ID3, VocFixture.ID5, VocFixture.ID6);
        Path out = tmp.resolve("maps");
        Recording m = new Recording(2);
        CamGenerator.Summary s = CamGenerator.run(m, data, ids, out, CamGenerator.Shard.ALL, WEIGHTS, false);
        assertEquals(List.of(2, 2, 1), m.callSizes);
        assertEquals(5, s.written());
        for (String id : ids) {
            CamMaps got = CamMaps.load(CamGenerator.fileFor(out, id));
            int first = MultiScaleCam.presentClasses(data.labels(id))[0];
            int width = data.readImage(id).width;
            assertArrayEquals(new int[] {first}, got.keys(), id);
            assertEquals(width + first, got.strided()[0], 0f, id);
            assertEquals(width, got.width(), id);
        }

        // a run killed before two images were written: the next run computes only those two
        Files.delete(CamGenerator.fileFor(out, VocFixture.ID2));
        Files.delete(CamGenerator.fileFor(out, VocFixture.ID6));
        Recording again = new Recording(3);
        CamGenerator.Summary s2 = CamGenerator.run(again, data, ids, out, CamGenerator.Shard.ALL, WEIGHTS, false);
        assertEquals(List.of(2), again.callSizes);
        assertEquals(2, s2.written());
        assertEquals(3, s2.skipped());
        assertEquals(data.readImage(VocFixture.ID6).width + MultiScaleCam.presentClasses(data.labels(VocFixture.ID6))[0],
                CamMaps.load(CamGenerator.fileFor(out, VocFixture.ID6)).strided()[0], 0f);
    }

    @Test
    void aFolderMadeWithOtherSettingsIsRefusedAndOverwriteRedoesIt() throws IOException {
        VocFixture fx = VocFixture.create(tmp);
        VocDataset data = fx.open();
        List<String> ids = List.of(VocFixture.ID1, VocFixture.ID2);
        Path out = tmp.resolve("maps");
        CamGenerator.run(new Recording(1, 0), data, ids, out, CamGenerator.Shard.ALL, WEIGHTS, false);
        String made = Files.readString(out.resolve(StepFolder.FILE));
        assertTrue(made.contains("\"offset\" : 0"), made);
        assertTrue(made.contains("\"classifier_sha256\" : \"aaaa\""), made);

        // same settings: every map is there already, nothing is computed
        Recording same = new Recording(1, 0);
        assertEquals(2, CamGenerator.run(same, data, ids, out, CamGenerator.Shard.ALL, WEIGHTS, false).skipped());
        assertEquals(List.of(), same.callSizes);

        // a changed parameter, changed weights and a changed list each refuse, naming the folder and the key
        Recording other = new Recording(1, 5);
        BadInputException p = assertThrows(BadInputException.class,
                () -> CamGenerator.run(other, data, ids, out, CamGenerator.Shard.ALL, WEIGHTS, false));
        assertTrue(p.getMessage().startsWith(out + " was made with other settings (offset 0 -> 5)"), p.getMessage());
        assertTrue(p.getMessage().contains("--overwrite"), p.getMessage());
        assertEquals(List.of(), other.callSizes);
        BadInputException w = assertThrows(BadInputException.class, () -> CamGenerator.run(new Recording(1, 0), data,
                ids, out, CamGenerator.Shard.ALL, Map.of("classifier_sha256", "bbbb"), false));
        assertTrue(w.getMessage().contains("classifier_sha256 aaaa -> bbbb"), w.getMessage());
        BadInputException l = assertThrows(BadInputException.class, () -> CamGenerator.run(new Recording(1, 0), data,
                List.of(VocFixture.ID1), out, CamGenerator.Shard.ALL, WEIGHTS, false));
        assertTrue(l.getMessage().contains("ids.count 2 -> 1"), l.getMessage());
        assertEquals(1, l.getMessage().lines().count());

        // --overwrite: the folder is emptied and every map made anew with the new parameter
        CamGenerator.Summary s = CamGenerator.run(other, data, ids, out, CamGenerator.Shard.ALL, WEIGHTS, true);
        assertEquals(2, s.written());
        int first = MultiScaleCam.presentClasses(data.labels(VocFixture.ID1))[0];
        assertEquals(data.readImage(VocFixture.ID1).width + first + 5,
                CamMaps.load(CamGenerator.fileFor(out, VocFixture.ID1)).strided()[0], 0f);
        assertTrue(Files.readString(out.resolve(StepFolder.FILE)).contains("\"offset\" : 5"));
    }
}
