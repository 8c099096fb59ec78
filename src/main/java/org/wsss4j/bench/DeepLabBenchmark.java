package org.wsss4j.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.data.VocDataset;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.data.synth.ShapesConfig;
import org.wsss4j.data.synth.ShapesDataset;
import org.wsss4j.nn.NetworkParameters.Parameter;
import org.wsss4j.nn.PolySgd;
import org.wsss4j.seg.DeepLabModel;
import org.wsss4j.seg.DeepLabRecipe;
import org.wsss4j.seg.DeepLabSpec;
import org.wsss4j.seg.DeepLabTrainer;
import org.wsss4j.seg.DeepLabV2;
import org.wsss4j.seg.PredictParams;
import org.wsss4j.seg.SegLabels;
import org.wsss4j.seg.SegmentationPredictor;

/**
 * Times deeplab-pytorch's {@code DeepLabV2_ResNet101_MSC} (spec 8: caffe ResNet-101, output
 * stride 8, ASPP rates 6/12/18/24, MSC scales 0.5 and 0.75, 21 classes) as wsss4j runs it, float32,
 * from-scratch weights (values do not change the speed). One measurement per process
 * ({@code --mode}), so that the peak resident set is the measurement's own:
 * <ul>
 *   <li>{@code train} ({@code deeplab_train_step}): one optimiser step of {@code train-deeplab} on
 *       a batch of {@code --batch} random 3 x crop x crop inputs with random labels (0..20, a few
 *       255): {@link DeepLabTrainer#gradients} (the MSC forward pass, the cross-entropy of
 *       deeplab-pytorch's recipe on the four outputs at their resolution with the labels resized
 *       nearest, summed; backward for the optimised parameters), then {@link PolySgd#update} over
 *       {@link DeepLabTrainer#groups()} (momentum 0.9, weight decay, the ASPP's 10x and 20x
 *       learning rates), as the training loop calls them. The trainer is built on a small
 *       synthetic dataset that only its constructor reads; the timed step gets its batch directly.</li>
 *   <li>{@code predict} ({@code deeplab_predict}): {@code predict --no-crf} on one random
 *       {@code --height} x {@code --width} image: {@link SegmentationPredictor#predict} with
 *       {@link PredictParams#REFERENCE} without the CRF, i.e. the network built for inference
 *       ({@link DeepLabV2#forInference}), the MSC max fusion, the logits upsampled bilinearly to the
 *       image, softmax and argmax.</li>
 * </ul>
 *
 * <p>Prints {@code info key=value} lines, {@code warmup i=.. ms=..}, then {@code result
 * name=deeplab_train_step|deeplab_predict median_ms=.. min_ms=.. max_ms=.. cpu_ms=.. repeats=..
 * peak_rss_mb=..} (peak_rss_mb: {@code VmHWM} of the process at its end, build and warm-up
 * included: the memory a user's process needs). With {@code --profile}, also the time inside
 * SameDiff ops by op type per measured step, {@code op name=.. op=<type> ms=.. calls=..}, and
 * {@code info in_ops_ms=..}.
 *
 * <p>Options: {@code --mode train|predict --batch 2 --crop 321 --height 375 --width 500 --warmup 2
 * --repeats 5 --seed 0 --profile}.
 */
public final class DeepLabBenchmark {
    /**
     * The training input's scale: pixel values (0..255 less about the mean) times this. From
     * scratch, the caffe ResNet-101 with batch norm at its initial values multiplies its input
     * about 2e4-fold (logits near 2e6 for such pixels, measured on deeplab-pytorch's model), and
     * the first updates then overflow to inf and NaN; the network is positively homogeneous, so
     * the scaled input gives small logits and keeps every value a normal float (at 1e-5 the
     * losses still diverged to NaN within three steps at crop 241). Speed does not
     * depend on the values as long as none is subnormal, inf or NaN. deeplab_torch.py uses the same.
     */
    static final double INPUT_SCALE = 1e-6;
    /** The training steps' losses, printed as information (finite and falling: the values stay sane). */
    private static final List<Double> losses = new ArrayList<>();

