package org.wsss4j.cam;

import org.wsss4j.data.image.CamMaps;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.data.image.Flip;
import org.wsss4j.data.image.Normalize;
import org.wsss4j.data.image.PilResize;
import org.wsss4j.data.image.Rescale;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.classifier.CamNetwork;

/**
 * The baseline CAM of IRN's make_cam (spec 2): at each scale the image (Pillow bicubic, numpy
 * half-to-even sizes; scale 1 uses the original) and its horizontal flip go through the network as
 * one batch of two; o_s = ReLU(z[0]) + flip(ReLU(z[1])); the scales are summed by
 * {@link ScaleFusion}. Only the classes present in the image's labels are kept.
 */
public final class MultiScaleCam implements AttributionMethod {
    /**
     * IRN's scales in its order, as a command-line option spells them: run_sample.py --cam_scales
     * (1.0, 0.5, 1.5, 2.0) (spec 2).
     */
    public static final String REFERENCE_SCALES_OPTION = "1.0,0.5,1.5,2.0";
    /** {@link #REFERENCE_SCALES_OPTION} as numbers. */
    public static final List<Double> REFERENCE_SCALES = Arrays.stream(REFERENCE_SCALES_OPTION.split(","))
            .map(Double::valueOf).toList();

    private final CamNetwork net;
    private final List<Double> scales;

    public MultiScaleCam(CamNetwork net, List<Double> scales) {
        this.net = net;
        this.scales = List.copyOf(scales);
    }

    @Override
    public String name() {
        return "cam";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", name());
        m.put("scales", scales);
        return m;
    }

    /** Indices of the classes whose label is positive, ascending. */
    public static int[] presentClasses(float[] labels) {
        return java.util.stream.IntStream.range(0, labels.length).filter(c -> labels[c] > 0.5f).toArray();
    }

    /**
     * The normalised image at scale {@code s} and its flip, as a [2, 3, h, w] batch.
     */
    public static INDArray scaledPair(RgbImage image, double s) {
        RgbImage scaled = image;
        if (s != 1.0) {
            int[] size = Rescale.scaledSize(image.height, image.width, s);
            scaled = PilResize.bicubic(image, size[0], size[1]);
        }
        float[] a = Normalize.imagenet(scaled);
        float[] b = Flip.horizontal(a, 3, scaled.height, scaled.width);
        float[] both = Arrays.copyOf(a, a.length * 2);
        System.arraycopy(b, 0, both, a.length, b.length);
        return Nd4j.create(both, new long[] {2, 3, scaled.height, scaled.width});
    }

    @Override
    public CamMaps compute(RgbImage image, float[] labels) {
        int[] keys = presentClasses(labels);
        ScaleFusion fusion = new ScaleFusion(image.height, image.width, keys.length);
        for (double s : scales) {
            INDArray z = net.cams(scaledPair(image, s).castTo(net.dataType()));
            int h = (int) z.size(2), w = (int) z.size(3);
            fusion.add(fuseFlipPair(z, keys), h, w);
        }
        return fusion.finish(keys);
    }

    /** ReLU(z[0, c]) + flip_w(ReLU(z[1, c])) for each key c, as a [K, h, w] array. */
    static float[] fuseFlipPair(INDArray z, int[] keys) {
        int h = (int) z.size(2), w = (int) z.size(3), n = (int) z.size(1);
        float[] all = z.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
        float[] out = new float[keys.length * h * w];
        for (int i = 0; i < keys.length; i++) {
            int c = keys[i];
            int base0 = c * h * w, base1 = (n + c) * h * w, dst = i * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float a = Math.max(all[base0 + y * w + x], 0f);
                    float b = Math.max(all[base1 + y * w + (w - 1 - x)], 0f);
                    out[dst + y * w + x] = a + b;
                }
            }
        }
        return out;
    }
}
