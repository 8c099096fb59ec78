/**
 * Stage 2b, IRN (spec 5-7): IR labels from the maps (cam_to_ir_label), the inter-pixel relation
 * network with its path index, losses and trainer, and the random walk that turns maps and IRN's
 * affinities into the pixel-level pseudo-labels.
 *
 * <p>May import: (root), io, data, data.image, nn, classifier, crf.
 */
package org.wsss4j.refine;
