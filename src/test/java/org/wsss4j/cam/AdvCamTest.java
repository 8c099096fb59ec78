package org.wsss4j.cam;

import org.wsss4j.data.image.CamMaps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.wsss4j.cam.CamTestInputs.labels;
import static org.wsss4j.cam.CamTestInputs.randomImage;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.wsss4j.BadInputException;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.nn.ResNetSpec;

/** AdvCAM over several images at once (spec 3) against each image on its own. */
class AdvCamTest {
    private static CamNetwork net;

    @BeforeAll
    static void build() {
        net = CamNetwork.build(ResNetSpec.camBackbone("resnet18", 0.125), 20, DataType.DOUBLE, 7);
    }

    @Test
    void imagesBatchedTogetherGetTheMapsEachGetsAlone() {
        // two sizes (the 32x44 image climbs in its own batches), an image without classes, and
        // batches of two pairs, so a batch holds classes of two images
        List<RgbImage> images = List.of(randomImage(40, 36, 1), randomImage(40, 36, 2), randomImage(32, 44, 3),
                randomImage(40, 36, 4), randomImage(40, 36, 5));
        List<float[]> labels = List.of(labels(3, 12), labels(5), labels(7, 8), labels(), labels(1, 2, 9));
        AdvCamParams alone = new AdvCamParams(3, 0.08, 7, 0.5, List.of(0.5, 1.0), AdvCamParams.Variant.REFERENCE, 2);
        AdvCam together = new AdvCam(net, alone.withImageBatch(5));
        assertEquals(5, together.imagesPerCall());
        List<CamMaps> all = together.computeAll(images, labels);
        AdvCam single = new AdvCam(net, alone);
        for (int j = 0; j < images.size(); j++) {
            CamMaps want = single.compute(images.get(j), labels.get(j));
            CamMaps got = all.get(j);
            assertArrayEquals(want.keys(), got.keys(), "image " + j);
            assertEquals(want.height(), got.height());
            assertEquals(want.stridedWidth(), got.stridedWidth());
            assertArrayEquals(want.highRes(), got.highRes(), 1e-6f, "image " + j);
            assertArrayEquals(want.strided(), got.strided(), 1e-6f, "image " + j);
        }
        assertEquals(0, all.get(3).numKeys());
        assertEquals(3, all.get(4).numKeys());
    }

    @Test
    void anImageBatchBelowOneIsRejected() {
        BadInputException e = assertThrows(BadInputException.class, () -> AdvCamParams.reference().withImageBatch(0));
        assertEquals("--adv-image-batch must be at least 1, got 0", e.getMessage());
    }
}
