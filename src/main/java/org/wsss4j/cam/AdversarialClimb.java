package org.wsss4j.cam;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMax;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMin;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.wsss4j.nn.CamNetwork;
import org.wsss4j.nn.WeightLoader;

/**
 * Anti-adversarial climbing at one scale (AdvCAM, Lee et al. CVPR 2021, Eq. 1-5; spec 3.2): the
 * image pair (image, flip) is moved ALONG the gradient of its class score, T steps, and the
 * attribution maps of the visited images are summed. Several classes climb together, one pair per
 * class in one batch; since frozen batch norm couples nothing across the batch, each pair gets
 * exactly the gradient it would get alone, and the step normalisation and clamp are kept per pair.
 *
 * <p>Per pair (class c), step t, with z the class maps [2, 20, h', w'] of the current pair:
 * <pre>
 *   A_b   = rho_b ReLU(z_{b,c}),  rho_b = P_b / ((P_0 + P_1) N_+ + 1e-12)           (3.2(a))
 *   A^t   = A_0 + flip(A_1)                                                       (3.2(a), 11.7)
 *   y_b,k = mean_p ReLU(z_{b,k,p})                                                 (3.2(b))
 *   L_cls = sum_b ( y_{b,c} - sum_{k != c} y_{b,k} )                               (3.2(c))
 *   M^t   = 1[A^t / max A^t > tau]                                                 (3.2(d))
 *   L     = L_cls - lambda sum_p M^t |A^t - A^0|                                   (3.2(e))
 *   x    <- clamp(x + xi g / (max|g| + 1e-12), min x, max x),  g = dL/dx           (3.2(f))
 * </pre>
 * P_b counts the positions where z_{b,c} > 0 and N_+ the positive classifier weights of class c;
 * rho and M are constants for the gradient (computed from boolean comparisons, which SameDiff does
 * not differentiate). The paper variant uses A_b = ReLU(z_{b,c}) and y_{b,k} = mean_p z_{b,k,p}.
 * The graph is built once per network and reused for every step, image and scale.
 */
public final class AdversarialClimb {
    static final String ONEHOT = "adv_onehot";
    static final String NPOS = "adv_npos";
    static final String A0 = "adv_a0";
    static final String LAMBDA = "adv_lambda";
    static final String MAP = "adv_map";
    static final String LOSS = "adv_loss";

    private final CamNetwork net;
    private final AdvCamParams params;
    private final float[] positiveWeights;

    public AdversarialClimb(CamNetwork net, AdvCamParams params) {
        this.net = net;
        this.params = params;
        this.positiveWeights = positiveWeightCounts(net);
        buildLoss();
    }

    /** N_+ of each class: how many of its classifier weights are positive. */
    static float[] positiveWeightCounts(CamNetwork net) {
        INDArray w = WeightLoader.export(net.parameters()).get("classifier.weight");
        INDArray flat = w.reshape(w.size(0), -1);
        float[] n = new float[(int) w.size(0)];
        for (int c = 0; c < n.length; c++) {
            n[c] = flat.getRow(c).gt(0).castTo(DataType.FLOAT).sumNumber().floatValue();
        }
        return n;
    }

    private void buildLoss() {
        SameDiff sd = net.graph();
        if (sd.hasVariable(LOSS)) {
            return;
        }
        DataType dt = net.dataType();
        int k = net.numClasses();
        SDVariable z = net.camsVariable();
        SDVariable onehot = sd.placeHolder(ONEHOT, dt, -1, k);
        SDVariable npos = sd.placeHolder(NPOS, dt, -1);
        SDVariable a0 = sd.placeHolder(A0, dt, -1, -1, -1);
        SDVariable lambda = sd.placeHolder(LAMBDA, dt);

        SDVariable zc = z.mul(onehot.reshape(-1, k, 1, 1)).sum(1);                  // [B, h, w]
        SDVariable reluC = sd.nn().relu(zc, 0);
        SDVariable a;
        if (params.variant() == AdvCamParams.Variant.REFERENCE) {
            SDVariable p = zc.gt(0.0).castTo(dt).sum(1, 2);                        // P_b  [B]
            SDVariable pairs = p.reshape(-1, 2);                                   // [K, 2]
            SDVariable denom = pairs.sum(true, 1).mul(npos.reshape(-1, 1)).add(1e-12);
            SDVariable rho = pairs.div(denom).reshape(-1, 1, 1);                   // [B, 1, 1]
            a = reluC.mul(rho);
        } else {
            a = reluC;
        }
        SDVariable a4 = a.reshape(sd.concat(0, sd.constant(Nd4j.createFromArray(-1L, 2L)),
                a.shape().get(SDIndex.interval(1, 3))));                           // [K, 2, h, w]
        SDVariable a0b = a4.get(SDIndex.all(), SDIndex.point(0), SDIndex.all(), SDIndex.all());
        SDVariable a1b = a4.get(SDIndex.all(), SDIndex.point(1), SDIndex.all(), SDIndex.all());
        SDVariable fused = a0b.add(sd.reverse(a1b, 2)).rename(MAP);               // A^t [K, h, w]

        SDVariable scores = params.variant() == AdvCamParams.Variant.REFERENCE
                ? sd.nn().relu(z, 0).mean(2, 3) : z.mean(2, 3);                      // y [B, 20]
        SDVariable lcls = scores.mul(onehot.mul(2.0).sub(1.0)).sum();

        SDVariable ratio = fused.div(fused.max(true, 1, 2));
        SDVariable mask = ratio.gt(params.tau()).castTo(dt);
        SDVariable lad = mask.mul(sd.math().abs(fused.sub(a0))).sum();
        lcls.sub(lambda.mul(lad)).rename(LOSS);
    }