    private DeepLabBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = BenchOptions.parse(args, Set.of("profile"));
        String mode = opt.getOrDefault("mode", "train");
        int batch = Integer.parseInt(opt.getOrDefault("batch", "2"));
        int crop = Integer.parseInt(opt.getOrDefault("crop", "321"));
        int height = Integer.parseInt(opt.getOrDefault("height", "375"));
        int width = Integer.parseInt(opt.getOrDefault("width", "500"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "2"));
        int repeats = Integer.parseInt(opt.getOrDefault("repeats", "5"));
        long seed = Long.parseLong(opt.getOrDefault("seed", "0"));
        if (!mode.equals("train") && !mode.equals("predict")) {
            throw new IllegalArgumentException("--mode must be train or predict: " + mode);
        }
        BenchOptions.info("java_version", System.getProperty("java.version"));
        BenchOptions.info("native_variant", System.getProperty("org.bytedeco.javacpp.platform.extension", "(default)"));
        BenchOptions.info("nd4j_threads", String.valueOf(Nd4j.getEnvironment().maxMasterThreads()));
        BenchOptions.info("max_bytes_mb", String.valueOf(Pointer.maxBytes() >> 20));
        DeepLabSpec spec = DeepLabSpec.reference(DeepLabSpec.VOC_CLASSES);
        Random r = new Random(seed);
        OpTimeListener ops = opt.containsKey("profile") ? new OpTimeListener() : null;
        String name;
        Runnable step;
        long t = System.nanoTime();
        if (mode.equals("train")) {
            name = "deeplab_train_step";
            BenchOptions.info("step", "MSC train step, batch " + batch + " of 3x" + crop + "x" + crop
                    + ", CE on the 4 outputs, backward, poly SGD update");
            step = trainStep(spec, batch, crop, seed, r, ops);
        } else {
            name = "deeplab_predict";
            BenchOptions.info("step", "MSC predict --no-crf of one " + height + "x" + width + " image");
            step = predictStep(spec, height, width, seed, r, ops);
        }
        BenchOptions.info("setup_ms", String.format(Locale.ROOT, "%.0f", (System.nanoTime() - t) / 1e6));
        for (int i = 0; i < warmup; i++) {
            t = System.nanoTime();
            step.run();
            System.out.printf(Locale.ROOT, "warmup i=%d ms=%.1f rss_mb=%d%n", i, (System.nanoTime() - t) / 1e6,
                    statusKb("VmRSS") >> 10);
        }
        if (ops != null) ops.reset();
        double[] times = new double[repeats];
        double[] cpu = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long cpu0 = ResNetBenchmark.processCpuNanos();
            t = System.nanoTime();
            step.run();
            times[i] = (System.nanoTime() - t) / 1e6;
            cpu[i] = (ResNetBenchmark.processCpuNanos() - cpu0) / 1e6;
            System.out.printf(Locale.ROOT, "step i=%d ms=%.1f%n", i, times[i]);
        }
        if (!losses.isEmpty()) {
            BenchOptions.info("losses", String.join(",", losses.stream()
                    .map(l -> String.format(Locale.ROOT, "%.4g", l)).toList()));
        }
        System.out.printf(Locale.ROOT, "result name=%s median_ms=%.1f min_ms=%.1f max_ms=%.1f cpu_ms=%.1f repeats=%d"
                        + " peak_rss_mb=%d%n", name, ResNetBenchmark.median(times),
                Arrays.stream(times).min().orElse(0), Arrays.stream(times).max().orElse(0),
                ResNetBenchmark.median(cpu), repeats, statusKb("VmHWM") >> 10);
        if (ops != null) {
            BenchOptions.info("in_ops_ms", String.format(Locale.ROOT, "%.1f", ops.totalNanos() / 1e6 / repeats));
            List<Map.Entry<String, long[]>> entries = new ArrayList<>(ops.byOp().entrySet());
            entries.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed());
            for (Map.Entry<String, long[]> e : entries) {
                System.out.printf(Locale.ROOT, "op name=%s op=%s ms=%.1f calls=%d%n", name, e.getKey(),
                        e.getValue()[0] / 1e6 / repeats, e.getValue()[1] / repeats);
            }
        }
    }

    /** The trainer's step (gradients, then the update) on a fixed random batch. */
    private static Runnable trainStep(DeepLabSpec spec, int batch, int crop, long seed, Random r, OpTimeListener ops)
            throws IOException {
        // The trainer's constructor reads a dataset (its label source); a tiny synthetic one serves.
        Path dir = Files.createTempDirectory("deeplab-bench");
        Path root = dir.resolve("shapes");
        new ShapesDataset(ShapesConfig.defaults().withImages(12).withSize(64).withClasses(3)).write(root);
        VocDataset data = VocDataset.open(root, null, dir.resolve("cache"));
        DeepLabRecipe recipe = DeepLabRecipe.deeplabPytorch().withBatch(batch, 1);
        DeepLabV2 net = DeepLabV2.build(spec, DataType.FLOAT, seed);
        DeepLabTrainer trainer = new DeepLabTrainer(data, SegLabels.GROUND_TRUTH, data.ids("train_aug"), "train_aug",
                List.of(), net, new DeepLabTrainer.Options(recipe, seed, 1, 1e9, Integer.MAX_VALUE, false),
                dir.resolve("run"), new PrintStream(new ByteArrayOutputStream()));
        PolySgd opt = new PolySgd(trainer.groups(), recipe.momentum(), recipe.polyPower(), recipe.iterations(),
                recipe.polyInterval());
        Map<String, INDArray> params = new HashMap<>();
        for (Parameter p : net.parameters().trainable()) params.put(p.name(), p.variable().getArr());
        if (ops != null) net.graph().addListeners(ops);
        losses.clear();
        // input roughly as DeepLabInput prepares it (BGR 0..255 minus the mean) times INPUT_SCALE,
        // labels 0..20 with 5% ignored
        float[] in = new float[batch * 3 * crop * crop];
        for (int i = 0; i < in.length; i++) in[i] = (float) ((r.nextDouble() * 255 - 115) * INPUT_SCALE);
        float[] tg = new float[batch * crop * crop];
        for (int i = 0; i < tg.length; i++) tg[i] = r.nextDouble() < 0.05 ? 255 : r.nextInt(spec.numClasses());
        INDArray x = Nd4j.create(in, new long[] {batch, 3, crop, crop});
        INDArray y = Nd4j.create(tg, new long[] {batch, crop, crop});
        return () -> {
            DeepLabTrainer.StepGradients g = trainer.gradients(x, y);
            opt.update(params, g.gradients());
            losses.add(g.loss());
        };
    }

    /** {@code predict --no-crf} of one random image. */
    private static Runnable predictStep(DeepLabSpec spec, int height, int width, long seed, Random r,
                                        OpTimeListener ops) {
        DeepLabV2 net = DeepLabV2.forInference(spec, DataType.FLOAT, seed);
        if (ops != null) net.graph().addListeners(ops);
        SegmentationPredictor predictor = new SegmentationPredictor(new DeepLabModel(net),
                PredictParams.REFERENCE.withoutCrf());
        byte[] pixels = new byte[height * width * 3];
        r.nextBytes(pixels);
        RgbImage image = new RgbImage(height, width, pixels);
        return () -> predictor.predict(image);
    }

    /** A {@code /proc/self/status} field in kB (e.g. VmRSS, VmHWM), or -1 where there is none. */
    private static long statusKb(String field) throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) return -1;
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
            }
        }
        return -1;
    }
}
