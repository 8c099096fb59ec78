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
import org.wsss4j.classifier.CamNetwork;
import org.wsss4j.nn.WeightLoader;

/**
 * Anti-adversarial climbing at one scale (AdvCAM, Lee et al. CVPR 2021, Eq. 1-5; spec 3.2): the
 * image pair (image, flip) is moved ALONG the gradient of its class score, T steps, and the
 * attribution maps of the visited images are summed. Several classes climb together, one pair per
 * class in one batch, and so can the classes of several images of the same size; since frozen
 * batch norm couples nothing across the batch, each pair gets exactly the gradient it would get
 * alone, and the step normalisation and clamp are kept per pair.
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
 *
 * <p>g is computed without SameDiff's autodiff: dL/dz is written out by hand from the formulas
 * above (with rho and M constant),
 * <pre>
 *   dL/dz_{b,k,p} = s_{b,k} / (h'w') [1[z_{b,k,p} > 0]]                      (from L_cls)
 *                 + 1[k = c] rho_b 1[z_{b,c,p} > 0] G_b,p                     (from L_AD)
 *   s_{b,k} = +1 for k = c, -1 otherwise;   G = -lambda M sign(A^t - A^0) = dL/dA^t,
 *   G_b = G for the image, flip(G) for the flipped image (the flip is its own inverse),
 * </pre>
 * (the bracket and rho in the reference variant only), and fed to the network's
 * {@link CamNetwork#inputGradientVariable input-gradient pass}, so each step is one
 * {@code sd.output} call. The autodiff path ({@link CamNetwork#camsAndInputGradient(Map, String,
 * String...)} on L) stays selectable for comparison.
 */
public final class AdversarialClimb {
    static final String ONEHOT = "adv_onehot";
    static final String NPOS = "adv_npos";
    static final String A0 = "adv_a0";
    static final String LAMBDA = "adv_lambda";
    static final String TAU = "adv_tau";
    static final String MAP = "adv_map";
    static final String LOSS = "adv_loss";
    static final String INPUT_GRADIENT = "adv_input_gradient";

    private final CamNetwork net;
    private final AdvCamParams params;
    private final float[] positiveWeights;
    private final boolean autodiff;
    /** Graph names of this variant's map, loss and input gradient (the two variants differ in structure). */
    private final String mapName;
    private final String lossName;
    private final String gradientName;

    public AdversarialClimb(CamNetwork net, AdvCamParams params) {
        this(net, params, false);
    }

