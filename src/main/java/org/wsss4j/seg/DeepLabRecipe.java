package org.wsss4j.seg;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wsss4j.nn.PolySgd;

/**
 * How DeepLab-v2 is trained on the pseudo-labels (spec 8). {@link #advcam()}, the default, is the
 * AdvCAM authors' recipe as they describe it in AdvCAM issue #9 (30,000 iterations, seven
 * training scales, DSRG's balanced cross-entropy) on top of deeplab-pytorch's solver;
 * {@link #deeplabPytorch()} is deeplab-pytorch's own configs/voc12.yaml (20,000 iterations, five
 * scales, plain cross-entropy). Both: SGD with momentum 0.9, weight decay 5e-4, lr 2.5e-4 for the
 * backbone's convolution weights, 10x for the ASPP weights and 20x without weight decay for the
 * ASPP biases (batch-norm parameters are not trained), poly decay with power 0.9, and an
 * effective batch of 10 made of micro-batches of 5 whose gradients are accumulated.
 *
 * <p>Poly schedule: deeplab-pytorch recomputes the rate only every 10 iterations (its
 * PolynomialLR step_size, configs/voc12.yaml LR_DECAY 10) and holds it in between, so step t
 * (0-based) runs at {@code lr (1 - 10 floor(t / 10) / iterations)^0.9}. This recipe keeps that
 * ({@link #polyInterval}, given to {@link PolySgd}). It costs nothing; a per-step schedule, as the
 * CAM and IRN stages use, would run up to nine steps' decay ahead of the reference, less than 1%
 * of the rate except in the last 800 or so of 30,000 iterations.
 *
 * <p>Micro-batches: the reference divides each micro-batch's loss by their number and adds the
 * gradients; with frozen batch norm that is the gradient of the mean of the micro-batch losses.
 * For the balanced loss (a mean over images) this equals the loss of the whole batch of 10; for
 * the plain cross-entropy (a mean over the valid pixels of each micro-batch) it is the mean of
 * two such means, as in the reference.
 *
 * @param iterations         optimiser steps (each on {@code batchSize * accumulation} images)
 * @param batchSize          images per forward and backward pass
 * @param accumulation       micro-batches whose gradients make one step
 * @param lr                 base learning rate of the backbone's weights
 * @param polyPower          exponent of the poly decay
 * @param polyInterval       steps between recomputations of the decayed rate
 * @param momentum           SGD momentum
 * @param weightDecay        weight decay of the backbone's and the ASPP's weights
 * @param asppWeightLrFactor the ASPP weights' rate relative to {@code lr}
 * @param asppBiasLrFactor   the ASPP biases' rate relative to {@code lr}
 * @param augmentation       training scales, crop and flip
 * @param loss               plain or balanced cross-entropy
 */
