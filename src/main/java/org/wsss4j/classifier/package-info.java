/**
 * Stage 1, the multi-label CAM classifier (spec 1.3, 1.4): the ResNet whose last stage feeds a
 * 1x1 classifier without bias (its maps are the CAMs), its trainer with the reference's recipe,
 * batch-norm calibration for training from scratch, and its checkpoints.
 *
 * <p>May import: (root), io, data, data.image, nn, eval.
 */
package org.wsss4j.classifier;
