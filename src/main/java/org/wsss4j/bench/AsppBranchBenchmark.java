package org.wsss4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.nn.GraphLayers;
import org.wsss4j.nn.Layout;
import org.wsss4j.nn.NetworkParameters;
import org.wsss4j.nn.PooledInferenceSession;

/**
 * Times one DeepLab-v2 ASPP branch (a 3x3 conv with bias, dilation = padding = rate, from the
 * backbone's 2048 channels to 21 classes, spec 8), or with {@code --in}/{@code --out} any dilated
 * 3x3 conv (e.g. a backbone's, 512 -> 512 at rate 4), through one of the three forms of a dilated
 * convolution in {@link GraphLayers}: {@code --form taps} ({@link GraphLayers#dilatedConvByTaps}),
 * {@code --form shifted} ({@link GraphLayers#dilatedConvByShiftedOutputs}) or {@code --form s2b}
 * ({@link GraphLayers#dilatedConvBySpaceToBatch}). One step is the
 * forward pass and the backward pass of a training step: the gradients of L = sum(y * R) (R a
 * fixed random array) w.r.t. the branch's input (which a network passes on to its backbone), its
 * kernel and its bias, in one {@code calculateGradientsAndOutputs} call, float32, in the graph
 * sessions DeepLab-v2 trains with ({@link PooledInferenceSession}).
 *
 * <p>Memory is read from Linux: {@code VmHWM} (peak resident set) of {@code /proc/self/status}.
 * Before the measured steps the graph runs one step on a 1 x 3 x 3 input, which loads the native
 * libraries and builds the gradient function; the first full-size step's peak, less the resident
 * set before it, is then the memory the step itself needs (the arrays of the pass, and what the
 * allocator and the session's array pool keep of them). Run one form per process, or the second
 * inherits the first's memory. Later steps reuse what was kept, so their peak (taken after
 * resetting the high-water mark through {@code /proc/self/clear_refs}) is reported separately.
 *
 * <p>Prints {@code info key=value} lines, then {@code result name=aspp_<form>_r<rate>_b<batch>
 * median_ms=.. min_ms=.. max_ms=.. cpu_ms=.. first_step_ms=.. rss_before_mb=..
 * first_step_peak_rss_mb=.. first_step_added_mb=.. step_peak_rss_mb=.. repeats=..}.
 *
 * <p>With {@code --profile} it also prints the time inside SameDiff ops by op type over the
 * measured steps, {@code op form=<form> op=<type> ms=<per step> calls=<per step>}.
 *
 * <p>Options: {@code --form taps|shifted|s2b --batch 5 --size 41 --in 2048 --out 21 --rate 24
 * --warmup 1 --repeats 3 --layout nhwc|nchw --seed 0 --profile}. The defaults are DeepLab-v2's training
 * size: batch 5 of 321 x 321 crops give 41 x 41 maps at output stride 8 (spec 8); rate 24 is the
 * widest branch (the most padding).
 */
public final class AsppBranchBenchmark {
    private static final String INPUT = "aspp_input";
    private static final String LOSS = "aspp_loss";
    private static final String LOSS_WEIGHTS = "aspp_loss_weights";

    private AsppBranchBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = BenchOptions.parse(args, Set.of("profile"));
        String form = opt.getOrDefault("form", "shifted");
        int batch = Integer.parseInt(opt.getOrDefault("batch", "5"));
        int size = Integer.parseInt(opt.getOrDefault("size", "41"));
        int in = Integer.parseInt(opt.getOrDefault("in", "2048"));
        int out = Integer.parseInt(opt.getOrDefault("out", "21"));
        int rate = Integer.parseInt(opt.getOrDefault("rate", "24"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "1"));
        int repeats = Integer.parseInt(opt.getOrDefault("repeats", "3"));
        long seed = Long.parseLong(opt.getOrDefault("seed", "0"));
        Layout layout = switch (opt.getOrDefault("layout", "nhwc")) {
            case "nhwc" -> Layout.NHWC;
            case "nchw" -> Layout.NCHW;
            default -> throw new IllegalArgumentException("--layout must be nhwc or nchw: " + opt.get("layout"));
        };
        if (!Set.of("taps", "shifted", "s2b").contains(form)) {
            throw new IllegalArgumentException("--form must be taps, shifted or s2b: " + form);
        }
        BenchOptions.info("java_version", System.getProperty("java.version"));
        BenchOptions.info("native_variant", System.getProperty("org.bytedeco.javacpp.platform.extension", "(default)"));
        BenchOptions.info("nd4j_threads", String.valueOf(Nd4j.getEnvironment().maxMasterThreads()));
        BenchOptions.info("max_bytes_mb", String.valueOf(Pointer.maxBytes() >> 20));
        BenchOptions.info("branch", "3x3 " + in + "->" + out + " dilation=padding=" + rate + " on " + batch + "x" + in
                + "x" + size + "x" + size + " " + layout + " float32, form " + form);

