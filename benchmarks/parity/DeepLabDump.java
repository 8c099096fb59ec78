import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.wsss4j.data.image.ImageFiles;
import org.wsss4j.data.image.RgbImage;
import org.wsss4j.seg.DeepLabInput;
import org.wsss4j.seg.DeepLabModel;
import org.wsss4j.seg.DeepLabV2;
import org.wsss4j.seg.SegmentationModels;

/**
 * Writes wsss4j's DeepLab-v2 intermediate values for deeplab_parity.py (--logits DIR, --stages):
 * per id the decoded image {@code <id>_rgb.npy} [H, W, 3] (R, G, B as ImageFiles.readRgb gives
 * them), the MSC-fused logits {@code <id>.npy} [K, h, w], and with {@code --stages} the stem,
 * layer1..4 outputs of the scale-1.0 pass ({@code <id>_stem.npy}, {@code <id>_layer1.npy} ...,
 * NCHW without N), the scale-1.0 logits {@code <id>_logits.npy} and each scale's logits
 * {@code <id>_logits_x0.5.npy}, float32. Compiled against the built jar, not part of wsss4j:
 *   javac -cp "target/wsss4j.jar:target/lib/*" -d DIR benchmarks/parity/DeepLabDump.java
 *   java -cp "target/wsss4j.jar:target/lib/*:DIR" DeepLabDump WEIGHTS VOC_ROOT OUT [--stages] ID...
 */
public final class DeepLabDump {
    public static void main(String[] a) throws IOException {
        Path weights = Path.of(a[0]);
        Path voc = Path.of(a[1]);
        Path out = Path.of(a[2]);
        Files.createDirectories(out);
        DeepLabV2 net = ((DeepLabModel) SegmentationModels.open(weights, SegmentationModels.DEEPLABV2)).network();
        boolean stages = false;
        for (int i = 3; i < a.length; i++) {
            if (a[i].equals("--stages")) {
                stages = true;
                continue;
            }
            String id = a[i];
            RgbImage img = ImageFiles.readRgb(voc.resolve("JPEGImages").resolve(id + ".jpg"));
            float[] rgb = new float[img.height * img.width * 3];
            byte[] px = img.data;
            for (int j = 0; j < rgb.length; j++) {
                rgb[j] = px[j] & 0xff;
            }
            write(out.resolve(id + "_rgb.npy"), rgb, new long[] {img.height, img.width, 3});
            Map<String, String> names = new LinkedHashMap<>();
            names.put(DeepLabV2.FUSED, id);
            if (stages) {
                names.put(net.backbone().stem().name(), id + "_stem");
                List<SDVariable> st = net.backbone().stages();
                for (int s = 0; s < st.size(); s++) {
                    names.put(st.get(s).name(), id + "_layer" + (s + 1));
                }
                names.put(DeepLabV2.LOGITS, id + "_logits");
                for (SDVariable v : net.scaledLogitsVariables()) {
                    names.put(v.name(), id + "_" + v.name());
                }
            }
            Map<String, INDArray> o = net.outputs(DeepLabInput.nchw(img), new ArrayList<>(names.keySet()).toArray(new String[0]));
            for (Map.Entry<String, String> e : names.entrySet()) {
                INDArray v = o.get(e.getKey());
                long[] shape = v.shape();
                long[] s3 = java.util.Arrays.copyOfRange(shape, 1, shape.length);
                write(out.resolve(e.getValue() + ".npy"), v.castTo(DataType.FLOAT).dup('c').reshape(-1).toFloatVector(), s3);
            }
            System.out.println(id + ": " + img.height + "x" + img.width);
        }
    }

    /** A little-endian float32 .npy (format 1.0). */
    private static void write(Path file, float[] v, long[] shape) throws IOException {
        StringBuilder s = new StringBuilder("(");
        for (long d : shape) {
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
