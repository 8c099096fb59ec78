package org.wsss4j.eval;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.wsss4j.data.VocClasses;

/**
 * A segmentation score as every table of the project shows it: IoU per class and mIoU in percent
 * (e.g. 48.3), NaN for a class absent from both ground truth and prediction.
 */
public record SegmentationScore(double miou, double[] iou, int images) {

    public static SegmentationScore of(ConfusionMatrix m, int images) {
        double[] iou = m.iou();
        for (int i = 0; i < iou.length; i++) {
            iou[i] *= 100.0;
        }
        return new SegmentationScore(m.miou() * 100.0, iou, images);
    }

    /** {@code {"miou": m, "iou": [21 numbers or null], "images": n}}, as {@code eval --json} writes. */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("miou", Double.isNaN(miou) ? null : miou);
        Double[] values = new Double[iou.length];
        for (int i = 0; i < iou.length; i++) {
            values[i] = Double.isNaN(iou[i]) ? null : iou[i];
        }
        map.put("iou", values);
        map.put("images", images);
        return map;
    }

    /** A per-class table with class names, then the mIoU line. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < iou.length; c++) {
            String name = c < VocClasses.NUM_SEG_CLASSES ? VocClasses.segName(c) : "class " + c;
            sb.append(String.format(Locale.ROOT, "  %-12s %6s%n", name,
                    Double.isNaN(iou[c]) ? "-" : String.format(Locale.ROOT, "%.1f", iou[c])));
        }
        sb.append(String.format(Locale.ROOT, "  %-12s %6.1f   (%d images)%n", "mIoU", miou, images));
        return sb.toString();
    }
}