        PooledInferenceSession.install();
        SameDiff sd = SameDiff.create();
        GraphLayers layers = new GraphLayers(sd, new NetworkParameters(), DataType.FLOAT, seed, layout);
        Random r = new Random(seed);
        // The branch input is a variable so that its gradient is computed as a network's would be
        // (the tap stack reads it only through pad, slices and concat, which autodiff skips for a
        // placeholder); its array is swapped for the small pre-step.
        SDVariable x = sd.var(INPUT, gaussian(r, 1.0, layout.place(1, in, 3, 3)));
        SDVariable w = sd.var("aspp.weight", gaussian(r, 0.01, 3, 3, in, out));
        SDVariable b = sd.var("aspp.bias", gaussian(r, 0.01, out));
        SDVariable y = switch (form) {
            case "taps" -> layers.dilatedConvByTaps(w, b, x, 3, 1, rate, rate, out);
            case "shifted" -> layers.dilatedConvByShiftedOutputs(w, b, x, 3, 1, rate, rate, out);
            default -> layers.dilatedConvBySpaceToBatch(w, b, x, 3, rate, rate, in, out);
        };
        SDVariable weights = sd.placeHolder(LOSS_WEIGHTS, DataType.FLOAT, layout.place(-1, out, -1, -1));
        y.mul(weights).sum(LOSS);
        sd.setLossVariables(LOSS);
        List<String> wrt = List.of(INPUT, "aspp.weight", "aspp.bias");
        INDArray smallWeights = gaussian(r, 1.0, layout.place(1, out, 3, 3));
        sd.calculateGradientsAndOutputs(Map.of(LOSS_WEIGHTS, smallWeights), List.of(LOSS), wrt);

        x.setArray(gaussian(r, 1.0, layout.place(batch, in, size, size)));
        Map<String, INDArray> feed = Map.of(LOSS_WEIGHTS, gaussian(r, 1.0, layout.place(batch, out, size, size)));
        Runnable step = () -> sd.calculateGradientsAndOutputs(feed, List.of(LOSS), wrt);
        long rssBefore = statusKb("VmRSS");
        long t = System.nanoTime();
        step.run();
        double firstMs = (System.nanoTime() - t) / 1e6;
        long firstPeak = statusKb("VmHWM");
        System.out.printf(Locale.ROOT, "warmup i=0 ms=%.1f%n", firstMs);
        for (int i = 1; i < warmup; i++) {
            t = System.nanoTime();
            step.run();
            System.out.printf(Locale.ROOT, "warmup i=%d ms=%.1f%n", i, (System.nanoTime() - t) / 1e6);
        }
        OpTimeListener ops = opt.containsKey("profile") ? new OpTimeListener() : null;
        if (ops != null) sd.addListeners(ops);
        boolean reset = resetPeak();
        double[] times = new double[repeats];
        double[] cpu = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long cpu0 = ResNetBenchmark.processCpuNanos();
            t = System.nanoTime();
            step.run();
            times[i] = (System.nanoTime() - t) / 1e6;
            cpu[i] = (ResNetBenchmark.processCpuNanos() - cpu0) / 1e6;
        }
        long stepPeak = reset ? statusKb("VmHWM") : -1;
        System.out.printf(Locale.ROOT, "result name=aspp_%s_r%d_b%d%s median_ms=%.1f min_ms=%.1f max_ms=%.1f cpu_ms=%.1f"
                        + " first_step_ms=%.1f rss_before_mb=%d first_step_peak_rss_mb=%d first_step_added_mb=%d"
                        + " step_peak_rss_mb=%d repeats=%d%n",
                form, rate, batch, in == 2048 && out == 21 ? "" : "_" + in + "to" + out,
                ResNetBenchmark.median(times), Arrays.stream(times).min().orElse(0),
                Arrays.stream(times).max().orElse(0), ResNetBenchmark.median(cpu), firstMs, rssBefore >> 10,
                firstPeak >> 10, (firstPeak - rssBefore) >> 10, stepPeak < 0 ? -1 : stepPeak >> 10,
                repeats);
        if (ops != null) {
            List<Map.Entry<String, long[]>> entries = new ArrayList<>(ops.byOp().entrySet());
            entries.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed());
            for (Map.Entry<String, long[]> e : entries) {
                System.out.printf(Locale.ROOT, "op form=%s op=%s ms=%.1f calls=%d%n", form, e.getKey(),
                        e.getValue()[0] / 1e6 / repeats, e.getValue()[1] / repeats);
            }
        }
    }

    private static INDArray gaussian(Random r, double std, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * std);
        return Nd4j.create(v, shape, DataType.FLOAT);
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

    /** Resets VmHWM to the current resident set (Linux 4.0+); false where that is not possible. */
    private static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
