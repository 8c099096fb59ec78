/**
 * Scores: the confusion matrix and mIoU of label maps against ground truth, the seed evaluation's
 * background-threshold sweep (spec 4), average precision of the classifier.
 *
 * <p>May import: (root), io, data, data.image.
 */
package org.wsss4j.eval;
