package org.wsss4j.crf;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.RgbImage;

/**
 * Times the dense CRF on a VOC-sized problem: 500 x 375, 21 labels, IR-label parameters, 10
 * mean-field iterations, single thread; reports the thread's CPU time (the wall time on a busy
 * machine says little) and the wall time. Not a test (no timing assertions); run after
 * {@code mvn -o test-compile} with
 * {@code java -cp target/classes:target/test-classes org.wsss4j.crf.CrfBenchmark [image.jpg]}.
 * Without an image it uses a synthetic one: coloured discs on a gradient with pixel noise.
 */
public final class CrfBenchmark {
    private CrfBenchmark() {
    }

    public static void main(String[] args) {
        RgbImage image = args.length > 0 ? ImageFiles.readRgb(Path.of(args[0])) : synthetic(375, 500);
        int labels = 21;
        int n = image.height * image.width;
        Lcg g = new Lcg(1);
        int[] labelMap = new int[n];
        for (int i = 0; i < n; i++) {
            labelMap[i] = g.next() % labels;
        }
        float[] unary = CrfUnary.fromLabels(labelMap, labels, CrfParams.IR_LABELS_GT_PROB, false);
        CrfParams p = CrfParams.IR_LABELS;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 5; round++) {
            long w0 = System.nanoTime();
            long c0 = cpu.getCurrentThreadCpuTime();
            DenseCrf crf = p.build(image, labels, unary);
            long c1 = cpu.getCurrentThreadCpuTime();
            int[] map = crf.map(p.iterations());
            long c2 = cpu.getCurrentThreadCpuTime();
            long w2 = System.nanoTime();
            System.out.printf("%dx%d, %d labels, %d iterations: CPU build %.0f ms + inference %.0f ms ="
                    + " %.0f ms (wall %.0f ms; label[0]=%d)%n", image.width, image.height, labels,
                    p.iterations(), (c1 - c0) / 1e6, (c2 - c1) / 1e6, (c2 - c0) / 1e6, (w2 - w0) / 1e6,
                    map[0]);
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
