#!/usr/bin/python3
"""Independent PyTorch recomputation of wsss4j's make-sem-seg labels (IRN edges + random walk).

The IRN boundary branch and its frozen backbone are rebuilt in PyTorch from a wsss4j IRN checkpoint
(<run>/<method>/irn/irn.npz: the reference's state_dict keys, backbone under "resnet50.", PyTorch
[O, I, kH, kW] layout; <file>.npz.json states the backbone's architecture and the normalisation).
The labels are recomputed from the written specification, not from wsss4j's code:

  * IRN boundary branch, PIPELINE_SPEC.md 6.1: stages s1 = conv1+bn1+relu+maxpool, s2..s5 =
    layer1..layer4; per stage a 1x1 conv (no bias) to 32 channels, GroupNorm(4 groups, eps 1e-5,
    torch.nn.GroupNorm semantics), bilinear up x2 (s3), x4 (s4, s5) with align_corners False, ReLU,
    crop to s2's size; concat (160) -> 1x1 conv with bias -> the boundary logit at stride 4.
  * Inference wrapper, 6.1: normalised image and its horizontal flip, each zero-padded right and
    bottom to the pad size, one batch of two; outputs cropped to ((H-1)//4+1, (W-1)//4+1);
    edge = sigmoid(logit[0]/2 + flip(logit[1])/2).
  * Random walk, 7 with the path index of 6.2, densely as the reference: CAM^power (1.5 for
    AdvCAM, 1 for CAM); edge padded with 1.0 (left r, right r, bottom r; r = 5); every direction of
    the radius-5 half-plane from the sources [0, Hm-rf) x [rf, Wm-rf), affinity = 1 - max edge over
    the path's pixels (both ends included); symmetric, diagonal 1, cropped back to the h x w
    pixels; T = A^beta / column sums; T <- T @ T exp_times times; rw = (cam * (1 - edge)) @ T;
    bilinear x4 (align_corners False), crop to H x W, / global max, background plane bg_thres in
    front, argmax, index -> label through [0, keys + 1].

Then per image it prints the fraction of pixels where the recomputed labels equal wsss4j's
<run>/<method>/sem-seg/<id>.png, and over all images the agreement and the mIoU (21 classes, 255
ignored, confusion summed over images) of wsss4j's labels and of the recomputed ones against
<run>/data/SegmentationClass.

Run with /usr/bin/python3 (torch, Pillow, numpy). See README.md next to this file.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cam_parity import Block, FrozenBN, backbone_keys, conv, read_checkpoint  # noqa: E402  (the classifier check's backbone pieces)

BACKBONE_PREFIX = "resnet50."        # the reference's attribute name for IRN's backbone
EDGE_WIDTH, EDGE_GROUPS = 32, 4      # spec 6.1
GN_EPS = 1e-5                        # torch.nn.GroupNorm's default (wsss4j nn/GroupNorm.DEFAULT_EPS too)
EDGE_UPSAMPLING = (1, 1, 2, 4, 4)    # spec 6.1: s3 x2, s4 x4, s5 x4
NUM_CLASSES = 21


# ---------------------------------------------------------------------------------------------
# IRN boundary branch (spec 6.1)

class EdgeNet(torch.nn.Module):
    """Frozen backbone (eval-mode BN) -> five stage outputs -> IRN's boundary branch -> edge logit."""

    def __init__(self, weights, arch):
        super().__init__()
        eps = arch["bnEps"]
        if arch.get("maxpoolCeilMode"):
            raise SystemExit("ceil-mode stem pool not supported by this check")
        bb = {k[len(BACKBONE_PREFIX):]: v for k, v in weights.items() if k.startswith(BACKBONE_PREFIX)}
        self.conv1 = conv(bb, "conv1", arch["conv1Stride"], 3)
        self.bn1 = FrozenBN(bb, "bn1", eps)
        self.pool = torch.nn.MaxPool2d(3, arch["maxpoolStride"], 1)
        layers = []
        for li in range(4):
            blocks = [Block(bb, "layer%d.%d" % (li + 1, b), arch["block"],
                            arch["layerStrides"][li] if b == 0 else 1, arch["layerDilations"][li],
                            arch["strideIn1x1"], eps, False) for b in range(arch["blocks"][li])]
            layers.append(torch.nn.Sequential(*blocks))
        self.layers = torch.nn.ModuleList(layers)
        self.edge_convs = torch.nn.ModuleList()
        self.edge_norms = torch.nn.ModuleList()
        for i in range(1, 6):
            name = "fc_edge%d" % i
            self.edge_convs.append(conv(weights, name + ".0", 1, 0))
            gn = torch.nn.GroupNorm(EDGE_GROUPS, EDGE_WIDTH, eps=GN_EPS)
            with torch.no_grad():
                gn.weight.copy_(weights[name + ".1.weight"])
                gn.bias.copy_(weights[name + ".1.bias"])
            self.edge_norms.append(gn)
        w6 = weights["fc_edge6.weight"]
        self.edge6 = torch.nn.Conv2d(w6.shape[1], 1, 1, bias=True)
        with torch.no_grad():
            self.edge6.weight.copy_(w6)
            self.edge6.bias.copy_(weights["fc_edge6.bias"])
        for p in self.parameters():
            p.requires_grad_(False)

    def stages(self, x):
        s = [self.pool(F.relu(self.bn1(self.conv1(x))))]
        for layer in self.layers:
            s.append(layer(s[-1]))
        return s

    def forward(self, x):
        s = self.stages(x)
        h, w = s[1].shape[2:]
        parts = []
        for i, f in enumerate(s):
            y = self.edge_norms[i](self.edge_convs[i](f))
            if EDGE_UPSAMPLING[i] > 1:
                y = F.interpolate(y, scale_factor=EDGE_UPSAMPLING[i], mode="bilinear", align_corners=False)
            parts.append(F.relu(y)[..., :h, :w])
        return self.edge6(torch.cat(parts, 1))


