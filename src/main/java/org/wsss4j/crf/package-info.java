/**
 * The fully connected CRF of Kraehenbuehl and Koltun (pydensecrf's {@code DenseCRF2D}, spec 5):
 * mean-field inference with Gaussian and bilateral kernels filtered on a permutohedral lattice.
 * Used by the IR labels and the seeds' +CRF column, and by the segmentation stages'
 * post-processing.
 *
 * <p>May import: (root), data.image.
 */
package org.wsss4j.crf;