    /**
     * Climbs {@code classes} from the pair {@code pair} ([2, 3, h, w]) for {@code steps} steps and
     * returns the sum of the maps A^0 .. A^{steps-1}, [K, h', w'] (spec 3.2(g): the last update is
     * never used, so it is not computed).
     */
    public INDArray climb(INDArray pair, int[] classes, int steps) {
        if (params.stepSize() == 0) {
            // xi = 0 never moves the image: every step's map is A^0, so the sum is steps x A^0
            // (the control of spec 3 / issue "advcam-control"), at the cost of one forward pass
            return run(pair, classes, 1, false).sum().muli(steps);
        }
        return run(pair, classes, steps, false).sum();
    }

    /** What a climb visited: the summed maps, each step's map, and the input after the last update. */
    record Trajectory(INDArray sum, java.util.List<INDArray> maps, INDArray input) {}

    /** The feed of one step: the batch, the class selectors, A^0 and lambda (0 at t = 0). */
    Map<String, INDArray> feed(INDArray x, INDArray onehot, INDArray npos, INDArray a0) {
        DataType dt = net.dataType();
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(CamNetwork.INPUT, x);
        feed.put(ONEHOT, onehot);
        feed.put(NPOS, npos);
        // L_AD is zero at t = 0 (A^t = A^0); a zero weight keeps the not yet known A^0 out of it
        feed.put(A0, a0 == null ? Nd4j.zeros(dt, 1, 1, 1) : a0);
        feed.put(LAMBDA, Nd4j.scalar(dt, a0 == null ? 0.0 : params.lambda()));
        return feed;
    }

    INDArray[] selectors(int[] classes) {
        int kk = classes.length;
        DataType dt = net.dataType();
        INDArray onehot = Nd4j.zeros(dt, 2L * kk, net.numClasses());
        INDArray npos = Nd4j.create(dt, kk);
        for (int i = 0; i < kk; i++) {
            onehot.putScalar(2L * i, classes[i], 1.0);
            onehot.putScalar(2L * i + 1, classes[i], 1.0);
            npos.putScalar(i, positiveWeights[classes[i]]);
        }
        return new INDArray[] {onehot, npos};
    }

    /**
     * The climb; with {@code keepAll} every step's map is kept and the last update is made too,
     * so tests can look at the whole trajectory.
     */
    Trajectory run(INDArray pair, int[] classes, int steps, boolean keepAll) {
        int kk = classes.length;
        DataType dt = net.dataType();
        // a fresh contiguous batch: the steps update it in place, never the caller's pair
        INDArray x = Nd4j.concat(0, java.util.Collections.nCopies(kk, pair.castTo(dt)).toArray(new INDArray[0]))
                .dup('c');
        INDArray[] sel = selectors(classes);
        INDArray a0 = null;
        INDArray sum = null;
        java.util.List<INDArray> maps = new java.util.ArrayList<>();
        long n = x.length() / kk;
        for (int t = 0; t < steps; t++) {
            Map<String, INDArray> feed = feed(x, sel[0], sel[1], a0);
            boolean update = keepAll || t < steps - 1;
            INDArray map;
            INDArray grad = null;
            if (update) {
                CamNetwork.CamsAndGradient cg = net.camsAndInputGradient(feed, LOSS, MAP);
                map = cg.outputs().get(MAP);
                grad = cg.inputGradient();
            } else {
                map = net.graph().output(feed, MAP).get(MAP);
            }
            if (t == 0) {
                a0 = map.dup();
                sum = map.dup();
            } else {
                sum.addi(map);
            }
            if (keepAll) {
                maps.add(map.dup());
            }
            if (update) {
                step(x.reshape(kk, n), grad.reshape(kk, n));
            }
        }
        return new Trajectory(sum, maps, x);
    }

    /** x <- clamp(x + xi g / (max|g| + 1e-12), min x, max x), each row one pair (3.2(f)). */
    private void step(INDArray x, INDArray g) {
        INDArray lo = x.min(1);
        INDArray hi = x.max(1);
        // Transforms.abs with dup: ND4J's Nd4j.math().abs(g) overwrites g with |g|, which turned
        // every step into x + xi |g| / max|g| (all pixels pushed up, whatever the gradient's sign)
        INDArray scale = Transforms.abs(g, true).max(1).addi(1e-12).rdivi(params.stepSize());
        x.addi(g.mulColumnVector(scale));
        Nd4j.getExecutioner().exec(new BroadcastMax(x, lo, x, 0));
        Nd4j.getExecutioner().exec(new BroadcastMin(x, hi, x, 0));
    }
}
