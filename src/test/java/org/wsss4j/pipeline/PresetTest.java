package org.wsss4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PresetTest {

    @Test
    void theWalkIsShortenedWithTheSquareOfTheImageSide() {
        // 8 - round(2 log2(500 / size))
        assertEquals(8, Preset.walkExpTimes(8, 500));
        assertEquals(6, Preset.walkExpTimes(8, 256));   // 2 log2(1.95) = 1.93
        assertEquals(4, Preset.walkExpTimes(8, 128));   // 2 log2(3.91) = 3.93
        assertEquals(2, Preset.walkExpTimes(8, 64));    // 2 log2(7.81) = 5.93
        assertEquals(8, Preset.walkExpTimes(8, 1024));  // larger than VOC: never longer than the reference
    }

    @Test
    void vocKeepsTheReferenceAndShapesAdaptsToItsSmallImages() {
        Preset voc = Preset.voc();
        assertEquals(16, voc.backbone().outputStride());
        assertEquals(7.0, voc.advcam().lambda(), 0);
        assertEquals(8, voc.advcamLabels().walk().expTimes());
        assertEquals(8, voc.camLabels().walk().expTimes());
        assertFalse(voc.concurrentPipelines(), "VOC's pipelines need GBs each: one after the other");

        Preset shapes = Preset.shapes(128);
        assertEquals(8, shapes.backbone().outputStride());
        assertEquals(7.0, shapes.advcam().lambda(), 0);
        assertEquals(4, shapes.advcamLabels().walk().expTimes());
        assertEquals(4, shapes.camLabels().walk().expTimes());
        // only the walk's length changes: CAM power and background as in each method's reference
        assertEquals(1.5, shapes.advcamLabels().walk().camPower(), 0);
        assertEquals(1.0, shapes.camLabels().walk().camPower(), 0);
        assertTrue(shapes.concurrentPipelines());
        assertFalse(shapes.withConcurrentPipelines(false).concurrentPipelines());
        assertEquals(shapes.advcam(), shapes.withConcurrentPipelines(false).advcam());

        // Table 2: VOC starts from pretrained weights as the reference does; the synthetic network
        // trains from scratch, so its frozen norms are set from data first (without, the loss is NaN
        // by the third step)
        assertFalse(voc.deeplab().training().calibrateBatchNorm());
        assertEquals(org.wsss4j.seg.DeepLabSpec.reference(21), voc.deeplab().spec());
        assertTrue(shapes.deeplab().training().calibrateBatchNorm());
        assertEquals(8, shapes.deeplab().spec().outputStride());
        assertEquals(List.of(6, 12, 18, 24), shapes.deeplab().spec().atrousRates());
    }
}
