#!/usr/bin/env python3
"""DeepLab-v2 `predict` parity: wsss4j against deeplab-pytorch's own model code.

The network is deeplab-pytorch's DeepLabV2_ResNet101_MSC, imported from a checkout of
kazuto1011/deeplab-pytorch (--deeplab-pytorch or $DEEPLAB_PYTORCH); nothing of it is copied here.

Two jobs:

--make-weights OUT.npz   a DeepLabV2_ResNet101_MSC(n_classes=21) state_dict under deeplab-pytorch's
    own keys (base.layer1.conv1.conv.weight, ...; num_batches_tracked dropped), from a fixed seed:
    the model's own initialisation, then every frozen batch norm given non-trivial statistics
    (running mean/var measured on a smooth random input so activations stay O(1) through the 101
    layers, then perturbed, with gamma in [0.5, 1.5] and beta ~ N(0, 0.2)) so a wrong folding of
    mean, variance, gamma, beta or eps shows; --aspp-scale multiplies the ASPP's weights and biases
    (the logits) so that fewer pixels are near-ties.

--voc-root R --list L --pred DIR [--pred-crf DIR]   per image of the list, the reference test path
    recomputed in float32 with deeplab-pytorch's model (eval, its MSC forward: logits at 1.0, 0.5
    and 0.75, pixelwise max) exactly as its main.py test/crf do (spec 8): cv2 BGR float32 minus the
    mean (104.008, 116.669, 122.675), the MSC logits, F.interpolate(bilinear, align_corners=False)
    to the image size, softmax, argmax; with the CRF, its libs/utils/crf.DenseCRF (pydensecrf:
    unary_from_softmax, Gaussian sxy 1 compat 3, bilateral sxy 67 srgb 3 compat 4, 10 iterations;
    the config's values, read from its configs/voc12.yaml) on the image's RGB pixels, or with
    --crf-image reference-quirk on the mean-subtracted BGR cast to uint8 as its main.py crf does.
    Then compared with the PNGs of `wsss4j predict --no-crf` (--pred) and `wsss4j predict`
    (--pred-crf): pixel agreement; where --pred holds <id>.npz (`predict --save-probs`), the max
    |probability difference| and the max |log-probability difference| over entries with p >= 1e-4;
    where --logits DIR holds wsss4j's MSC logits <id>.npy ([21, h, w], DeepLabDump.java), the max
    |logit difference|. Near-ties: pixels whose top-2 upsampled logits (recomputed) are less than --tie-gap apart; the
    last column is the largest such gap among the pixels whose label differs without the CRF.
"""
import argparse
import os
import sys
import time

import numpy as np

MEAN_BGR = (104.008, 116.669, 122.675)  # configs/voc12.yaml IMAGE.MEAN (spec 8)
N_CLASSES = 21


def import_reference(path):
    if not path or not os.path.isdir(os.path.join(path, "libs", "models")):
        raise SystemExit(f"{path!r}: not a deeplab-pytorch checkout (no libs/models); "
                         "pass --deeplab-pytorch DIR or set DEEPLAB_PYTORCH")
    sys.path.insert(0, path)
    from libs.models import DeepLabV2_ResNet101_MSC  # noqa: E402
    return DeepLabV2_ResNet101_MSC


def crf_config(path):
    """CRF settings of configs/voc12.yaml (read as plain text: no omegaconf needed)."""
    vals = {}
    in_crf = False
    with open(os.path.join(path, "configs", "voc12.yaml")) as f:
        for line in f:
            if not line.startswith(" ") and line.strip():
                in_crf = line.strip() == "CRF:"
                continue
            if in_crf and ":" in line:
                k, v = line.split("#")[0].split(":", 1)
                vals[k.strip()] = float(v)
    return vals


