package org.wsss4j.data.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * Class pairs that appear together more often than chance, as chair and dining table do in VOC.
 * When a scene gets a second or third object, with probability {@link #PARTNER_PROBABILITY} its
 * class is a partner of a class already present (when one exists among the K classes in use).
 * Co-occurring pairs let a classifier lean on context, one of the reasons CAMs spill or shrink.
 */
public final class CoOccurrence {
    private CoOccurrence() {}

    public static final double PARTNER_PROBABILITY = 0.5;

    /** Pairs of VOC classifier indices. The first three lie within the default 10 classes. */
    public static final List<int[]> PAIRS = List.of(
            new int[] {0, 2},    // aeroplane - bird
            new int[] {5, 6},    // bus - car
            new int[] {4, 8},    // bottle - chair
            new int[] {8, 10},   // chair - diningtable
            new int[] {14, 1},   // person - bicycle
            new int[] {14, 12},  // person - horse
            new int[] {14, 13},  // person - motorbike
            new int[] {7, 17},   // cat - sofa
            new int[] {9, 16},   // cow - sheep
            new int[] {19, 17},  // tvmonitor - sofa
            new int[] {3, 18});  // boat - train

    /** The pairs whose both classes are among the first {@code k}. */
    public static List<int[]> within(int k) {
        List<int[]> out = new ArrayList<>();
        for (int[] p : PAIRS) {
            if (p[0] < k && p[1] < k) {
                out.add(p);
            }
        }
        return out;
    }

    /** Partners (among the first {@code k}) of any class in {@code present}, in pair order. */
    static List<Integer> partners(List<Integer> present, int k) {
        List<Integer> out = new ArrayList<>();
        for (int[] p : within(k)) {
            if (present.contains(p[0])) {
                out.add(p[1]);
            }
            if (present.contains(p[1])) {
                out.add(p[0]);
            }
        }
        return out;
    }
}
