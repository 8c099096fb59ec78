package org.wsss4j.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import java.util.function.Supplier;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.nn.NormFolding;
import org.wsss4j.nn.ResNetSpec;

/**
 * Times the CAM classifier (IRN's ResNet-50, output stride 16, 20 classes; spec 1.3) on one
 * batch: the forward pass, and the forward pass plus the gradient of an AdvCAM-style scalar loss
 * of the class maps w.r.t. the input image (spec 3.2: L = sum over positions of ReLU(z_c) for one
 * class c). The PyTorch counterpart is {@code benchmarks/resnet50_torch.py}; {@code benchmarks/run.sh}
 * runs both and compares them.
 *
 * <p>Prints one line per measurement, {@code result name=<name> median_ms=.. min_ms=.. max_ms=..
 * cpu_ms=.. gc_ms=.. repeats=..} (cpu_ms: median process CPU time per step, all threads), after {@code info key=value} lines describing the setup. With
 * {@code --profile} it also prints, per measurement, the time spent inside SameDiff ops by op type
 * ({@code op name=<measurement> op=<type> ms=<per step> calls=<per step>}) and the remainder
 * outside them.
 *
 * <p>Options: {@code --size 448 --batch 2 --warmup 3 --repeats 10 --seed 0 --class 0
 * --only fwd|igrad --loss reverse|graph|vjp --folding on-load|per-pass --profile}. {@code --folding}
 * says where batch norm is folded ({@link NormFolding}): on-load (default) as make-cam's network
 * for inference, per-pass as a network built for training. {@code --loss reverse} (default) builds
 * dL/dz = 1[z_c > 0] in the graph and feeds it to the network's input-gradient pass
 * ({@link CamNetwork#inputGradientVariable}), forward and gradient in one {@code sd.output} call,
 * as AdvCAM's climb does; {@code --loss graph} builds L in the graph and differentiates it with
 * SameDiff's autodiff (which also computes every conv's kernel gradient); {@code --loss vjp} feeds
 * dL/dz to {@link CamNetwork#camsAndInputGradient(INDArray, INDArray)}, which needs the maps first
 * (one more forward pass), as a caller with a hand-written loss would.
 */
public final class ResNetBenchmark {
    static final String CLASS_MASK = "bench_class_mask";
    static final String LOSS = "bench_relu_class_sum";
    static final String INPUT_GRADIENT = "bench_input_gradient";

    private ResNetBenchmark() {}

    public static void main(String[] args) {
        Map<String, String> opt = BenchOptions.parse(args, Set.of("profile"));
        int size = Integer.parseInt(opt.getOrDefault("size", "448"));
        int batch = Integer.parseInt(opt.getOrDefault("batch", "2"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "3"));
        int repeats = Integer.parseInt(opt.getOrDefault("repeats", "10"));
        long seed = Long.parseLong(opt.getOrDefault("seed", "0"));
        int cls = Integer.parseInt(opt.getOrDefault("class", "0"));
        String only = opt.getOrDefault("only", "all");
        String lossMode = opt.getOrDefault("loss", "reverse");
        boolean profile = opt.containsKey("profile");

        BenchOptions.info("java_version", System.getProperty("java.version"));
        BenchOptions.info("nd4j_backend", Nd4j.getBackend().getClass().getSimpleName());
        BenchOptions.info("native_variant", System.getProperty("org.bytedeco.javacpp.platform.extension", "(default)"));
        BenchOptions.info("nd4j_threads", String.valueOf(Nd4j.getEnvironment().maxMasterThreads()));
        BenchOptions.info("max_heap_mb", String.valueOf(Runtime.getRuntime().maxMemory() >> 20));
        BenchOptions.info("input", batch + "x3x" + size + "x" + size);

        long t0 = System.nanoTime();
        NormFolding folding = BenchOptions.folding(opt);
        BenchOptions.info("norm_folding", folding.name());
        CamNetwork net = CamNetwork.build(ResNetSpec.resnet50Irn(), CamNetwork.VOC_CLASSES, DataType.FLOAT, seed,
                CamNetwork.DEFAULT_LAYOUT, folding);
        addReluClassLoss(net);
        if (lossMode.equals("reverse")) {
            addReluClassInputGradient(net);
        }
        BenchOptions.info("graph_build_ms", ms(System.nanoTime() - t0));
        BenchOptions.info("igrad_path", lossMode);
        INDArray x = randomInput(new Random(seed + 1), batch, size);
        INDArray mask = Nd4j.zeros(DataType.FLOAT, 1, net.numClasses(), 1, 1);
        mask.putScalar(new long[] {0, cls, 0, 0}, 1.0);

        OpTimeListener ops = profile ? new OpTimeListener() : null;
        if (ops != null) net.graph().addListeners(ops);

        String suffix = "_" + size;
        if (only.equals("all") || only.equals("fwd")) {
            run("resnet50_fwd" + suffix, warmup, repeats, ops, () -> net.cams(x));
        }
        if (only.equals("all") || only.equals("igrad")) {
            Supplier<INDArray> step = switch (lossMode) {
                case "reverse" -> () -> {
                    Map<String, INDArray> feed = new HashMap<>();
                    feed.put(CamNetwork.INPUT, x);
                    feed.put(CLASS_MASK, mask);
                    return net.outputsWithInputGradient(feed, INPUT_GRADIENT).inputGradient();
                };
                case "graph" -> () -> {
                    Map<String, INDArray> feed = new HashMap<>();
                    feed.put(CamNetwork.INPUT, x);
                    feed.put(CLASS_MASK, mask);
                    return net.camsAndInputGradient(feed, LOSS).inputGradient();
                };
                case "vjp" -> () -> {
                    INDArray z = net.cams(x);
                    INDArray upstream = z.gt(0).castTo(DataType.FLOAT).muli(mask);
                    return net.camsAndInputGradient(x, upstream).inputGradient();
                };
                default -> throw new IllegalArgumentException("--loss must be reverse, graph or vjp: " + lossMode);
            };
            run("resnet50_igrad" + suffix, warmup, repeats, ops, step);
        }
    }

