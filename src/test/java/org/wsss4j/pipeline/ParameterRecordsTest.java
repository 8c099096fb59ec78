package org.wsss4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wsss4j.cam.AdvCamParams;
import org.wsss4j.cam.MultiScaleCam;
import org.wsss4j.classifier.ClassifierTrainer;
import org.wsss4j.data.ClassifierAugmentation;
import org.wsss4j.eval.SeedEvaluation;
import org.wsss4j.eval.SeedEvaluation.SweepRange;
import org.wsss4j.nn.ResNetSpec;
import org.wsss4j.refine.IrLabels;
import org.wsss4j.refine.IrnAugmentation;
import org.wsss4j.refine.IrnNetwork;
import org.wsss4j.refine.IrnTrainer;
import org.wsss4j.refine.RandomWalkParams;

/**
 * The parameter records' reference constants hold the values of the reference code (AdvCAM's and
 * IRN's run_sample.py, obtain_CAM_masking.py, train_cam.py, train_irn.py,
 * make_sem_seg_labels.py), the reference settings and presets are built from them, and the
 * records reject what the commands used to reject.
 */
class ParameterRecordsTest {

    @Test
    void referenceConstantsAreTheReferenceCodesValues() {
        // obtain_CAM_masking.py: --adv_iter 27 --AD_stepsize 0.08 --AD_coeff 7 --score_th 0.5, 0.5 climbed first
        assertEquals(27, AdvCamParams.REFERENCE_STEPS);
        assertEquals(0.08, AdvCamParams.REFERENCE_STEP_SIZE, 0);
        assertEquals(7, AdvCamParams.REFERENCE_LAMBDA, 0);
        assertEquals(0.5, AdvCamParams.REFERENCE_TAU, 0);
        assertEquals(List.of(0.5, 1.0, 1.5, 2.0), AdvCamParams.REFERENCE_SCALES);
        // run_sample.py --cam_scales (1.0, 0.5, 1.5, 2.0)
        assertEquals(List.of(1.0, 0.5, 1.5, 2.0), MultiScaleCam.REFERENCE_SCALES);
        // run_sample.py: cam 5 epochs, batch 16, lr 0.1, wd 1e-4, crop 512; train_cam.py: classifier 10 x lr,
        // random_resize_long(320, 640)
        assertEquals(5, ClassifierTrainer.Options.REFERENCE_EPOCHS);
        assertEquals(16, ClassifierTrainer.Options.REFERENCE_BATCH_SIZE);
        assertEquals(0.1, ClassifierTrainer.Options.REFERENCE_LR, 0);
        assertEquals(10, ClassifierTrainer.Options.REFERENCE_CLASSIFIER_LR_FACTOR, 0);
        assertEquals(1e-4, ClassifierTrainer.Options.REFERENCE_WEIGHT_DECAY, 0);
        assertEquals(new ClassifierAugmentation(320, 640, 512), ClassifierAugmentation.VOC);
        // run_sample.py: irn 3 epochs, batch 32, lr 0.1 (displacement 10 x), wd 1e-4, crop 512;
        // train_irn.py: scale (0.5, 1.5), radius 10
        assertEquals(3, IrnTrainer.Options.REFERENCE_EPOCHS);
        assertEquals(32, IrnTrainer.Options.REFERENCE_BATCH_SIZE);
        assertEquals(0.1, IrnTrainer.Options.REFERENCE_EDGE_LR, 0);
        assertEquals(1.0, IrnTrainer.Options.REFERENCE_DISPLACEMENT_LR, 0);
        assertEquals(1e-4, IrnTrainer.Options.REFERENCE_WEIGHT_DECAY, 0);
        assertEquals(10, IrnTrainer.Options.REFERENCE_RADIUS);
        assertEquals(new IrnAugmentation(0.5, 1.5, 512), IrnAugmentation.REFERENCE);
        // --conf_fg_thres / --conf_bg_thres: AdvCAM 0.35 / 0.15, IRN 0.30 / 0.05
        assertEquals(new IrLabels.Thresholds(0.35f, 0.15f), IrLabels.Thresholds.ADVCAM);
        assertEquals(new IrLabels.Thresholds(0.30f, 0.05f), IrLabels.Thresholds.IRN);
        // --beta 10 --exp_times 8 --sem_seg_bg_thres 0.25, radius 5; AdvCAM raises the CAMs to 1.5
        assertEquals(new RandomWalkParams(10, 8, 5, 1.5, 0.25f), RandomWalkParams.ADVCAM);
        assertEquals(new RandomWalkParams(10, 8, 5, 1.0, 0.25f), RandomWalkParams.IRN);
        assertEquals(512, IrnNetwork.REFERENCE_PAD_SIZE);
        // AdvCAM's run_sample.py sweeps range(15, 35) / 100
        assertEquals(new SweepRange(0.15, 0.34, 0.01), SweepRange.REFERENCE);
        assertEquals("0.15,0.34,0.01", SweepRange.REFERENCE_OPTION);
        assertEquals("resnet50", ResNetSpec.REFERENCE_ARCH);
    }