def load_irn(path):
    weights, info = read_checkpoint(path)
    arch = info["architecture"]
    net = EdgeNet(weights, arch).eval()
    # every backbone tensor the topology needs, then the boundary branch's
    used = {BACKBONE_PREFIX + k for k in backbone_keys(arch)}
    for i in range(1, 6):
        used |= {"fc_edge%d.0.weight" % i, "fc_edge%d.1.weight" % i, "fc_edge%d.1.bias" % i}
    used |= {"fc_edge6.weight", "fc_edge6.bias"}
    have = {k for k in weights if not k.endswith("num_batches_tracked")}
    missing = used - have
    unexpected = {k for k in have - used if not (k.startswith("fc_dp") or k.startswith("mean_shift."))}
    if missing or unexpected:
        raise SystemExit("checkpoint %s does not match its sidecar: missing %s, unexpected %s"
                         % (path, sorted(missing)[:5], sorted(unexpected)[:5]))
    return net, info, sorted(k for k in have - used)


def edge_map(net, img, mean, std, pad_size):
    """Spec 6.1 EdgeDisplacement: (image, flip) each zero-padded right/bottom to pad_size; the
    logits cropped to the stride-4 size; sigmoid(l0/2 + flip(l1)/2). Returns [h, w]."""
    H, W = img.shape[:2]
    if H > pad_size or W > pad_size:
        raise SystemExit("image %dx%d larger than --pad-size %d" % (H, W, pad_size))
    norm = np.empty(img.shape, np.float32)
    for ch in range(3):
        norm[..., ch] = (img[..., ch] / 255.0 - mean[ch]) / std[ch]
    chw = torch.from_numpy(norm.transpose(2, 0, 1).copy()).to(torch.get_default_dtype())
    pair = torch.stack([chw, chw.flip(-1)])
    pair = F.pad(pair, (0, pad_size - W, 0, pad_size - H))
    with torch.no_grad():
        logit = net(pair)[:, 0]
    h, w = (H - 1) // 4 + 1, (W - 1) // 4 + 1
    logit = logit[:, :h, :w]
    return torch.sigmoid(logit[0] / 2 + logit[1].flip(-1) / 2)


# ---------------------------------------------------------------------------------------------
# Random walk (spec 7, path index 6.2)

