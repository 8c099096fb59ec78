package org.wsss4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.cam.AdvCam;
import org.wsss4j.cam.AdvCamParams;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.classifier.CamNetwork;

/**
 * Times AdvCAM (spec 3.2) on one VOC-sized image through the library's entry point,
 * {@link AdvCam#compute}, with the CAM classifier {@link CamNetwork#resnet50Irn} (from-scratch
 * weights: the time does not depend on their values). The PyTorch counterpart is
 * {@code benchmarks/advcam_torch.py}; {@code benchmarks/run.sh --advcam} runs both.
 *
 * <p>A full climb is 13 steps at scale 0.5 and 27 at 1.0, 1.5 and 2.0 (spec 3.2(h)), minutes per
 * class on a CPU. So each scale is timed on its own ({@code AdvCam} with that one scale): a climb
 * of 1 step and one of {@code --steps m} steps, and the full climb's time is extrapolated
 * linearly from the two ({@link StepExtrapolation}); a scale whose full count is at most m is
 * timed in full. The time of one scale covers what {@code compute} does for it: the scaled image
 * pair, the climb, and the fusion into the image-sized maps. Graph build and warm-up climbs
 * (2 steps at every scale, so every input shape has run once) are not timed.
 *
 * <p>Prints, per class set, one {@code scale ...} line per scale and {@code result
 * name=advcam_<W>x<H>_k<K> s_per_image=.. s_per_image_class=.. measured_steps=.. full_steps=..}.
 *
 * <p>Options: {@code --height 375 --width 500 --steps 3 --repeats 1 --warmup 1 --seed 0
 * --classes 0 --scales 0.5,1.0,1.5,2.0 --arch resnet50 --arch-width 1.0 --strides 2,2,2,1
 * --folding on-load|per-pass} ({@code --scales} times a subset, e.g. to look at
 * the memory one scale needs; {@code --classes 0:0,7,14} times one class, then classes 0, 7, 14 climbing in
 * one batch as {@code AdvCam} batches them).
 */
public final class AdvCamBenchmark {
    private AdvCamBenchmark() {}

