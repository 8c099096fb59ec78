package org.wsss4j.crf;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.RgbImage;

/**
 * Times the dense CRF on a VOC-sized problem, 500 x 375, 21 labels, 10 mean-field iterations, in
 * one thread, in one of two settings:
 * <ul>
 * <li>{@code --setting deeplab}: DeepLab's test-time post-processing (spec 8,
 * {@link CrfParams#DEEPLAB}), unaries from a softmax with clip 1e-5. The probabilities are a
 * smooth random 21-class map (a few low-frequency cosines per class, softmax), fixed seed, so the
 * CRF sees confident regions with soft borders as it does after a segmentation network.
 * <li>{@code --setting ir-labels}: cam_to_ir_label's refinement (spec 5,
 * {@link CrfParams#IR_LABELS}), unaries from a random per-pixel label map with gt_prob 0.7.
 * </ul>
 * The colour image is {@code --image FILE} cropped to 375 x 500 at {@code --crop Y,X} (top-left
 * corner), or without {@code --image} a synthetic one (coloured discs on a gradient with noise).
 *
 * <p>Reports the thread's CPU time (on a shared machine the wall time says little) for building
 * the CRF (unary layout, both lattices and their normalisations) and for inference (10 updates
 * and the argmax) separately: the median over {@code --rounds} rounds after {@code --warmup}
 * rounds, as {@code result name=crf_<setting>_500x375 build_ms=.. inference_ms=.. total_ms=..
 * wall_ms=..}. {@code --dump DIR} also writes the inputs and the labels as .npy files, which
 * benchmarks/crf_pydensecrf.py reads to time pydensecrf's C++ engine on exactly the same
 * problem. Not a test (no timing assertions); run after {@code mvn -o test-compile} with
 * {@code java -cp target/classes:target/test-classes org.wsss4j.crf.CrfBenchmark [options]}.
 */
public final class CrfBenchmark {
    private static final int HEIGHT = 375;
    private static final int WIDTH = 500;
    private static final int LABELS = 21;