    /**
     * AdvCAM's attack objective for one class (spec 3.2, without the mask regulariser): the sum of
     * ReLU(z) over the positions of the class selected by a one-hot [1, K, 1, 1] mask.
     */
    static SDVariable addReluClassLoss(CamNetwork net) {
        SameDiff sd = net.graph();
        SDVariable mask = sd.placeHolder(CLASS_MASK, net.dataType(), 1, net.numClasses(), 1, 1);
        return sd.nn().relu(net.camsVariable(), 0.0).mul(mask).sum(LOSS);
    }

    /**
     * The input gradient of the same loss without autodiff: dL/dz = 1[z > 0] on the selected
     * class (ReLU'(z), the mask), fed to the network's input-gradient pass.
     */
    static SDVariable addReluClassInputGradient(CamNetwork net) {
        SameDiff sd = net.graph();
        SDVariable z = net.camsVariable();
        SDVariable upstream = z.gt(0.0).castTo(net.dataType()).mul(sd.getVariable(CLASS_MASK));
        return net.inputGradientVariable(upstream, INPUT_GRADIENT);
    }

    /** Uniform [-2, 2) values, about the range of a normalised image; the same for the same seed. */
    static INDArray randomInput(Random r, int batch, int size) {
        float[] v = new float[batch * 3 * size * size];
        for (int i = 0; i < v.length; i++) v[i] = 4 * r.nextFloat() - 2;
        return Nd4j.create(v, new long[] {batch, 3, size, size}, DataType.FLOAT);
    }

    private static void run(String name, int warmup, int repeats, OpTimeListener ops, Supplier<INDArray> step) {
        for (int i = 0; i < warmup; i++) {
            long t = System.nanoTime();
            step.get();
            System.out.println("warmup name=" + name + " i=" + i + " ms=" + ms(System.nanoTime() - t));
        }
        if (ops != null) ops.reset();
        double[] times = new double[repeats];
        double[] gc = new double[repeats];
        double[] cpu = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long gc0 = gcMillis();
            long cpu0 = processCpuNanos();
            long t = System.nanoTime();
            step.get();
            times[i] = (System.nanoTime() - t) / 1e6;
            cpu[i] = (processCpuNanos() - cpu0) / 1e6;
            gc[i] = gcMillis() - gc0;
        }
        double median = median(times);
        System.out.printf(Locale.ROOT, "result name=%s median_ms=%.1f min_ms=%.1f max_ms=%.1f cpu_ms=%.1f gc_ms=%.1f repeats=%d%n",
                name, median, Arrays.stream(times).min().orElse(0), Arrays.stream(times).max().orElse(0),
                median(cpu), median(gc), repeats);
        if (ops != null) {
            double inOps = ops.totalNanos() / 1e6 / repeats;
            List<Map.Entry<String, long[]>> entries = new ArrayList<>(ops.byOp().entrySet());
            entries.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed());
            for (Map.Entry<String, long[]> e : entries) {
                System.out.printf(Locale.ROOT, "op name=%s op=%s ms=%.1f calls=%d%n", name, e.getKey(),
                        e.getValue()[0] / 1e6 / repeats, e.getValue()[1] / repeats);
            }
            double mean = Arrays.stream(times).average().orElse(0);
            System.out.printf(Locale.ROOT, "split name=%s mean_ms=%.1f in_ops_ms=%.1f outside_ms=%.1f%n",
                    name, mean, inOps, mean - inOps);
        }
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * CPU time of the whole process (all threads, user + system), or 0 where the JVM does not
     * report it. Less disturbed than wall time when other processes share the cores, though
     * OpenMP threads that spin while waiting count as busy.
     */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    private static long gcMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, b.getCollectionTime());
        }
        return sum;
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