    @Test
    void referenceSettingsAndTheVocPresetAreBuiltFromTheConstants() {
        AdvCamParams adv = AdvCamParams.reference();
        assertEquals(new AdvCamParams(AdvCamParams.REFERENCE_STEPS, AdvCamParams.REFERENCE_STEP_SIZE,
                AdvCamParams.REFERENCE_LAMBDA, AdvCamParams.REFERENCE_TAU, AdvCamParams.REFERENCE_SCALES,
                AdvCamParams.Variant.REFERENCE, AdvCamParams.DEFAULT_CLASS_BATCH, AdvCamParams.DEFAULT_IMAGE_BATCH), adv);

        PseudoLabelSettings a = PseudoLabelSettings.advcam(), i = PseudoLabelSettings.irn();
        assertArrayEquals(new double[] {0.15, 0.34, 0.01}, a.seedThresholds(), 0);
        assertArrayEquals(a.seedThresholds(), i.seedThresholds(), 0);
        assertEquals(new IrLabels.Thresholds(a.fgThreshold(), a.bgThreshold()), IrLabels.Thresholds.ADVCAM);
        assertEquals(new IrLabels.Thresholds(i.fgThreshold(), i.bgThreshold()), IrLabels.Thresholds.IRN);
        assertEquals(RandomWalkParams.ADVCAM, a.walk());
        assertEquals(RandomWalkParams.IRN, i.walk());
        assertEquals(IrnNetwork.REFERENCE_PAD_SIZE, a.padSize());
        assertEquals(IrnTrainer.Options.reference(), a.irnTraining());

        Preset voc = Preset.voc();
        assertEquals(ResNetSpec.camBackbone("resnet50", 1.0), voc.backbone());
        assertEquals(ClassifierTrainer.Options.reference(), voc.training());
        assertEquals(List.of(1.0, 0.5, 1.5, 2.0), voc.camScales());
        assertArrayEquals(new double[] {0.15, 0.34, 0.01}, voc.seedThresholds(), 0);
        assertEquals(adv, voc.advcam());
        assertEquals(i.asMap(), voc.camLabels().asMap());
        assertEquals(a.asMap(), voc.advcamLabels().asMap());
        // the synthetic preset keeps its own sweep and momentum
        Preset shapes = Preset.shapes(128);
        assertArrayEquals(new double[] {0.10, 0.70, 0.01}, shapes.seedThresholds(), 0);
        assertEquals(0.9, shapes.training().momentum(), 0);
        assertEquals(0.9, shapes.camLabels().irnTraining().momentum(), 0);
    }

    @Test
    void theSweepRangeRejectsAReversedOrEmptyRange() {
        assertThrows(IllegalArgumentException.class, () -> new SweepRange(0.34, 0.15, 0.01));
        assertThrows(IllegalArgumentException.class, () -> new SweepRange(0.15, 0.34, 0));
        assertThrows(IllegalArgumentException.class, () -> new SweepRange(0.15, 0.34, -0.01));
        assertThrows(IllegalArgumentException.class, () -> new SweepRange(Double.NaN, 0.34, 0.01));
        assertThrows(IllegalArgumentException.class, () -> SweepRange.of(new double[] {0.15, 0.34}));
        assertThrows(IllegalArgumentException.class, () -> SweepRange.of(new double[] {0.15, 0.34, 0.01, 0.02}));
        // a single threshold is a sweep of one
        assertArrayEquals(new double[] {0.2}, new SweepRange(0.2, 0.2, 0.01).values(), 0);
        assertArrayEquals(new double[] {0.1, 0.15, 0.2}, SweepRange.of(new double[] {0.1, 0.2, 0.05}).values(), 1e-12);
        assertArrayEquals(SeedEvaluation.referenceThresholds(), SweepRange.REFERENCE.values(), 0);
        // the settings records hold the same check
        assertThrows(IllegalArgumentException.class,
                () -> PseudoLabelSettings.advcam().withSeedThresholds(new double[] {0.3, 0.2, 0.01}));
    }