    /** @param autodiff take g from SameDiff's autodiff of L instead of the hand-derived gradient */
    AdversarialClimb(CamNetwork net, AdvCamParams params, boolean autodiff) {
        this.net = net;
        this.params = params;
        // a backbone without the hand-written input gradient (dilated convs) climbs by autodiff
        this.autodiff = autodiff || !net.hasInputGradientPass();
        this.positiveWeights = positiveWeightCounts(net);
        String suffix = params.variant() == AdvCamParams.Variant.REFERENCE ? "" : "_paper";
        this.mapName = MAP + suffix;
        this.lossName = LOSS + suffix;
        this.gradientName = INPUT_GRADIENT + suffix;
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

    String mapName() {
        return mapName;
    }

    String lossName() {
        return lossName;
    }

    String gradientName() {
        return gradientName;
    }

    /**
     * Builds this variant's loss into the network's graph once; climbs with other lambda, tau or
     * xi on the same network share it (they are fed per step), the other variant adds its own.
     */
    private void buildLoss() {
        SameDiff sd = net.graph();
        if (sd.hasVariable(lossName)) {
            return;
        }
        DataType dt = net.dataType();
        int k = net.numClasses();
        SDVariable z = net.camsVariable();
        SDVariable onehot = placeholder(sd, ONEHOT, dt, -1, k);
        SDVariable npos = placeholder(sd, NPOS, dt, -1);
        SDVariable a0 = placeholder(sd, A0, dt, -1, -1, -1);
        SDVariable lambda = placeholder(sd, LAMBDA, dt);
        SDVariable tau = placeholder(sd, TAU, dt);

        SDVariable zc = z.mul(onehot.reshape(-1, k, 1, 1)).sum(1);                  // [B, h, w]
        SDVariable reluC = sd.nn().relu(zc, 0);
        boolean reference = params.variant() == AdvCamParams.Variant.REFERENCE;
        SDVariable a;
        SDVariable rho = null;
        if (reference) {
            SDVariable p = zc.gt(0.0).castTo(dt).sum(1, 2);                        // P_b  [B]
            SDVariable pairs = p.reshape(-1, 2);                                   // [K, 2]
            SDVariable denom = pairs.sum(true, 1).mul(npos.reshape(-1, 1)).add(1e-12);
            rho = pairs.div(denom).reshape(-1, 1, 1);                              // [B, 1, 1]
            a = reluC.mul(rho);
        } else {
            a = reluC;
        }
        SDVariable a4 = a.reshape(sd.concat(0, sd.constant(Nd4j.createFromArray(-1L, 2L)),
                a.shape().get(SDIndex.interval(1, 3))));                           // [K, 2, h, w]
        SDVariable a0b = a4.get(SDIndex.all(), SDIndex.point(0), SDIndex.all(), SDIndex.all());
        SDVariable a1b = a4.get(SDIndex.all(), SDIndex.point(1), SDIndex.all(), SDIndex.all());
        SDVariable fused = a0b.add(sd.reverse(a1b, 2)).rename(mapName);               // A^t [K, h, w]

        SDVariable scores = params.variant() == AdvCamParams.Variant.REFERENCE
                ? sd.nn().relu(z, 0).mean(2, 3) : z.mean(2, 3);                      // y [B, 20]
        SDVariable lcls = scores.mul(onehot.mul(2.0).sub(1.0)).sum();

        SDVariable ratio = fused.div(fused.max(true, 1, 2));
        SDVariable mask = ratio.gt(tau).castTo(dt);
        SDVariable lad = mask.mul(sd.math().abs(fused.sub(a0))).sum();
        lcls.sub(lambda.mul(lad)).rename(lossName);

        // dL/dz by hand (class javadoc). From L_cls: s_{b,k} / (h'w'), times ReLU'(z) in the
        // reference variant (ReLU'(0) = 0, as SameDiff's ReLU backward).
        SDVariable signs = onehot.mul(2.0).sub(1.0).reshape(-1, k, 1, 1);         // s [B, 20, 1, 1]
        SDVariable positions = sd.sizeAt(z, 2).mul(sd.sizeAt(z, 3)).castTo(dt);
        SDVariable perPosition = signs.div(positions);
        SDVariable dCls = reference ? z.gt(0.0).castTo(dt).mul(perPosition)
                : sd.zerosLike(z).add(perPosition);                                // [B, 20, h, w]
        // From L_AD: dL/dA = -lambda M sign(A - A^0) (d|u|/du = sign(u), sign(0) = 0, as
        // SameDiff's abs backward); A = A_0 + flip(A_1) sends it to the image unchanged and to
        // the flipped image flipped back.
        SDVariable gA = mask.mul(sd.math().sign(fused.sub(a0))).mul(lambda.neg()); // [K, h, w]
        SDVariable gB = sd.stack(1, gA, sd.reverse(gA, 2)).reshape(zc.shape());  // [B, h, w]
        SDVariable dzc = gB.mul(zc.gt(0.0).castTo(dt));                            // through ReLU(z_c)
        if (reference) {
            dzc = dzc.mul(rho);
        }
        SDVariable dAd = sd.expandDims(dzc, 1).mul(onehot.reshape(-1, k, 1, 1));  // into class c [B, 20, h, w]
        if (net.hasInputGradientPass()) {
            net.inputGradientVariable(dCls.add(dAd), gradientName);
        }
    }

    private static SDVariable placeholder(SameDiff sd, String name, DataType dt, long... shape) {
        return sd.hasVariable(name) ? sd.getVariable(name) : sd.placeHolder(name, dt, shape);
    }

    /**
     * Climbs {@code classes} from the pair {@code pair} ([2, 3, h, w]) for {@code steps} steps and
     * returns the sum of the maps A^0 .. A^{steps-1}, [K, h', w'] (spec 3.2(g): the last update is
     * never used, so it is not computed).
     */
    public INDArray climb(INDArray pair, int[] classes, int steps) {
        return climb(sameFor(pair, classes.length), classes, steps);
    }

    /**
     * Climbs entry i, class {@code classes[i]} from the pair {@code pairs[i]}, all in one batch:
     * the pairs may come from different images of the same size, since nothing couples them (the
     * class javadoc). Returns the summed maps, [K, h', w'], row i for entry i.
     */
    public INDArray climb(INDArray[] pairs, int[] classes, int steps) {
        if (params.stepSize() == 0) {
            // xi = 0 never moves the image: every step's map is A^0, so the sum is steps x A^0
            // (the control of spec 3 / issue "advcam-control"), at the cost of one forward pass
            return run(pairs, classes, 1, false).sum().muli(steps);
        }
        return run(pairs, classes, steps, false).sum();
    }

    private static INDArray[] sameFor(INDArray pair, int entries) {
        INDArray[] pairs = new INDArray[entries];
        java.util.Arrays.fill(pairs, pair);
        return pairs;
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
        feed.put(TAU, Nd4j.scalar(dt, params.tau()));
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
        return run(sameFor(pair, classes.length), classes, steps, keepAll);
    }

    /** As above, entry i climbing class {@code classes[i]} from {@code pairs[i]}. */
    Trajectory run(INDArray[] pairs, int[] classes, int steps, boolean keepAll) {
        int kk = classes.length;
        if (pairs.length != kk) {
            throw new IllegalArgumentException(pairs.length + " pairs for " + kk + " classes");
        }
        DataType dt = net.dataType();
        INDArray[] inputs = new INDArray[kk];
        for (int i = 0; i < kk; i++) {
            inputs[i] = pairs[i].castTo(dt);
        }
        // a fresh contiguous batch: the steps update it in place, never the caller's pairs
        INDArray x = Nd4j.concat(0, inputs).dup('c');
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
                CamNetwork.CamsAndGradient cg = autodiff ? net.camsAndInputGradient(feed, lossName, mapName)
                        : net.outputsWithInputGradient(feed, gradientName, mapName);
                map = cg.outputs().get(mapName);
                grad = cg.inputGradient();
            } else {
                map = net.graph().output(feed, mapName).get(mapName);
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
