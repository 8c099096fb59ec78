package org.wsss4j.data.synth;

import org.wsss4j.data.image.LabelMap;
import org.wsss4j.data.image.RgbImage;

/** One generated sample before it is written: its scene, image (before JPEG) and label map. */
public record RenderedScene(Scene scene, RgbImage image, LabelMap labels) {}
