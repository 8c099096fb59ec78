package org.wsss4j.cam;

import org.wsss4j.data.image.CamMaps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.wsss4j.data.image.RgbImage;

/** Turns an image and its image-level labels into attribution maps of its present classes. */
public interface AttributionMethod {
    /**
     * @param image  the RGB image as decoded
     * @param labels multi-hot image labels over the classifier's classes
     */
    CamMaps compute(RgbImage image, float[] labels);

    /**
     * The maps of several images, one per image in order, equal to {@link #compute} of each; a
     * method that can batch work across images does so here.
     */
    default List<CamMaps> computeAll(List<RgbImage> images, List<float[]> labels) {
        List<CamMaps> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            out.add(compute(images.get(i), labels.get(i)));
        }
        return out;
    }

    /** How many images {@link #computeAll} should be given at a time (1: no batching across images). */
    default int imagesPerCall() {
        return 1;
    }

    /** Short name for logs and provenance ("cam", "advcam"). */
    String name();

    /**
     * The parameters that decide the maps, with {@code "method": name()}: what a maps folder's
     * settings record (not those that change only speed or memory).
     */
    Map<String, Object> settings();
}
