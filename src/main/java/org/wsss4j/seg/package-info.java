/**
 * Stage 3 and 4, segmentation networks trained on the pseudo-labels (spec 8, 9): DeepLab-v2
 * (caffe-style ResNet with ASPP and multi-scale inputs), its training recipe and loss, and
 * {@code predict}'s inference with the dense CRF.
 *
 * <p>May import: (root), io, data, data.image, nn, eval, crf.
 */
package org.wsss4j.seg;
