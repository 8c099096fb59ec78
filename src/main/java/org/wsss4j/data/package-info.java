/**
 * Datasets in the PASCAL VOC 2012 layout (spec 1.1): splits and id lists, image-level labels from
 * the annotations, SBD conversion to {@code SegmentationClassAug}, validation of a dataset folder,
 * the classifier's augmentation (spec 1.4) and batch loading.
 *
 * <p>May import: (root), io, data.image.
 */
package org.wsss4j.data;
