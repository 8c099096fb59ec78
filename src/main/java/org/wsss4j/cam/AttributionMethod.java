package org.wsss4j.cam;

import org.wsss4j.data.image.RgbImage;

/** Turns an image and its image-level labels into attribution maps of its present classes. */
public interface AttributionMethod {
    /**
     * @param image  the RGB image as decoded
     * @param labels multi-hot image labels over the classifier's classes
     */
    CamMaps compute(RgbImage image, float[] labels);

    /** Short name for logs and provenance ("cam", "advcam"). */
    String name();
}