    public static void main(String[] args) {
        Map<String, String> opt = BenchOptions.parse(args, Set.of());
        AdvCamParams reference = AdvCamParams.reference();
        int height = Integer.parseInt(opt.getOrDefault("height", "375"));
        int width = Integer.parseInt(opt.getOrDefault("width", "500"));
        int steps = Integer.parseInt(opt.getOrDefault("steps", "3"));
        int repeats = Integer.parseInt(opt.getOrDefault("repeats", "1"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "1"));
        long seed = Long.parseLong(opt.getOrDefault("seed", "0"));
        List<int[]> classSets = new ArrayList<>();
        for (String set : opt.getOrDefault("classes", "0").split(":")) {
            classSets.add(Arrays.stream(set.split(",")).mapToInt(Integer::parseInt).toArray());
        }
        List<Double> scales = reference.scales();
        if (opt.containsKey("scales")) {
            scales = Arrays.stream(opt.get("scales").split(",")).map(Double::valueOf).toList();
        }
        if (steps < 2) throw new IllegalArgumentException("--steps must be at least 2, got " + steps);

        BenchOptions.info("java_version", System.getProperty("java.version"));
        BenchOptions.info("native_variant", System.getProperty("org.bytedeco.javacpp.platform.extension", "(default)"));
        BenchOptions.info("nd4j_threads", String.valueOf(Nd4j.getEnvironment().maxMasterThreads()));
        BenchOptions.info("image", width + "x" + height);
        BenchOptions.info("scales", scales.toString());

        long t0 = System.nanoTime();
        // --arch resnet18 --arch-width 0.25 --strides 2,2,1,1 times the synthetic preset's network instead
        org.wsss4j.nn.ResNetSpec spec = org.wsss4j.nn.ResNetSpec.camBackbone(opt.getOrDefault("arch", "resnet50"),
                Double.parseDouble(opt.getOrDefault("arch-width", "1.0")));
        if (opt.containsKey("strides")) {
            spec = spec.withLayerStrides(Arrays.stream(opt.get("strides").split(",")).map(Integer::valueOf).toList());
        }
        BenchOptions.info("network", spec.describe().toString());
        org.wsss4j.nn.NormFolding folding = BenchOptions.folding(opt);
        BenchOptions.info("norm_folding", folding.name());
        CamNetwork net = CamNetwork.build(spec, CamNetwork.VOC_CLASSES, org.nd4j.linalg.api.buffer.DataType.FLOAT, seed,
                CamNetwork.DEFAULT_LAYOUT, folding);
        BenchOptions.info("graph_build_s", secs(System.nanoTime() - t0));
        RgbImage image = randomImage(new Random(seed + 1), height, width);
        String name = "advcam_" + width + "x" + height;

        for (int[] classes : classSets) {
            float[] labels = new float[net.numClasses()];
            for (int c : classes) labels[c] = 1;
            int k = classes.length;
            double total = 0;
            StringBuilder fullSteps = new StringBuilder();
            for (double scale : scales) {
                int full = reference.stepsAt(scale);
                int m = StepExtrapolation.measuredSteps(steps, full);
                AdvCam one = climbOf(net, scale, 1);
                AdvCam some = climbOf(net, scale, m);
                AdvCam warm = climbOf(net, scale, 2);
                for (int i = 0; i < warmup; i++) {
                    long t = System.nanoTime();
                    warm.compute(image, labels);
                    System.out.println("warmup name=" + name + "_k" + k + " scale=" + scale + " i=" + i
                            + " s=" + secs(System.nanoTime() - t));
                }
                double tm = medianSeconds(some, image, labels, repeats);
                double t1 = m < full ? medianSeconds(one, image, labels, repeats) : Double.NaN;
                double est = m < full ? StepExtrapolation.estimate(t1, tm, m, full) : tm;
                total += est;
                if (fullSteps.length() > 0) fullSteps.append('/');
                fullSteps.append(full);
                System.out.printf(Locale.ROOT,
                        "scale name=%s_k%d scale=%s full_steps=%d measured_steps=%d t1_s=%.2f tm_s=%.2f est_s=%.2f%n",
                        name, k, scale, full, m, t1, tm, est);
            }
            System.out.printf(Locale.ROOT,
                    "result name=%s_k%d s_per_image=%.2f s_per_image_class=%.2f measured_steps=%d full_steps=%s%n",
                    name, k, total, total / k, steps, fullSteps);
        }
    }

    /**
     * AdvCAM at one scale, climbing {@code steps} steps there: the reference's settings with only
     * that scale. Scale 0.5 climbs fewer steps than T (spec 3.2(h): T for T < 6, T/2 for T > 10),
     * so T is chosen for that rule to give {@code steps}.
     */
    static AdvCam climbOf(CamNetwork net, double scale, int steps) {
        int t = scale == 0.5 && steps >= 6 ? 2 * steps : steps;
        AdvCamParams p = new AdvCamParams(t, AdvCamParams.REFERENCE_STEP_SIZE, AdvCamParams.REFERENCE_LAMBDA,
                AdvCamParams.REFERENCE_TAU, List.of(scale), AdvCamParams.Variant.REFERENCE, 0);
        if (p.stepsAt(scale) != steps) {
            throw new IllegalStateException("scale " + scale + " would climb " + p.stepsAt(scale) + ", not " + steps);
        }
        return new AdvCam(net, p);
    }

    private static double medianSeconds(AdvCam advCam, RgbImage image, float[] labels, int repeats) {
        double[] s = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t = System.nanoTime();
            advCam.compute(image, labels);
            s[i] = (System.nanoTime() - t) / 1e9;
        }
        return ResNetBenchmark.median(s);
    }

    /** Uniform random 8-bit RGB; the same for the same seed. */
    static RgbImage randomImage(Random r, int height, int width) {
        byte[] data = new byte[height * width * 3];
        r.nextBytes(data);
        return new RgbImage(height, width, data);
    }

    private static String secs(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
    }
}