def directions(radius):
    """Spec 6.2: (0, x) for x = 1..r-1, then (y, x) for y = 1..r-1, |x| <= r-1, x^2 + y^2 < r^2."""
    r = int(np.ceil(radius))
    d = [(0, x) for x in range(1, r)]
    d += [(y, x) for y in range(1, r) for x in range(-r + 1, r) if x * x + y * y < radius * radius]
    return d


def path(dy, dx):
    """Spec 6.2: integer points of the box (0,0)-(dy,dx) within distance 1 of the segment's line."""
    pts = []
    for y in range(min(0, dy), max(0, dy) + 1):
        for x in range(min(0, dx), max(0, dx) + 1):
            if (dy * x - dx * y) ** 2 / (dy * dy + dx * dx) < 1:
                pts.append((y, x))
    return pts


def dense_affinity(edge, radius):
    """Spec 7: the n x n affinity of the h x w pixels, built on the padded grid as the reference."""
    h, w = edge.shape
    r = int(radius)
    rf = int(np.ceil(radius)) - 1
    ep = F.pad(edge[None, None], (r, r, 0, r), value=1.0)[0, 0]          # left r, right r, top 0, bottom r
    hm, wm = ep.shape
    n = hm * wm
    aff = torch.zeros(n, n, dtype=edge.dtype)
    sy, sx = np.meshgrid(np.arange(0, hm - rf), np.arange(rf, wm - rf), indexing="ij")
    src = torch.from_numpy((sy * wm + sx).ravel())
    for dy, dx in directions(radius):
        m = None
        for py, px in path(dy, dx):
            v = ep[torch.from_numpy(sy.ravel() + py), torch.from_numpy(sx.ravel() + px)]
            m = v if m is None else torch.maximum(m, v)
        dst = torch.from_numpy(((sy + dy) * wm + (sx + dx)).ravel())
        aff[src, dst] = 1 - m
        aff[dst, src] = 1 - m
    aff[torch.arange(n), torch.arange(n)] = 1
    keep = torch.from_numpy((np.arange(h)[:, None] * wm + np.arange(r, r + w)[None, :]).ravel())
    return aff[keep][:, keep]


def random_walk(cam, edge, radius, beta, exp_times):
    """Spec 7 propagate_to_edge: rw = (cam * (1 - edge)) @ T^(2^exp_times); cam [K, h, w]."""
    k, h, w = cam.shape
    a = dense_affinity(edge, radius) ** beta
    t = a / a.sum(0, keepdim=True)
    for _ in range(exp_times):
        t = t @ t
    x = (cam * (1 - edge)).reshape(k, h * w)
    return (x @ t).reshape(k, h, w)


def sem_seg(cam, keys, edge, H, W, p):
    """Spec 7: the label map [H, W] from the strided CAMs [K, h, w], keys [K] and the edge map."""
    cam = cam ** p["cam_power"] if p["cam_power"] != 1.0 else cam
    rw = random_walk(cam, edge, p["radius"], p["beta"], p["exp_times"])
    up = F.interpolate(rw[:, None], scale_factor=4, mode="bilinear", align_corners=False)[:, 0, :H, :W]
    up = up / up.max()
    scores = torch.cat([torch.full((1, H, W), p["bg_thres"], dtype=up.dtype), up])
    idx = torch.argmax(scores, 0).numpy()
    lut = np.concatenate([[0], np.asarray(keys) + 1])
    return lut[idx].astype(np.uint8), rw


# ---------------------------------------------------------------------------------------------
# Comparison

def confusion(pred, gt):
    m = gt != 255
    p = np.where(pred[m] == 255, 0, pred[m]).astype(np.int64)
    return np.bincount(gt[m].astype(np.int64) * NUM_CLASSES + p, minlength=NUM_CLASSES ** 2)[:NUM_CLASSES ** 2] \
        .reshape(NUM_CLASSES, NUM_CLASSES)


def miou(conf):
    """Spec 4: IoU_i = N_ii / (row_i + col_i - N_ii), nanmean over classes."""
    inter = np.diag(conf).astype(np.float64)
    union = conf.sum(0) + conf.sum(1) - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.nanmean(inter / union))


def read_png(path):
    return np.asarray(Image.open(path))


