package org.wsss4j.cam;

import org.wsss4j.data.image.CamMaps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.classifier.CamNetwork;

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

    /** xi, lambda, tau and T in the paper's names; the batch sizes change only speed and memory. */
    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", name);
        m.put("T", params.steps());
        m.put("xi", params.stepSize());
        m.put("lambda", params.lambda());
        m.put("tau", params.tau());
        m.put("scales", params.scales());
        m.put("variant", params.variant().name().toLowerCase(Locale.ROOT));
        return m;
    }

    @Override
    public CamMaps compute(RgbImage image, float[] labels) {
        return computeAll(List.of(image), List.of(labels)).get(0);
    }

    @Override
    public int imagesPerCall() {
        return params.imageBatch();
    }

    /**
     * The maps of several images, each as {@link #compute} makes it alone: at each scale, the
     * present classes of every image whose scaled pair has the same size climb together, at most
     * {@link AdvCamParams#classBatch()} pairs per batch (0: all of them). Batching changes which
     * pairs share a batch, not what any pair computes (AdversarialClimb), so it only buys speed
     * where one image's classes make too small a batch to keep the cores busy.
     */
    @Override
    public List<CamMaps> computeAll(List<RgbImage> images, List<float[]> labels) {
        int n = images.size();
        int[][] keys = new int[n][];
        ScaleFusion[] fusions = new ScaleFusion[n];
        for (int j = 0; j < n; j++) {
            keys[j] = MultiScaleCam.presentClasses(labels.get(j));
            fusions[j] = new ScaleFusion(images.get(j).height, images.get(j).width, keys[j].length);
        }
        double[] weights = params.scaleWeights();
        for (int s = 0; s < params.scales().size(); s++) {
            double scale = params.scales().get(s);
            int steps = params.stepsAt(scale);
            // entries (image, class) grouped by the size of the image's scaled pair, in list order
            INDArray[] pairs = new INDArray[n];
            Map<List<Long>, List<int[]>> bySize = new LinkedHashMap<>();
            for (int j = 0; j < n; j++) {
                pairs[j] = MultiScaleCam.scaledPair(images.get(j), scale);
                List<int[]> entries = bySize.computeIfAbsent(List.of(pairs[j].size(2), pairs[j].size(3)),
                        size -> new ArrayList<>());
                for (int i = 0; i < keys[j].length; i++) {
                    entries.add(new int[] {j, i});
                }
            }
            float[][] scaleMaps = new float[n][];
            int[][] mapSize = new int[n][];
            for (List<int[]> entries : bySize.values()) {
                int batch = params.classBatch() <= 0 ? Math.max(1, entries.size()) : params.classBatch();
                for (int start = 0; start < entries.size(); start += batch) {
                    List<int[]> chunk = entries.subList(start, Math.min(entries.size(), start + batch));
                    INDArray[] chunkPairs = new INDArray[chunk.size()];
                    int[] chunkClasses = new int[chunk.size()];
                    for (int e = 0; e < chunk.size(); e++) {
                        int[] entry = chunk.get(e);
                        chunkPairs[e] = pairs[entry[0]];
                        chunkClasses[e] = keys[entry[0]][entry[1]];
                    }
                    INDArray sum = climb.climb(chunkPairs, chunkClasses, steps).muli(weights[s]);
                    int h = (int) sum.size(1);
                    int w = (int) sum.size(2);
                    float[] part = sum.castTo(DataType.FLOAT).dup('c').data().asFloat();
                    for (int e = 0; e < chunk.size(); e++) {
                        int j = chunk.get(e)[0];
                        if (scaleMaps[j] == null) {
                            scaleMaps[j] = new float[keys[j].length * h * w];
                            mapSize[j] = new int[] {h, w};
                        }
                        System.arraycopy(part, e * h * w, scaleMaps[j], chunk.get(e)[1] * h * w, h * w);
                    }
                }
            }
            for (int j = 0; j < n; j++) {
                if (scaleMaps[j] != null) {
                    fusions[j].add(scaleMaps[j], mapSize[j][0], mapSize[j][1]);
                }
            }
        }
        List<CamMaps> out = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            out.add(fusions[j].finish(keys[j]));
        }
        return out;
    }
}
