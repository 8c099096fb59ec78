package org.wsss4j.cam;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.nn.CamNetwork;

/**
 * AdvCAM attribution maps (spec 3): at each scale, in the reference's order, all present classes
 * climb from the image pair ({@link AdversarialClimb}); each scale's summed maps are weighted as
 * the reference weights them ({@link AdvCamParams#scaleWeights()}) and combined exactly as the
 * baseline CAM's are ({@link ScaleFusion}, spec 3.2(i)). Library entry point:
 * {@code new AdvCam(net, AdvCamParams.reference()).compute(image, labels)}.
 */
public final class AdvCam implements AttributionMethod {
    private final AdvCamParams params;
    private final AdversarialClimb climb;
    private final String name;

    public AdvCam(CamNetwork net, AdvCamParams params) {
        this(net, params, "advcam");
    }

    /** @param name how logs and provenance call this configuration (e.g. "advcam-control") */
    public AdvCam(CamNetwork net, AdvCamParams params, String name) {
        this.params = params;
        this.climb = new AdversarialClimb(net, params);
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    public AdvCamParams params() {
        return params;
    }

    @Override
    public CamMaps compute(RgbImage image, float[] labels) {
        int[] keys = MultiScaleCam.presentClasses(labels);
        ScaleFusion fusion = new ScaleFusion(image.height, image.width, keys.length);
        double[] weights = params.scaleWeights();
        for (int s = 0; s < params.scales().size(); s++) {
            double scale = params.scales().get(s);
            INDArray pair = MultiScaleCam.scaledPair(image, scale);
            int steps = params.stepsAt(scale);
            int batch = params.classBatch() <= 0 ? Math.max(1, keys.length) : params.classBatch();
            float[] scaleMaps = null;
            int h = 0, w = 0;
            for (int start = 0; start < keys.length; start += batch) {
                int[] chunk = Arrays.copyOfRange(keys, start, Math.min(keys.length, start + batch));
                INDArray sum = climb.climb(pair, chunk, steps).muli(weights[s]);
                h = (int) sum.size(1);
                w = (int) sum.size(2);
                if (scaleMaps == null) {
                    scaleMaps = new float[keys.length * h * w];
                }
                float[] part = sum.castTo(DataType.FLOAT).dup('c').data().asFloat();
                System.arraycopy(part, 0, scaleMaps, start * h * w, part.length);
            }
            if (scaleMaps != null) {
                fusion.add(scaleMaps, h, w);
            }
        }
        return fusion.finish(keys);
    }
}
