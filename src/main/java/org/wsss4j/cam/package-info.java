/**
 * Stage 2a, attribution maps (spec 2, 3): IRN's multi-scale CAM and AdvCAM's anti-adversarial
 * climbing (paper Eq. 2-6, with the reference code's form as the default), run over a list of
 * images into one {@code <id>.npz} per image.
 *
 * <p>May import: (root), io, data, data.image, nn, classifier.
 */
package org.wsss4j.cam;