# ---------------------------------------------------------------- weights
def make_weights(Model, out, seed, aspp_scale):
    import torch
    torch.manual_seed(seed)
    model = Model(n_classes=N_CLASSES)
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for m in bns:
            m.weight.copy_(torch.empty(m.num_features).uniform_(0.5, 1.5, generator=g))
            m.bias.copy_(0.2 * torch.randn(m.num_features, generator=g))

    # Each frozen norm's statistics from what actually reaches it in an eval-mode pass on a smooth
    # random input, with every earlier norm already set (a pre-forward hook runs before the norm
    # uses them), then perturbed: mean + 0.2 std N(0, 1), var x exp(U(-0.3, 0.3)). Measured
    # downstream of the perturbed norms, so activations stay O(1) through all 33 blocks.
    def calibrate(m, inputs):
        x = inputs[0]
        mean = x.mean(dim=(0, 2, 3))
        var = x.var(dim=(0, 2, 3))
        n = m.num_features
        m.running_mean.copy_(mean + 0.2 * var.sqrt() * torch.randn(n, generator=g))
        m.running_var.copy_(var * torch.exp(torch.empty(n).uniform_(-0.3, 0.3, generator=g)) + 1e-3)

    hooks = [m.register_forward_pre_hook(calibrate) for m in bns]
    x = torch.randn(2, 3, 31, 31, generator=g) * 60.0
    x = torch.nn.functional.interpolate(x, size=(241, 241), mode="bilinear", align_corners=False)
    model.eval()
    with torch.no_grad():
        model.base(x)
    for h in hooks:
        h.remove()
    with torch.no_grad():
        for c in model.base.aspp.children():
            c.bias.copy_(0.01 * torch.randn(c.bias.shape, generator=g))
            c.weight *= aspp_scale
            c.bias *= aspp_scale
    with torch.no_grad():
        z = model(x)
    top2 = z.topk(2, dim=1).values
    print(f"logits on the calibration input: std {z.std():.3g}, max |z| {z.abs().max():.3g}, "
          f"median top-2 gap {(top2[:, 0] - top2[:, 1]).median():.3g}")
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()
          if not k.endswith("num_batches_tracked")}
    np.savez(out, **sd)
    print(f"wrote {out}: {len(sd)} tensors, seed {seed}, ASPP scale {aspp_scale}")


def load_model(Model, weights):
    import torch
    model = Model(n_classes=N_CLASSES)
    z = np.load(weights)
    sd = {k: torch.from_numpy(z[k]) for k in z.files}
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise SystemExit(f"{weights}: missing {missing[:5]}, unexpected {unexpected[:5]}")
    model.eval()
    return model


# ---------------------------------------------------------------- reference test path
def read_bgr(path):
    import cv2
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        raise SystemExit(f"{path}: cannot read")
    return img


def reference(model, bgr, dtype):
    """Upsampled MSC logits [C, H, W] and the fused stride-8 logits, as deeplab-pytorch's test."""
    import torch
    import torch.nn.functional as F
    image = bgr.astype(np.float32)
    image -= np.array(MEAN_BGR)  # float64 mean, stored float32, as its _BaseDataset.__getitem__
    x = torch.from_numpy(image.transpose(2, 0, 1).copy())[None]
    m = model
    if dtype == "float64":
        m = model.double()
        x = x.double()
    with torch.no_grad():
        logits = m(x)
        up = F.interpolate(logits, size=bgr.shape[:2], mode="bilinear", align_corners=False)
    return up[0].numpy(), logits[0].numpy()


def crf_image(bgr, mode):
    if mode == "rgb":
        return np.ascontiguousarray(bgr[:, :, ::-1])
    # main.py crf: the dataset's CHW mean-subtracted BGR float32, .astype(np.uint8), to HWC
    image = bgr.astype(np.float32)
    image -= np.array(MEAN_BGR)
    return np.ascontiguousarray(image.transpose(2, 0, 1).astype(np.uint8).transpose(1, 2, 0))