def walk_settings(run_dir, method, args):
    """Spec 7 defaults (CAM^1.5 for advcam only), overridden by options; compared with what the run
    recorded in <run>/<method>/result.json (settings.walk, settings.pad_size)."""
    p = {"cam_power": 1.5 if method == "advcam" else 1.0, "radius": 5, "beta": 10.0, "exp_times": 8,
         "bg_thres": 0.25}
    recorded, pad = {}, None
    rj = os.path.join(run_dir, method, "result.json")
    if os.path.exists(rj):
        with open(rj) as fh:
            s = json.load(fh).get("settings", {})
        recorded, pad = s.get("walk", {}), s.get("pad_size")
    for key in p:
        if getattr(args, key) is not None:
            p[key] = getattr(args, key)
        if key in recorded and abs(float(recorded[key]) - float(p[key])) > 1e-6:
            print("# NOTE: %s = %s here, the run recorded %s (%s)" % (key, p[key], recorded[key], rj))
    return p, pad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", required=True, help="wsss4j run folder (data/, <method>/irn, <method>/maps, <method>/sem-seg)")
    ap.add_argument("--method", choices=("cam", "advcam"), required=True)
    ap.add_argument("--irn", help="IRN checkpoint .npz (default <run>/<method>/irn/irn.npz)")
    ap.add_argument("--data", help="VOC-layout dataset root (default <run>/data)")
    ap.add_argument("--maps", help="folder of the CAM <id>.npz (default <run>/<method>/maps)")
    ap.add_argument("--labels", help="folder of wsss4j's <id>.png (default <run>/<method>/sem-seg)")
    ap.add_argument("--ids", nargs="*", help="image ids (default: every id with a wsss4j sem-seg PNG)")
    ap.add_argument("--count", type=int, help="only the first N ids")
    ap.add_argument("--pad-size", type=int, help="IRN input pad size (default: the run's settings.pad_size, else 512)")
    ap.add_argument("--cam-power", type=float, help="default 1.5 for advcam, 1 for cam (spec 7)")
    ap.add_argument("--radius", type=float)
    ap.add_argument("--beta", type=float)
    ap.add_argument("--exp-times", type=int)
    ap.add_argument("--bg-thres", type=float)
    ap.add_argument("--edges", help="read the edge maps from <dir>/<id>.npy (e.g. wsss4j's) instead of recomputing "
                                    "them: separates the network from the walk")
    ap.add_argument("--ref", help="folder of wsss4j's intermediate values <id>_edge.npy [h, w] and <id>_rw.npy [K, h, w] "
                                  "(written by IrnDump.java): adds their max |difference| from the recomputed ones")
    ap.add_argument("--double", action="store_true", help="network and walk in float64 (default float32)")
    ap.add_argument("--save", help="write <dir>/<id>_edge.npy, <id>_rw.npy and <id>.png (recomputed)")
    ap.add_argument("--worst", type=int, default=5, help="how many of the least-agreeing images to list")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    ckpt = args.irn or os.path.join(args.run, args.method, "irn", "irn.npz")
    data = args.data or os.path.join(args.run, "data")
    maps_dir = args.maps or os.path.join(args.run, args.method, "maps")
    labels_dir = args.labels or os.path.join(args.run, args.method, "sem-seg")
    ids = args.ids or sorted(f[:-4] for f in os.listdir(labels_dir) if f.endswith(".png"))
    if args.count:
        ids = ids[:args.count]
    p, recorded_pad = walk_settings(args.run, args.method, args)
    pad_size = args.pad_size or recorded_pad or 512

    if args.double:
        torch.set_default_dtype(torch.float64)
    net, info, ignored = load_irn(ckpt)
    if args.double:
        net = net.double()
    dtype = torch.get_default_dtype()
    mean, std = info["normalisation"]["mean"], info["normalisation"]["std"]
    arch = info["architecture"]
    print("# %s  %s  %s  %s blocks %s width %s strides conv1 %d pool %d layers %s  GN eps %g  pad %d  torch %s"
          % (args.method, "float64" if args.double else "float32", ckpt, arch["block"], arch["blocks"],
             arch["widthMultiplier"], arch["conv1Stride"], arch["maxpoolStride"], arch["layerStrides"], GN_EPS,
             pad_size, torch.__version__))
    print("# walk: cam^%g radius %g beta %g exp_times %d bg %g; %d checkpoint tensors not used (displacement "
          "branch, mean shift)" % (p["cam_power"], p["radius"], p["beta"], p["exp_times"], p["bg_thres"], len(ignored)))
    print("%-14s %3s %9s %9s %9s %10s %10s %6s" % ("id", "K", "agree", "edge_max", "edge_mean", "edge_diff", "rw_reldiff",
                                                  "secs"))
    ref_diffs = []
    conf_ours = np.zeros((NUM_CLASSES, NUM_CLASSES), np.int64)
    conf_theirs = np.zeros_like(conf_ours)
    same = total = 0
    rows = []
    for image_id in ids:
        t0 = time.time()
        img = np.asarray(Image.open(os.path.join(data, "JPEGImages", image_id + ".jpg")).convert("RGB"))
        H, W = img.shape[:2]
        cams = np.load(os.path.join(maps_dir, image_id + ".npz"))
        keys = [int(k) for k in cams["keys"]]
        if args.edges:
            edge = torch.from_numpy(np.load(os.path.join(args.edges, image_id + ".npy")).astype(np.float64)).to(dtype)
        else:
            edge = edge_map(net, img, mean, std, pad_size)
        cam = torch.from_numpy(cams["cam"]).to(dtype)
        if len(keys) == 0:
            ours, rw = np.zeros((H, W), np.uint8), None
        else:
            ours, rw = sem_seg(cam, keys, edge, H, W, p)
        theirs = read_png(os.path.join(labels_dir, image_id + ".png"))
        gt = read_png(os.path.join(data, "SegmentationClass", image_id + ".png"))
        agree = float((ours == theirs).mean())
        same += int((ours == theirs).sum())
        total += ours.size
        conf_ours += confusion(ours, gt)
        conf_theirs += confusion(theirs, gt)
        rows.append((agree, image_id, len(keys)))
        if args.save:
            os.makedirs(args.save, exist_ok=True)
            np.save(os.path.join(args.save, image_id + "_edge.npy"), edge.numpy())
            if rw is not None:
                np.save(os.path.join(args.save, image_id + "_rw.npy"), rw.numpy())
            Image.fromarray(ours).save(os.path.join(args.save, image_id + ".png"))
        edge_diff = rw_diff = float("nan")
        if args.ref:
            ref_edge = np.load(os.path.join(args.ref, image_id + "_edge.npy")).astype(np.float64)
            edge_diff = float(np.abs(edge.double().numpy() - ref_edge).max())
            if rw is not None:
                ref_rw = np.load(os.path.join(args.ref, image_id + "_rw.npy")).astype(np.float64)
                ours_rw = rw.double().numpy()
                rw_diff = float(np.abs(ours_rw - ref_rw).max() / np.abs(ours_rw).max())
            ref_diffs.append((edge_diff, rw_diff))
        print("%-14s %3d %9.5f %9.4f %9.4f %10.3e %10.3e %6.1f" % (image_id, len(keys), agree, float(edge.max()),
                                                                 float(edge.mean()), edge_diff, rw_diff,
                                                                 time.time() - t0))
    print("# summary over %d images (%s)" % (len(ids), "float64" if args.double else "float32"))
    print("pixel agreement %.5f (%d of %d differ); images fully equal %d of %d"
          % (same / total, total - same, total, sum(1 for r in rows if r[0] == 1.0), len(rows)))
    if ref_diffs:
        print("wsss4j's intermediates: max |edge diff| %.3e, max |rw diff| / max rw %.3e"
              % (max(d[0] for d in ref_diffs), np.nanmax([d[1] for d in ref_diffs])))
    print("mIoU wsss4j %.2f   recomputed %.2f" % (100 * miou(conf_theirs), 100 * miou(conf_ours)))
    print("worst: " + ", ".join("%s %.4f (K=%d)" % (i, a, k) for a, i, k in sorted(rows)[:args.worst]))


if __name__ == "__main__":
    main()