    @Test
    void irLabelThresholdsNeedZeroAtMostBgAtMostFgAtMostOne() {
        assertThrows(IllegalArgumentException.class, () -> new IrLabels.Thresholds(0.15f, 0.35f));
        assertThrows(IllegalArgumentException.class, () -> new IrLabels.Thresholds(0.35f, -0.01f));
        assertThrows(IllegalArgumentException.class, () -> new IrLabels.Thresholds(1.01f, 0.15f));
        assertThrows(IllegalArgumentException.class, () -> new IrLabels.Thresholds(Float.NaN, 0.15f));
        assertDoesNotThrow(() -> new IrLabels.Thresholds(0.2f, 0.2f));
        assertDoesNotThrow(() -> new IrLabels.Thresholds(1f, 0f));
        assertThrows(IllegalArgumentException.class, () -> PseudoLabelSettings.advcam().withIrThresholds(0.1f, 0.2f));
    }

    @Test
    void augmentationsNeedTwoNumbersInOrder() {
        assertEquals(new ClassifierAugmentation(64, 80, 64), ClassifierAugmentation.of(new int[] {64, 80}, 64));
        assertThrows(IllegalArgumentException.class, () -> ClassifierAugmentation.of(new int[] {320}, 512));
        assertThrows(IllegalArgumentException.class, () -> ClassifierAugmentation.of(new int[] {320, 640, 1}, 512));
        assertThrows(IllegalArgumentException.class, () -> ClassifierAugmentation.of(new int[] {640, 320}, 512));
        assertEquals(new IrnAugmentation(0.9, 1.1, 64), IrnAugmentation.of(new double[] {0.9, 1.1}, 64));
        assertThrows(IllegalArgumentException.class, () -> IrnAugmentation.of(new double[] {0.5}, 512));
        assertThrows(IllegalArgumentException.class, () -> IrnAugmentation.of(new double[] {1.5, 0.5}, 512));
        assertThrows(IllegalArgumentException.class, () -> IrnAugmentation.of(new double[] {0.5, 1.5}, 510));
        assertThrows(IllegalArgumentException.class, () -> IrnAugmentation.of(new double[] {0, 1.5}, 512));
    }

    @Test
    void padSizeTrainingOptionsAndFreezeAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> IrnNetwork.checkPadSize(IrnNetwork.MIN_PAD_SIZE - 1));
        assertEquals(IrnNetwork.MIN_PAD_SIZE, IrnNetwork.checkPadSize(IrnNetwork.MIN_PAD_SIZE));
        assertThrows(IllegalArgumentException.class, () -> PseudoLabelSettings.advcam().withPadSize(4));

        ClassifierTrainer.Options r = ClassifierTrainer.Options.reference();
        assertThrows(IllegalArgumentException.class, () -> r.withEpochs(0));
        assertThrows(IllegalArgumentException.class, () -> new ClassifierTrainer.Options(1, 0, r.lr(),
                r.classifierLrFactor(), r.weightDecay(), r.momentum(), r.power(), r.augmentation(), r.freeze(), 0, 1,
                10, false));
        assertThrows(IllegalArgumentException.class, () -> new ClassifierTrainer.Options(1, 1, r.lr(),
                r.classifierLrFactor(), r.weightDecay(), r.momentum(), r.power(), r.augmentation(), r.freeze(), 0, 1,
                -1, false));

        assertEquals(ClassifierTrainer.Freeze.STEM, ClassifierTrainer.Freeze.parse(ClassifierTrainer.Options.DEFAULT_FREEZE));
        assertEquals(ClassifierTrainer.Freeze.STAGE2, ClassifierTrainer.Freeze.parse("Stage2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassifierTrainer.Freeze.parse("layer3"));
        assertTrue(e.getMessage().contains("stem, stage2 or none"), e.getMessage());
        assertEquals(AdvCamParams.Variant.REFERENCE, AdvCamParams.Variant.parse(AdvCamParams.DEFAULT_VARIANT));
    }
}