public record DeepLabRecipe(int iterations, int batchSize, int accumulation, double lr, double polyPower,
                            int polyInterval, double momentum, double weightDecay, double asppWeightLrFactor,
                            double asppBiasLrFactor, SegAugmentation augmentation, SegLoss.Kind loss) {

    /** Optimiser steps: the AdvCAM authors' 30,000 (spec 8; AdvCAM issue #9). */
    public static final int ADVCAM_ITERATIONS = 30_000;
    /** Optimiser steps: deeplab-pytorch's configs/voc12.yaml SOLVER.ITER_MAX 20,000 (spec 8). */
    public static final int DEEPLAB_PYTORCH_ITERATIONS = 20_000;
    /** Images per pass: configs/voc12.yaml SOLVER.BATCH_SIZE.TRAIN 5 (spec 8). */
    public static final int BATCH_SIZE = 5;
    /**
     * Micro-batches per step: configs/voc12.yaml SOLVER.ITER_SIZE 2, an effective batch of 10,
     * the batch the AdvCAM authors report (spec 8; AdvCAM issue #9).
     */
    public static final int ACCUMULATION = 2;
    /** Base learning rate: configs/voc12.yaml SOLVER.LR 2.5e-4, also the AdvCAM authors' (spec 8). */
    public static final double LR = 2.5e-4;
    /** Poly exponent: configs/voc12.yaml SOLVER.POLY_POWER 0.9 (spec 8). */
    public static final double POLY_POWER = 0.9;
    /** Steps between rate updates: configs/voc12.yaml SOLVER.LR_DECAY 10, PolynomialLR's step_size (spec 8). */
    public static final int POLY_INTERVAL = 10;
    /** SGD momentum: configs/voc12.yaml SOLVER.MOMENTUM 0.9 (spec 8). */
    public static final double MOMENTUM = 0.9;
    /** Weight decay: configs/voc12.yaml SOLVER.WEIGHT_DECAY 5e-4 (spec 8). */
    public static final double WEIGHT_DECAY = 5e-4;
    /** The ASPP weights' rate factor: deeplab-pytorch's "10x" parameter group (spec 8; Caffe lr_mult 10). */
    public static final double ASPP_WEIGHT_LR_FACTOR = 10;
    /** The ASPP biases' rate factor: deeplab-pytorch's "20x" parameter group (spec 8; Caffe lr_mult 20). */
    public static final double ASPP_BIAS_LR_FACTOR = 20;
    /** The ASPP biases' weight decay: deeplab-pytorch's "20x" group has none (spec 8; Caffe decay_mult 0). */
    public static final double ASPP_BIAS_WEIGHT_DECAY = 0;
    /** The AdvCAM authors' loss: "balanced cross-entropy similar to DSRG" (spec 8; AdvCAM issue #9). */
    public static final SegLoss.Kind ADVCAM_LOSS = SegLoss.Kind.BALANCED;
    /** deeplab-pytorch's loss: CrossEntropyLoss with ignore_index 255 (spec 8). */
    public static final SegLoss.Kind DEEPLAB_PYTORCH_LOSS = SegLoss.Kind.CROSS_ENTROPY;

    /** The name of {@link #advcam()} as {@code --recipe} spells it. */
    public static final String ADVCAM_NAME = "advcam";
    /** The name of {@link #deeplabPytorch()} as {@code --recipe} spells it. */
    public static final String DEEPLAB_PYTORCH_NAME = "deeplab-pytorch";
    /** The default recipe: the one the paper's numbers were trained with (spec 8). */
    public static final String DEFAULT_NAME = ADVCAM_NAME;

    /** The names of the optimiser groups {@link #groups} makes. */
    public static final String BACKBONE_GROUP = "backbone";
    public static final String ASPP_WEIGHT_GROUP = "aspp_weights";
    public static final String ASPP_BIAS_GROUP = "aspp_biases";

    public DeepLabRecipe {
        if (iterations < 1 || batchSize < 1 || accumulation < 1 || polyInterval < 1) {
            throw new IllegalArgumentException("bad DeepLab recipe: iterations " + iterations + ", batch size "
                    + batchSize + ", accumulation " + accumulation + ", poly interval " + polyInterval
                    + " (each at least 1)");
        }
        if (!(lr > 0) || Double.isInfinite(lr) || !(polyPower >= 0) || Double.isInfinite(polyPower)
                || !(momentum >= 0 && momentum < 1) || !(weightDecay >= 0) || Double.isInfinite(weightDecay)
                || !(asppWeightLrFactor > 0) || Double.isInfinite(asppWeightLrFactor)
                || !(asppBiasLrFactor > 0) || Double.isInfinite(asppBiasLrFactor)) {
            throw new IllegalArgumentException("bad DeepLab recipe: lr " + lr + " (> 0), poly power " + polyPower
                    + " (>= 0), momentum " + momentum + " (0 <= m < 1), weight decay " + weightDecay
                    + " (>= 0), ASPP lr factors " + asppWeightLrFactor + ", " + asppBiasLrFactor + " (> 0)");
        }
        if (augmentation == null || loss == null) {
            throw new IllegalArgumentException("a DeepLab recipe needs an augmentation and a loss");
        }
    }

    /** The AdvCAM authors' recipe (spec 8; AdvCAM issue #9); the default. */
    public static DeepLabRecipe advcam() {
        return new DeepLabRecipe(ADVCAM_ITERATIONS, BATCH_SIZE, ACCUMULATION, LR, POLY_POWER, POLY_INTERVAL,
                MOMENTUM, WEIGHT_DECAY, ASPP_WEIGHT_LR_FACTOR, ASPP_BIAS_LR_FACTOR, SegAugmentation.ADVCAM,
                ADVCAM_LOSS);
    }

    /** deeplab-pytorch's configs/voc12.yaml recipe (spec 8). */
    public static DeepLabRecipe deeplabPytorch() {
        return new DeepLabRecipe(DEEPLAB_PYTORCH_ITERATIONS, BATCH_SIZE, ACCUMULATION, LR, POLY_POWER,
                POLY_INTERVAL, MOMENTUM, WEIGHT_DECAY, ASPP_WEIGHT_LR_FACTOR, ASPP_BIAS_LR_FACTOR,
                SegAugmentation.DEEPLAB_PYTORCH, DEEPLAB_PYTORCH_LOSS);
    }

    /** {@link #ADVCAM_NAME} or {@link #DEEPLAB_PYTORCH_NAME}. */
    public static DeepLabRecipe named(String name) {
        return switch (name) {
            case ADVCAM_NAME -> advcam();
            case DEEPLAB_PYTORCH_NAME -> deeplabPytorch();
            default -> throw new IllegalArgumentException("recipe " + name + ": use " + ADVCAM_NAME + " or "
                    + DEEPLAB_PYTORCH_NAME);
        };
    }

    /** Images per optimiser step, {@code batchSize * accumulation}. */
    public int effectiveBatch() {
        return batchSize * accumulation;
    }

    /**
     * The optimiser's parameter groups: the backbone's convolution weights at {@code lr} with
     * weight decay, the ASPP weights at {@code asppWeightLrFactor * lr} with weight decay, the
     * ASPP biases at {@code asppBiasLrFactor * lr} without (spec 8). Batch-norm parameters belong
     * in none of the lists: the reference does not train them.
     */
    public List<PolySgd.Group> groups(List<String> backboneWeights, List<String> asppWeights,
                                      List<String> asppBiases) {
        return List.of(new PolySgd.Group(BACKBONE_GROUP, lr, weightDecay, List.copyOf(backboneWeights)),
                new PolySgd.Group(ASPP_WEIGHT_GROUP, lr * asppWeightLrFactor, weightDecay, List.copyOf(asppWeights)),
                new PolySgd.Group(ASPP_BIAS_GROUP, lr * asppBiasLrFactor, ASPP_BIAS_WEIGHT_DECAY,
                        List.copyOf(asppBiases)));
    }

    /** Poly SGD over {@link #groups} for {@link #iterations} steps, momentum and rate updates of this recipe. */
    public PolySgd optimizer(List<String> backboneWeights, List<String> asppWeights, List<String> asppBiases) {
        return new PolySgd(groups(backboneWeights, asppWeights, asppBiases), momentum, polyPower, iterations,
                polyInterval);
    }

    public DeepLabRecipe withIterations(int n) {
        return new DeepLabRecipe(n, batchSize, accumulation, lr, polyPower, polyInterval, momentum, weightDecay,
                asppWeightLrFactor, asppBiasLrFactor, augmentation, loss);
    }

    public DeepLabRecipe withBatch(int size, int micro) {
        return new DeepLabRecipe(iterations, size, micro, lr, polyPower, polyInterval, momentum, weightDecay,
                asppWeightLrFactor, asppBiasLrFactor, augmentation, loss);
    }

    public DeepLabRecipe withLr(double l) {
        return new DeepLabRecipe(iterations, batchSize, accumulation, l, polyPower, polyInterval, momentum,
                weightDecay, asppWeightLrFactor, asppBiasLrFactor, augmentation, loss);
    }

    public DeepLabRecipe withAugmentation(SegAugmentation a) {
        return new DeepLabRecipe(iterations, batchSize, accumulation, lr, polyPower, polyInterval, momentum,
                weightDecay, asppWeightLrFactor, asppBiasLrFactor, a, loss);
    }

    public DeepLabRecipe withLoss(SegLoss.Kind k) {
        return new DeepLabRecipe(iterations, batchSize, accumulation, lr, polyPower, polyInterval, momentum,
                weightDecay, asppWeightLrFactor, asppBiasLrFactor, augmentation, k);
    }

    /** The recipe for a settings record or a checkpoint's provenance. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iterations", iterations);
        m.put("batch_size", batchSize);
        m.put("accumulation", accumulation);
        m.put("lr", lr);
        m.put("poly_power", polyPower);
        m.put("poly_interval", polyInterval);
        m.put("momentum", momentum);
        m.put("weight_decay", weightDecay);
        m.put("aspp_weight_lr_factor", asppWeightLrFactor);
        m.put("aspp_bias_lr_factor", asppBiasLrFactor);
        m.put("aspp_bias_weight_decay", ASPP_BIAS_WEIGHT_DECAY);
        m.put("scales", augmentation.scales());
        m.put("crop", augmentation.crop());
        m.put("flip", augmentation.flip());
        m.put("loss", loss.optionName());
        return m;
    }
}
