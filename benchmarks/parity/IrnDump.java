import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.wsss4j.cam.CamMaps;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.Normalize;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.refine.IrnCheckpoint;
import org.wsss4j.refine.IrnNetwork;
import org.wsss4j.refine.RandomWalk;
import org.wsss4j.refine.RandomWalkParams;

/**
 * Writes wsss4j's intermediate values of make-sem-seg for irn_parity.py --ref DIR: per id the
 * edge map {@code <id>_edge.npy} [h, w] and the walked maps {@code <id>_rw.npy} [K, h, w]
 * (CAM^power, then x T^256), float32. Compiled against the built jar, not part of wsss4j:
 *   javac -cp "target/wsss4j.jar:target/lib/*" -d DIR benchmarks/parity/IrnDump.java
 *   java -cp "target/wsss4j.jar:target/lib/*:DIR" IrnDump RUN METHOD PAD CAM_POWER OUT ID...
 */
public final class IrnDump {
    public static void main(String[] a) throws IOException {
        Path run = Path.of(a[0]);
        String method = a[1];
        int pad = Integer.parseInt(a[2]);
        RandomWalkParams params = RandomWalkParams.IRN.withCamPower(Double.parseDouble(a[3]));
        Path out = Path.of(a[4]);
        Files.createDirectories(out);
        IrnNetwork irn = IrnCheckpoint.open(run.resolve(method).resolve("irn").resolve("irn.npz"), pad);
        for (int i = 5; i < a.length; i++) {
            String id = a[i];
            RgbImage img = ImageFiles.readRgb(run.resolve("data").resolve("JPEGImages").resolve(id + ".jpg"));
            IrnNetwork.EdgeDisplacement ed = irn.infer(Normalize.imagenet(img), img.height, img.width);
            int h = ed.height(), w = ed.width();
            write(out.resolve(id + "_edge.npy"), ed.edge(), new int[] {h, w});
            CamMaps cams = CamMaps.load(run.resolve(method).resolve("maps").resolve(id + ".npz"));
            int k = cams.numKeys(), n = h * w;
            float[][] powered = new float[k][n];
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < n; j++) {
                    float v = cams.strided()[c * n + j];
                    powered[c][j] = params.camPower() == 1.0 ? v : (float) Math.pow(v, params.camPower());
                }
            }
            float[][] walked = RandomWalk.propagate(powered, ed.edge(), h, w, params);
            float[] flat = new float[k * n];
            for (int c = 0; c < k; c++) {
                System.arraycopy(walked[c], 0, flat, c * n, n);
            }
            write(out.resolve(id + "_rw.npy"), flat, new int[] {k, h, w});
        }
    }

    /** A little-endian float32 .npy (format 1.0). */
    private static void write(Path file, float[] v, int[] shape) throws IOException {
        StringBuilder s = new StringBuilder("(");
        for (int d : shape) {
            s.append(d).append(", ");
        }
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + s.append(")") + ", }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(file))) {
            o.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            o.write(header.length() & 0xff);
            o.write(header.length() >> 8);
            o.write(header.getBytes(StandardCharsets.US_ASCII));
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            o.write(b.array());
        }
    }
}
