/**
 * Stages in order (spec 0): make-pseudolabels as one run folder of step folders, and reproduce,
 * which makes the dataset, trains the classifier and prints the paper's tables beside the
 * paper's numbers (PaperNumbers); the presets (the reference's settings on VOC, the CPU settings
 * on the synthetic dataset), where a run's networks start (StartingWeights) and its plan with
 * measured per-image costs (RunPlan).
 *
 * <p>May import: (root), io, data, data.image, data.synth, nn, eval, classifier, cam, crf, refine, seg.
 */
package org.wsss4j.pipeline;