def read_png(path):
    from PIL import Image
    return np.asarray(Image.open(path))  # palette PNG: the indices


def list_ids(voc, lst):
    path = lst if os.path.isfile(lst) else os.path.join(voc, "ImageSets", "Segmentation", lst + ".txt")
    with open(path) as f:
        return [line.split()[0] for line in f if line.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deeplab-pytorch", default=os.environ.get("DEEPLAB_PYTORCH"),
                    help="deeplab-pytorch checkout (default $DEEPLAB_PYTORCH)")
    ap.add_argument("--make-weights", metavar="OUT.npz")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--aspp-scale", type=float, default=1.0)
    ap.add_argument("--weights", help="the .npz given to wsss4j predict")
    ap.add_argument("--voc-root")
    ap.add_argument("--list", default="photos")
    ap.add_argument("--ids", nargs="*")
    ap.add_argument("--pred", help="wsss4j predict --no-crf output folder")
    ap.add_argument("--pred-crf", help="wsss4j predict (CRF) output folder")
    ap.add_argument("--logits", help="folder of wsss4j's MSC logits <id>.npy (DeepLabDump.java)")
    ap.add_argument("--crf-image", choices=["rgb", "reference-quirk"], default="rgb")
    ap.add_argument("--pydensecrf", help="folder holding the built pydensecrf package (prepended to sys.path)")
    ap.add_argument("--double", action="store_true", help="also recompute in float64 and compare float32 to it")
    ap.add_argument("--tie-gap", type=float, nargs="+", default=[1e-3, 1e-2],
                    help="top-2 logit gaps below which a pixel counts as a near-tie (default 1e-3 1e-2)")
    ap.add_argument("--save", help="write the recomputed <id>_logits.npy / <id>.png / <id>_crf.png here")
    ap.add_argument("--reuse", help="folder of an earlier --save: take <id>_logits.npy from it instead of"
                    " running the network (e.g. to compare the CRF runs)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    Model = import_reference(args.deeplab_pytorch)
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(args.threads)
    if args.make_weights:
        make_weights(Model, args.make_weights, args.seed, args.aspp_scale)
        return
    if not (args.weights and args.voc_root and (args.pred or args.pred_crf)):
        raise SystemExit("need --weights, --voc-root and --pred and/or --pred-crf (or --make-weights)")
    post = None
    if args.pred_crf:
        if args.pydensecrf:
            sys.path.insert(0, args.pydensecrf)
        from libs.utils.crf import DenseCRF
        c = crf_config(args.deeplab_pytorch)
        post = DenseCRF(iter_max=int(c["ITER_MAX"]), pos_w=c["POS_W"], pos_xy_std=c["POS_XY_STD"],
                        bi_w=c["BI_W"], bi_xy_std=c["BI_XY_STD"], bi_rgb_std=c["BI_RGB_STD"])
        print("CRF (configs/voc12.yaml):", c, "image:", args.crf_image)
    cache = []

    def model():  # loaded on first use (not at all when every id's logits are reused)
        if not cache:
            cache.append(load_model(Model, args.weights))
        return cache[0]
    ids = args.ids or list_ids(args.voc_root, args.list)
    if args.save:
        os.makedirs(args.save, exist_ok=True)

    hdr = ["id", "HxW", "agree", "differ", "crf agree", "crf differ", "max|dp|", "max|dlogp|",
           "max|dlogit|"]
    for t in args.tie_gap:
        hdr += [f"ties<{t:g}", f"differ@<{t:g}"]
    hdr += ["max gap@differ"]
    if args.double:
        hdr += ["f32-f64 |dlogit|", "f32/f64 differ"]
    print(" | ".join(hdr))
    tot = {"n": 0, "d": 0, "cd": 0}
    worst = {"agree": 1.0, "crf": 1.0}
    for pid in ids:
        t0 = time.time()
        bgr = read_bgr(os.path.join(args.voc_root, "JPEGImages", pid + ".jpg"))
        h, w = bgr.shape[:2]
        saved = os.path.join(args.reuse, pid + "_logits.npy") if args.reuse else None
        if saved and os.path.isfile(saved):  # fused logits of an earlier run's --save: skip the network
            fused = np.load(saved)
            up = F.interpolate(torch.from_numpy(fused)[None], size=(h, w), mode="bilinear",
                               align_corners=False)[0].numpy()
        else:
            up, fused = reference(model(), bgr, "float32")
        prob = torch.softmax(torch.from_numpy(up)[None], dim=1)[0].numpy()
        label = prob.argmax(0)
        top2 = np.sort(up, axis=0)[-2:]
        gap = top2[1] - top2[0]
        row = [pid, f"{h}x{w}"]
        n = h * w
        tot["n"] += n
        if args.pred:
            lw = read_png(os.path.join(args.pred, pid + ".png"))
            if lw.shape != (h, w):
                raise SystemExit(f"{pid}: wsss4j label is {lw.shape}, image {h}x{w}")
            diff = lw != label
            tot["d"] += int(diff.sum())
            worst["agree"] = min(worst["agree"], 1 - diff.mean())
            row += [f"{1 - diff.mean():.5f}", str(int(diff.sum()))]
        else:
            diff = None
            row += ["", ""]
        if post is not None:
            q = post(crf_image(bgr, args.crf_image), prob)
            lc = q.argmax(0)
            lwc = read_png(os.path.join(args.pred_crf, pid + ".png"))
            cdiff = lwc != lc
            tot["cd"] += int(cdiff.sum())
            worst["crf"] = min(worst["crf"], 1 - cdiff.mean())
            row += [f"{1 - cdiff.mean():.5f}", str(int(cdiff.sum()))]
            if args.save:
                from PIL import Image
                Image.fromarray(lc.astype(np.uint8)).save(os.path.join(args.save, pid + "_crf.png"))
        else:
            row += ["", ""]
        pf = os.path.join(args.pred, pid + ".npz") if args.pred else None
        if pf and os.path.isfile(pf):
            pw = np.load(pf)["prob"]
            dp = np.abs(pw - prob).max()
            ok = (prob >= 1e-4) & (pw >= 1e-4)
            dl = np.abs(np.log(pw[ok]) - np.log(prob[ok])).max()
            row += [f"{dp:.2e}", f"{dl:.2e}"]
        else:
            row += ["", ""]
        lf = os.path.join(args.logits, pid + ".npy") if args.logits else None
        if lf and os.path.isfile(lf):
            lgw = np.load(lf)
            row += [f"{np.abs(lgw - fused).max():.2e}" if lgw.shape == fused.shape else f"shape {lgw.shape}"]
        else:
            row += [""]
        for t in args.tie_gap:
            tie = gap < t
            row += [str(int(tie.sum())), str(int((diff & tie).sum())) if diff is not None else ""]
        row += [f"{gap[diff].max():.2e}" if diff is not None and diff.any() else ""]
        if args.double:
            up64, _ = reference(load_model(Model, args.weights), bgr, "float64")
            row += [f"{np.abs(up64 - up).max():.2e}", str(int((up64.argmax(0) != label).sum()))]
        if args.save:
            from PIL import Image
            np.save(os.path.join(args.save, pid + "_logits.npy"), fused)
            Image.fromarray(label.astype(np.uint8)).save(os.path.join(args.save, pid + ".png"))
        print(" | ".join(row), f"({time.time() - t0:.1f} s)", flush=True)
    if args.pred:
        print(f"no CRF: {tot['d']} of {tot['n']} pixels differ, worst image agreement {worst['agree']:.5f}")
    if post is not None:
        print(f"CRF: {tot['cd']} of {tot['n']} pixels differ, worst image agreement {worst['crf']:.5f}")


if __name__ == "__main__":
    main()
