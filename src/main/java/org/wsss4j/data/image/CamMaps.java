package org.wsss4j.data.image;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.wsss4j.BadInputException;
import org.wsss4j.io.NpzFiles;

/**
 * The attribution maps of one image as the reference stores them (spec 2): {@code keys} = the
 * present classes (indices 0..19), {@code cam} = [K, ceil(H/4), ceil(W/4)] for the random walk,
 * {@code high_res} = [K, H, W] for seeds and IR labels; each class map divided by its max + 1e-5.
 * Saved as {@code <id>.npz}, readable by {@code numpy.load}.
 */
public record CamMaps(int[] keys, float[] strided, int stridedHeight, int stridedWidth, float[] highRes,
                      int height, int width) {

    public CamMaps {
        int k = keys.length;
        if (strided.length != k * stridedHeight * stridedWidth || highRes.length != k * height * width) {
            throw new IllegalArgumentException("map sizes do not match " + k + " classes");
        }
    }

    public int numKeys() {
        return keys.length;
    }

    /** Writes {@code keys}, {@code cam}, {@code high_res} atomically. */
    public void save(Path file) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        int k = keys.length;
        m.put("keys", Nd4j.createFromArray(keys));
        m.put("cam", Nd4j.create(strided, new long[] {k, stridedHeight, stridedWidth}));
        m.put("high_res", Nd4j.create(highRes, new long[] {k, height, width}));
        NpzFiles.write(file, m);
    }

    public static CamMaps load(Path file) {
        Map<String, INDArray> m = NpzFiles.read(file);
        INDArray keys = m.get("keys"), cam = m.get("cam"), hr = m.get("high_res");
        if (keys == null || cam == null || hr == null || cam.rank() != 3 || hr.rank() != 3
                || keys.length() != cam.size(0) || keys.length() != hr.size(0)) {
            throw new BadInputException(file + ": not a CAM file (needs keys [K], cam [K,h,w], high_res [K,H,W]);"
                    + " regenerate it with make-cam");
        }
        int[] k = keys.toIntVector();
        return new CamMaps(k, cam.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).data().asFloat(),
                (int) cam.size(1), (int) cam.size(2),
                hr.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).data().asFloat(),
                (int) hr.size(1), (int) hr.size(2));
    }
}
