package org.wsss4j.cam;

import org.wsss4j.data.image.CamMaps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.VocFixture;
import org.wsss4j.data.image.RgbImage;

/** make-cam's driver: groups of images per call, one file per image, resumable. */
class CamGeneratorTest {
    @TempDir
    Path tmp;

    /** Maps that say which image they are of: one class, every value the image's width + its first class. */
    private static final class Recording implements AttributionMethod {
        final List<Integer> callSizes = new ArrayList<>();
        private final int perCall;

        Recording(int perCall) {
            this.perCall = perCall;
        }

        @Override
        public CamMaps compute(RgbImage image, float[] labels) {
            int first = MultiScaleCam.presentClasses(labels)[0];
            float[] strided = {image.width + first};
            float[] full = new float[image.height * image.width];
            java.util.Arrays.fill(full, image.width + first);
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
        CamGenerator.Summary s = CamGenerator.run(m, data, ids, out, CamGenerator.Shard.ALL);
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
        CamGenerator.Summary s2 = CamGenerator.run(again, data, ids, out, CamGenerator.Shard.ALL);
        assertEquals(List.of(2), again.callSizes);
        assertEquals(2, s2.written());
        assertEquals(3, s2.skipped());
        assertEquals(data.readImage(VocFixture.ID6).width + MultiScaleCam.presentClasses(data.labels(VocFixture.ID6))[0],
                CamMaps.load(CamGenerator.fileFor(out, VocFixture.ID6)).strided()[0], 0f);
    }
}