    private CrfBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        String setting = "ir-labels";
        String imageFile = null;
        int cropY = 0;
        int cropX = 0;
        int warmup = 3;
        int rounds = 7;
        Path dump = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--setting" -> setting = v;
                case "--image" -> imageFile = v;
                case "--crop" -> {
                    String[] yx = v.split(",");
                    cropY = Integer.parseInt(yx[0].trim());
                    cropX = Integer.parseInt(yx[1].trim());
                }
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--dump" -> dump = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a + " (use --setting "
                        + "deeplab|ir-labels, --image FILE, --crop Y,X, --warmup W, --rounds R, --dump DIR)");
            }
        }
        RgbImage image = imageFile == null ? synthetic(HEIGHT, WIDTH)
                : crop(ImageFiles.readRgb(Path.of(imageFile)), cropY, cropX, HEIGHT, WIDTH);
        int n = HEIGHT * WIDTH;
        CrfParams p;
        float[] unary;
        float[] probs = null;
        switch (setting) {
            case "deeplab" -> {
                p = CrfParams.DEEPLAB;
                probs = smoothSoftmax(HEIGHT, WIDTH, LABELS, 11);
                unary = CrfUnary.fromSoftmax(probs, LABELS, CrfParams.DEEPLAB_CLIP);
            }
            case "ir-labels" -> {
                p = CrfParams.IR_LABELS;
                Lcg g = new Lcg(1);
                int[] labelMap = new int[n];
                for (int i = 0; i < n; i++) {
                    labelMap[i] = g.next() % LABELS;
                }
                unary = CrfUnary.fromLabels(labelMap, LABELS, CrfParams.IR_LABELS_GT_PROB, false);
            }
            default -> throw new IllegalArgumentException("--setting must be deeplab or ir-labels: " + setting);
        }
        String name = "crf_" + setting.replace('-', '_') + "_" + WIDTH + "x" + HEIGHT;
        System.out.printf("info setting=%s image=%s params=%s%n", setting,
                imageFile == null ? "synthetic" : imageFile + "[" + cropY + ":" + (cropY + HEIGHT) + ","
                        + cropX + ":" + (cropX + WIDTH) + "]", p);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        double[] build = new double[rounds];
        double[] infer = new double[rounds];
        double[] wall = new double[rounds];
        int[] map = null;
        for (int round = -warmup; round < rounds; round++) {
            long w0 = System.nanoTime();
            long c0 = cpu.getCurrentThreadCpuTime();
            DenseCrf crf = p.build(image, LABELS, unary);
            long c1 = cpu.getCurrentThreadCpuTime();
            map = crf.map(p.iterations());
            long c2 = cpu.getCurrentThreadCpuTime();
            long w2 = System.nanoTime();
            System.out.printf("info round=%d build_ms=%.1f inference_ms=%.1f wall_ms=%.1f%n", round,
                    (c1 - c0) / 1e6, (c2 - c1) / 1e6, (w2 - w0) / 1e6);
            if (round >= 0) {
                build[round] = (c1 - c0) / 1e6;
                infer[round] = (c2 - c1) / 1e6;
                wall[round] = (w2 - w0) / 1e6;
            }
        }
        double[] total = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            total[r] = build[r] + infer[r];
        }
        System.out.printf("result name=%s build_ms=%.1f inference_ms=%.1f total_ms=%.1f wall_ms=%.1f"
                + " min_total_ms=%.1f rounds=%d%n", name, median(build), median(infer), median(total),
                median(wall), Arrays.stream(total).min().orElse(Double.NaN), rounds);
        if (dump != null) {
            Files.createDirectories(dump);
            writeNpy(dump.resolve("image.npy"), "|u1", new int[] {HEIGHT, WIDTH, 3}, image.data);
            writeNpy(dump.resolve("unary.npy"), "<f4", new int[] {LABELS, n}, floats(unary));
            if (probs != null) {
                writeNpy(dump.resolve("probs.npy"), "<f4", new int[] {LABELS, n}, floats(probs));
            }
            writeNpy(dump.resolve("labels.npy"), "<i4", new int[] {HEIGHT, WIDTH}, ints(map));
            Files.writeString(dump.resolve("params.txt"), String.format(
                    "gaussian_sxy=%s gaussian_compat=%s bilateral_sxy=%s bilateral_srgb=%s"
                            + " bilateral_compat=%s iterations=%d%n", p.gaussianSxy(), p.gaussianCompat(),
                    p.bilateralSxy(), p.bilateralSrgb(), p.bilateralCompat(), p.iterations()));
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    private static RgbImage crop(RgbImage src, int y0, int x0, int h, int w) {
        if (y0 < 0 || x0 < 0 || y0 + h > src.height || x0 + w > src.width) {
            throw new IllegalArgumentException("crop " + h + "x" + w + " at " + y0 + "," + x0
                    + " does not fit the " + src.height + "x" + src.width + " image");
        }
        RgbImage out = new RgbImage(h, w);
        for (int y = 0; y < h; y++) {
            System.arraycopy(src.data, ((y0 + y) * src.width + x0) * 3, out.data, y * w * 3, w * 3);
        }
        return out;
    }

    /**
     * Label-major [labels][h*w] probabilities: per class the sum of four cosine waves with periods
     * of 60 to 250 pixels and random phases, times 6, then a softmax over classes (in double).
     */
    static float[] smoothSoftmax(int h, int w, int labels, int seed) {
        Lcg g = new Lcg(seed);
        int n = h * w;
        double[] logits = new double[labels * n];
        for (int l = 0; l < labels; l++) {
            for (int k = 0; k < 4; k++) {
                double period = 60 + 190 * g.uniform();
                double angle = 2 * Math.PI * g.uniform();
                double phase = 2 * Math.PI * g.uniform();
                double amp = 6 * g.uniform();
                double fx = Math.cos(angle) / period * 2 * Math.PI;
                double fy = Math.sin(angle) / period * 2 * Math.PI;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        logits[l * n + y * w + x] += amp * Math.cos(fx * x + fy * y + phase);
                    }
                }
            }
        }
        float[] probs = new float[labels * n];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < labels; l++) {
                max = Math.max(max, logits[l * n + i]);
            }
            double sum = 0;
            for (int l = 0; l < labels; l++) {
                sum += Math.exp(logits[l * n + i] - max);
            }
            for (int l = 0; l < labels; l++) {
                probs[l * n + i] = (float) (Math.exp(logits[l * n + i] - max) / sum);
            }
        }
        return probs;
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static byte[] ints(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return b.array();
    }

    /** NPY format 1.0: magic, header length, a Python dict literal padded to 64 bytes, raw data. */
    private static void writeNpy(Path file, String dtype, int[] shape, byte[] data) throws IOException {
        StringBuilder s = new StringBuilder("(");
        for (int v : shape) {
            s.append(v).append(", ");
        }
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': "
                + s.substring(0, s.length() - 2) + "), }";
        int pad = 64 - (10 + dict.length() + 1) % 64;
        String header = dict + " ".repeat(pad % 64) + "\n";
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(header.length() & 0xFF);
            out.write(header.length() >> 8);
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(data);
        }
    }

    private static RgbImage synthetic(int h, int w) {
        Lcg g = new Lcg(7);
        RgbImage image = new RgbImage(h, w);
        int[][] discs = new int[12][];
        for (int k = 0; k < discs.length; k++) {
            discs[k] = new int[] {g.next() % w, g.next() % h, 20 + g.next() % 80,
                g.next() & 255, g.next() & 255, g.next() & 255};
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] c = {x * 255 / w, y * 255 / h, 128};
                for (int[] d : discs) {
                    int dx = x - d[0];
                    int dy = y - d[1];
                    if (dx * dx + dy * dy < d[2] * d[2]) {
                        c = new int[] {d[3], d[4], d[5]};
                    }
                }
                for (int ch = 0; ch < 3; ch++) {
                    int v = c[ch] + (int) (g.uniform() * 16 - 8);
                    image.set(y, x, ch, Math.max(0, Math.min(255, v)));
                }
            }
        }
        return image;
    }
}
