#!/usr/bin/python3
"""Independent PyTorch recomputation of wsss4j's CAM and AdvCAM maps, compared with its .npz files.

The network is rebuilt in PyTorch from a wsss4j classifier checkpoint (<file>.npz in PyTorch layout
under torchvision names, and its <file>.npz.json sidecar stating the architecture and the input
normalisation). The maps are recomputed from the written specification, not from wsss4j's code:

  * CAM: PIPELINE_SPEC.md section 2 (scales 1.0, 0.5, 1.5, 2.0; Pillow bicubic resize to numpy
    half-to-even sizes, scale 1 unresized; batch = image + horizontal flip; ReLU(z[0]) +
    flip(ReLU(z[1])); bilinear (align_corners False) to ceil(H/4) x ceil(W/4) and to
    16 ceil(H/16) x 16 ceil(W/16) cropped to H x W; each class / (max + 1e-5)).
  * AdvCAM: section 3.2 as the reference code computes it, one class at a time on the batch
    (image, flip): the attribution of (a) taken the long way, as gradient weights at stage4
    (alpha = sum_p dS/df / #(dS/df > 0), A_b = ReLU(sum_k alpha_k f_k)), the class scores of (b),
    L_cls of (c) with every other class subtracted, the per-step mask of (d), L = L_cls - lambda L_AD
    (e), the step x <- clamp(x + xi g / (max|g| + 1e-12), min x, max x) of (f), the maps of
    x^0 .. x^{T_s - 1} summed (g), T_s and the scale multiplier of (h), scales in the order
    0.5, 1.0, 1.5, 2.0, then the fusion of section 2 (i).

Then per image and per array (the strided "cam" and "high_res") it prints the max and mean absolute
difference, the max absolute difference relative to the recomputed map's max, and the agreement of
the seed labels argmax([0.3; maps]) as a fraction of pixels.

Run with /usr/bin/python3 (torch, Pillow, numpy). See README.md next to this file.
"""
import argparse
import copy
import json
import os
import sys
import time
import xml.etree.ElementTree as ET

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

VOC_CLASSES = ["aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
               "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
               "train", "tvmonitor"]
CAM_SCALES = (1.0, 0.5, 1.5, 2.0)         # spec 2, in the reference's order
ADV_SCALES = (0.5, 1.0, 1.5, 2.0)         # spec 3.2(h), processing order
SEED_THRESHOLD = 0.3


# ---------------------------------------------------------------------------------------------
# Network: torchvision-style ResNet with frozen batch norm (spec 1.3), built from the sidecar.

class FrozenBN(torch.nn.Module):
    """Eval-mode batch norm as y = x * scale + shift, scale = gamma / sqrt(var + eps)."""

    def __init__(self, weights, prefix, eps):
        super().__init__()
        self.identity = False
        gamma = weights[prefix + ".weight"].double()
        beta = weights[prefix + ".bias"].double()
        mean = weights[prefix + ".running_mean"].double()
        var = weights[prefix + ".running_var"].double()
        scale = gamma / torch.sqrt(var + eps)
        self.register_buffer("scale", scale.float().view(1, -1, 1, 1))
        self.register_buffer("shift", (beta - mean * scale).float().view(1, -1, 1, 1))

    def forward(self, x):
        return x if self.identity else x * self.scale + self.shift

    def fold_into(self, conv_layer, weights, prefix, eps):
        """BN(conv(x, W)) = conv(x, W * scale) + shift, with scale and shift in float32 arithmetic:
        the same function, rounded as a graph that folds frozen batch norm into the kernel rounds it."""
        gamma, beta = weights[prefix + ".weight"], weights[prefix + ".bias"]
        scale = gamma / torch.sqrt(weights[prefix + ".running_var"] + eps)
        shift = beta - weights[prefix + ".running_mean"] * scale
        with torch.no_grad():
            conv_layer.weight.mul_(scale.view(-1, 1, 1, 1))
        conv_layer.bias = torch.nn.Parameter(shift.clone())
        self.identity = True


def conv(weights, name, stride, padding, dilation=1):
    w = weights[name + ".weight"]
    c = torch.nn.Conv2d(w.shape[1], w.shape[0], w.shape[2], stride=stride, padding=padding,
                        dilation=dilation, bias=False)
    with torch.no_grad():
        c.weight.copy_(w)
    return c


class Block(torch.nn.Module):
    def __init__(self, weights, name, kind, stride, dilation, stride_in_1x1, eps, fold):
        super().__init__()
        self.kind = kind
        if kind == "BASIC":
            self.convs = torch.nn.ModuleList([conv(weights, name + ".conv1", stride, dilation, dilation),
                                              conv(weights, name + ".conv2", 1, dilation, dilation)])
            self.bns = torch.nn.ModuleList([FrozenBN(weights, name + ".bn1", eps),
                                            FrozenBN(weights, name + ".bn2", eps)])
        else:
            s1, s3 = (stride, 1) if stride_in_1x1 else (1, stride)
            self.convs = torch.nn.ModuleList([conv(weights, name + ".conv1", s1, 0),
                                              conv(weights, name + ".conv2", s3, dilation, dilation),
                                              conv(weights, name + ".conv3", 1, 0)])
            self.bns = torch.nn.ModuleList([FrozenBN(weights, name + ".bn%d" % i, eps) for i in (1, 2, 3)])
        self.down = None
        if name + ".downsample.0.weight" in weights:
            self.down = torch.nn.Sequential(conv(weights, name + ".downsample.0", stride, 0),
                                            FrozenBN(weights, name + ".downsample.1", eps))
        if fold:
            for i, (c, b) in enumerate(zip(self.convs, self.bns)):
                b.fold_into(c, weights, name + ".bn%d" % (i + 1), eps)
            if self.down is not None:
                self.down[1].fold_into(self.down[0], weights, name + ".downsample.1", eps)

    def forward(self, x):
        out = x
        for i, (c, b) in enumerate(zip(self.convs, self.bns)):
            out = b(c(out))
            if i < len(self.convs) - 1:
                out = F.relu(out)
        return F.relu(out + (x if self.down is None else self.down(x)))


class CamNet(torch.nn.Module):
    """Backbone -> stage4 features f; classifier 1x1 conv without bias -> class maps z."""

    def __init__(self, weights, arch, fold=False):
        super().__init__()
        eps = arch["bnEps"]
        if arch.get("maxpoolCeilMode"):
            raise SystemExit("ceil-mode stem pool not supported by this check")
        self.conv1 = conv(weights, "conv1", arch["conv1Stride"], 3)
        self.bn1 = FrozenBN(weights, "bn1", eps)
        if fold:
            self.bn1.fold_into(self.conv1, weights, "bn1", eps)
        self.pool = torch.nn.MaxPool2d(3, arch["maxpoolStride"], 1)
        layers = []
        for li in range(4):
            blocks = []
            for b in range(arch["blocks"][li]):
                stride = arch["layerStrides"][li] if b == 0 else 1
                blocks.append(Block(weights, "layer%d.%d" % (li + 1, b), arch["block"], stride,
                                    arch["layerDilations"][li], arch["strideIn1x1"], eps, fold))
            layers.append(torch.nn.Sequential(*blocks))
        self.layers = torch.nn.ModuleList(layers)
        self.classifier = conv(weights, "classifier", 1, 0)
        for p in self.parameters():
            p.requires_grad_(False)

    def features(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        for layer in self.layers:
            x = layer(x)
        return x

    def forward(self, x):
        f = self.features(x)
        return f, self.classifier(f)


def read_checkpoint(path):
    """A wsss4j checkpoint: its tensors (torch, PyTorch layout) and its sidecar `<path>.json`."""
    with open(path + ".json") as fh:
        info = json.load(fh)
    npz = np.load(path)
    return {k: torch.from_numpy(np.ascontiguousarray(npz[k])) for k in npz.files}, info


def load_network(path, fold=False):
    weights, info = read_checkpoint(path)
    net = CamNet(weights, info["architecture"], fold).eval()
    return net, info


def backbone_keys(arch):
    """The torchvision names of every tensor of the ResNet backbone that `arch` (a sidecar's
    architecture) describes: stem, blocks, projection shortcuts where the shape changes."""
    bn = ("weight", "bias", "running_mean", "running_var")
    names = {"conv1.weight"} | {"bn1." + s for s in bn}
    nconv, expansion = (2, 1) if arch["block"] == "BASIC" else (3, 4)
    channels = max(1, int(np.floor(64 * arch["widthMultiplier"] + 0.5)))
    for li in range(4):
        planes = max(1, int(np.floor((64 << li) * arch["widthMultiplier"] + 0.5)))
        for b in range(arch["blocks"][li]):
            p = "layer%d.%d." % (li + 1, b)
            for i in range(1, nconv + 1):
                names.add(p + "conv%d.weight" % i)
                names |= {p + "bn%d.%s" % (i, s) for s in bn}
            stride = arch["layerStrides"][li] if b == 0 else 1
            if stride != 1 or channels != planes * expansion:     # projection shortcut
                names.add(p + "downsample.0.weight")
                names |= {p + "downsample.1." + s for s in bn}
            channels = planes * expansion
    return names


def check_all_keys_used(path, info):
    """Every tensor in the checkpoint belongs to the topology built from the sidecar (and vice versa)."""
    names = backbone_keys(info["architecture"]) | {"classifier.weight"}
    npz = np.load(path)
    have = {k for k in npz.files if not k.endswith("num_batches_tracked")}
    extra = have - names
    missing = names - have
    if extra or missing:
        raise SystemExit("checkpoint %s does not match its sidecar: missing %s, unexpected %s"
                         % (path, sorted(missing)[:5], sorted(extra)[:5]))


# ---------------------------------------------------------------------------------------------
# Inputs (spec 1.2, 2)

def image_labels(data_root, image_id):
    """Present classes from the annotation XML's object names (spec 1.1), ascending indices."""
    root = ET.parse(os.path.join(data_root, "Annotations", image_id + ".xml")).getroot()
    names = {o.findtext("name").strip() for o in root.iter("object")}
    return sorted(VOC_CLASSES.index(n) for n in names if n in VOC_CLASSES)


def scaled_pair(img, s, mean, std):
    """The normalised image at scale s and its horizontal flip, [2, 3, h, w] float32."""
    if s != 1.0:
        h, w = img.shape[:2]
        size = (int(np.round(w * s)), int(np.round(h * s)))            # numpy: half to even
        img = np.asarray(Image.fromarray(img).resize(size, Image.BICUBIC))
    norm = np.empty(img.shape, np.float32)
    for ch in range(3):
        norm[..., ch] = (img[..., ch] / 255.0 - mean[ch]) / std[ch]
    chw = torch.from_numpy(norm.transpose(2, 0, 1).copy()).to(torch.get_default_dtype())
    return torch.stack([chw, chw.flip(-1)])


class Fusion:
    """Spec 2: sum of the per-scale maps bilinearly resized to the two output sizes; per-class max norm."""

    def __init__(self, h, w):
        self.h, self.w = h, w
        self.strided_size = ((h - 1) // 4 + 1, (w - 1) // 4 + 1)
        self.up_size = (16 * ((h + 15) // 16), 16 * ((w + 15) // 16))
        self.strided, self.up = [], []

    def add(self, maps):                           # maps [K, h', w']
        m = maps.unsqueeze(0)
        self.strided.append(F.interpolate(m, self.strided_size, mode="bilinear", align_corners=False)[0])
        self.up.append(F.interpolate(m, self.up_size, mode="bilinear", align_corners=False)[0, :, :self.h, :self.w])

    def finish(self):
        s = torch.sum(torch.stack(self.strided), 0)
        u = torch.sum(torch.stack(self.up), 0)
        s = s / (F.adaptive_max_pool2d(s, (1, 1)) + 1e-5)
        u = u / (F.adaptive_max_pool2d(u, (1, 1)) + 1e-5)
        return s.numpy(), u.numpy()


# ---------------------------------------------------------------------------------------------
# CAM (spec 2)

def cam_maps(net, img, keys, mean, std):
    fusion = Fusion(*img.shape[:2])
    with torch.no_grad():
        for s in CAM_SCALES:
            _, z = net(scaled_pair(img, s, mean, std))
            o = F.relu(z[0]) + F.relu(z[1]).flip(-1)
            fusion.add(o[keys])
    return fusion.finish()


# ---------------------------------------------------------------------------------------------
# AdvCAM (spec 3.2)

def attribution(f, z, c):
    """3.2(a) as the reference obtains it: gradient weights of S = sum_b,p ReLU(z_{b,c,p}) at stage4.

    alpha_{b,k} = sum_p dS/df_{b,k,p} / (#entries of dS/df that are > 0 + 1e-12), constants for the
    input gradient; A_b = ReLU(sum_k alpha_{b,k} f_{b,k}); the map is A_0 + flip(A_1).
    """
    g = torch.autograd.grad(F.relu(z[:, c]).sum(), f, retain_graph=True)[0]
    alpha = g.sum((2, 3)) / ((g > 0).sum() + 1e-12)
    a = F.relu((alpha[:, :, None, None] * f).sum(1))
    return a[0] + a[1].flip(-1)


def steps_and_multiplier(adv_iter):
    """3.2(h): steps per scale and the multiplier, which is set at scale 0.5 and never reset."""
    if adv_iter > 10:
        half_steps, mul = adv_iter // 2, 2.0
    elif adv_iter < 6:
        half_steps, mul = adv_iter, 1.0
    else:
        half_steps, mul = 5, 1.0
    return half_steps, mul


def paper_attribution(z, c):
    """The paper's form of 3.2(a) (3.1, make-cam --adv-variant paper): the plain class map,
    ReLU(z_c) of the image plus that of the flip."""
    a = F.relu(z[:, c])
    return a[0] + a[1].flip(-1)


def climb(net, pair, c, steps, xi, lam, tau, trace=None, paper=False):
    """Sum of the maps of x^0 .. x^{steps-1} for class c (3.2(b)-(g)); the pair is copied. With
    `paper`, the paper's form (3.1): plain CAM as the attribution and the logits as class scores.
    `trace`, when a list, gets one entry per step: the map, positive counts, mask, the input x^t
    and (but for the last step) the gradient g."""
    x = pair.clone()
    total, a0 = None, None
    for t in range(steps):
        x.requires_grad_(True)
        f, z = net(x)
        a = paper_attribution(z, c) if paper else attribution(f, z, c)
        y = (z if paper else F.relu(z)).mean((2, 3))                     # [2, 20]   3.2(b)
        l_cls = (y[:, c] - (y.sum(1) - y[:, c])).sum()                   # 3.2(c)
        if t == 0:
            a0 = a.detach()
            loss = l_cls                                                 # L_AD = 0 at t = 0
        else:
            mask = (a / a.max() > tau).float().detach()                  # 3.2(d), this step's map
            loss = l_cls - lam * (mask * (a - a0).abs()).sum()           # 3.2(e)
        a = a.detach()
        total = a.clone() if total is None else total + a
        if trace is not None:
            trace.append({"map": a.clone(), "positives": (z[:, c] > 0).sum((1, 2)).tolist(),
                          "mask": None if t == 0 else mask.clone(), "x": x.detach()})
        if t == steps - 1:
            break                                                        # the last update is never used
        g = torch.autograd.grad(loss, x)[0]                              # 3.2(f)
        if trace is not None:
            trace[-1]["argmax_g"] = int(g.abs().argmax())
            trace[-1]["g"] = g
        with torch.no_grad():
            x = x.detach()
            lo, hi = x.min(), x.max()
            x = torch.max(torch.min(x + xi * g / (g.abs().max() + 1e-12), hi), lo)
    return total


def advcam_maps(net, img, keys, mean, std, adv_iter=27, xi=0.08, lam=7.0, tau=0.5):
    half_steps, mul = steps_and_multiplier(adv_iter)
    fusion = Fusion(*img.shape[:2])
    multiplier = 1.0
    for s in ADV_SCALES:
        pair = scaled_pair(img, s, mean, std)
        if s == 0.5:
            multiplier = mul
        steps = half_steps if s == 0.5 else adv_iter
        per_class = [multiplier * climb(net, pair, c, steps, xi, lam, tau) for c in keys]
        fusion.add(torch.stack(per_class))
    return fusion.finish()


def trace_rounding(net, img, key, scale, steps, mean, std):
    """The same climb in float32 and float64, step by step: how far float32 rounding alone moves
    A^t, and the discrete events (mask pixels, positive counts P_b of rho, the pixel of max|g|)
    where the two runs part."""
    pair = scaled_pair(img, scale, mean, std)
    runs = []
    for dtype in (torch.float32, torch.float64):
        trace = []
        climb(copy.deepcopy(net).to(dtype), pair.to(dtype), key, steps, 0.08, 7.0, 0.5, trace)
        runs.append(trace)
    print("# class %d at scale %.1f, %d steps: float32 vs float64 recomputation" % (key, scale, steps))
    print("%4s %11s %10s %14s %14s %8s" % ("t", "A_rel_diff", "mask_diff", "P_b f32", "P_b f64", "argmax_g"))
    for t, (a, b) in enumerate(zip(*runs)):
        rel = float((a["map"].double() - b["map"]).abs().max() / b["map"].abs().max())
        masks = "-" if a["mask"] is None else str(int((a["mask"].double() != b["mask"]).sum()))
        same_g = "-" if "argmax_g" not in a else ("same" if a["argmax_g"] == b["argmax_g"] else "differs")
        print("%4d %11.3e %10s %14s %14s %8s" % (t, rel, masks, a["positives"], b["positives"], same_g))


# ---------------------------------------------------------------------------------------------
# Comparison

def seeds(maps):
    return np.argmax(np.concatenate([np.full((1,) + maps.shape[1:], SEED_THRESHOLD, np.float32), maps]), 0)


def compare(ours, theirs):
    d = np.abs(ours.astype(np.float64) - theirs.astype(np.float64))
    return {"max": d.max(), "mean": d.mean(), "rel": d.max() / max(float(np.abs(ours).max()), 1e-30),
            "seed": float((seeds(ours) == seeds(theirs)).mean())}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", required=True, help="wsss4j run folder (classifier/, data/, <method>/maps/)")
    ap.add_argument("--method", choices=("cam", "advcam"), required=True)
    ap.add_argument("--classifier", help="checkpoint .npz (default <run>/classifier/classifier.npz)")
    ap.add_argument("--data", help="VOC-layout dataset root (default <run>/data)")
    ap.add_argument("--maps", help="folder of wsss4j's <id>.npz (default <run>/<method>/maps)")
    ap.add_argument("--ids", nargs="*", help="image ids (default: the first --count of train.txt)")
    ap.add_argument("--count", type=int, default=3)
    ap.add_argument("--adv-iter", type=int, default=27, help="T, as given to make-cam --adv-iter")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--trace", metavar="SCALE", type=float,
                    help="advcam: instead of comparing, climb the first id's first class at this scale in float32 and "
                         "float64 and print per step how far they part (rounding growth, no wsss4j maps needed)")
    ap.add_argument("--fold-bn", action="store_true",
                    help="fold each frozen batch norm into the kernel of the conv before it (float32), as wsss4j's "
                         "graph does: same function, wsss4j's rounding; without it BN is applied after the conv")
    ap.add_argument("--save", help="also write the recomputed maps as <dir>/<id>.npz (same keys as wsss4j's)")
    ap.add_argument("--double", action="store_true",
                    help="recompute in float64 (network and normalised inputs) to see how much float32 rounding alone moves the maps")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    ckpt = args.classifier or os.path.join(args.run, "classifier", "classifier.npz")
    data = args.data or os.path.join(args.run, "data")
    maps_dir = args.maps or os.path.join(args.run, args.method, "maps")
    ids = args.ids
    if not ids:
        with open(os.path.join(data, "ImageSets", "Segmentation", "train.txt")) as fh:
            ids = [l.strip() for l in fh if l.strip()][:args.count]

    net, info = load_network(ckpt, args.fold_bn)
    if args.double:
        net = net.double()
        torch.set_default_dtype(torch.float64)
    check_all_keys_used(ckpt, info)
    mean, std = info["normalisation"]["mean"], info["normalisation"]["std"]
    arch = info["architecture"]
    print("# %s  %s%s  %s  %s blocks %s width %s strides conv1 %d pool %d layers %s  torch %s  threads %d"
          % (args.method, "float64" if args.double else "float32", ", BN folded" if args.fold_bn else "", ckpt, arch["block"], arch["blocks"], arch["widthMultiplier"], arch["conv1Stride"],
             arch["maxpoolStride"], arch["layerStrides"], torch.__version__, args.threads))
    if args.method == "advcam":
        print("# advcam T=%d: steps at 0.5 = %d, multiplier %.0f" % ((args.adv_iter,) + steps_and_multiplier(args.adv_iter)))
    if args.trace is not None:
        img = np.asarray(Image.open(os.path.join(data, "JPEGImages", ids[0] + ".jpg")).convert("RGB"))
        keys = image_labels(data, ids[0])
        half_steps, _ = steps_and_multiplier(args.adv_iter)
        print("# image %s" % ids[0])
        trace_rounding(net, img, keys[0], args.trace, half_steps if args.trace == 0.5 else args.adv_iter, mean, std)
        return
    print("%-14s %-9s %4s %11s %11s %11s %9s %7s" % ("id", "array", "K", "max_abs", "mean_abs", "max_rel", "seed_agree", "secs"))
    worst = {"cam": [], "high_res": []}
    for image_id in ids:
        theirs = np.load(os.path.join(maps_dir, image_id + ".npz"))
        keys = [int(k) for k in theirs["keys"]]
        xml_keys = image_labels(data, image_id)
        if keys != xml_keys:
            print("%s: keys differ: wsss4j %s, annotation %s" % (image_id, keys, xml_keys))
        img = np.asarray(Image.open(os.path.join(data, "JPEGImages", image_id + ".jpg")).convert("RGB"))
        t0 = time.time()
        if args.method == "cam":
            strided, high = cam_maps(net, img, xml_keys, mean, std)
        else:
            strided, high = advcam_maps(net, img, xml_keys, mean, std, args.adv_iter)
        secs = time.time() - t0
        if args.save:
            os.makedirs(args.save, exist_ok=True)
            np.savez(os.path.join(args.save, image_id + ".npz"), keys=np.asarray(xml_keys, np.int32),
                     cam=strided.astype(np.float32), high_res=high.astype(np.float32))
        for name, ours in (("cam", strided), ("high_res", high)):
            if theirs[name].shape != ours.shape:
                print("%s %s: shape %s vs ours %s" % (image_id, name, theirs[name].shape, ours.shape))
                continue
            r = compare(ours, theirs[name])
            worst[name].append(r)
            print("%-14s %-9s %4d %11.3e %11.3e %11.3e %9.5f %7.1f"
                  % (image_id, name, len(keys), r["max"], r["mean"], r["rel"], r["seed"], secs))
    print("# summary over %d images" % len(ids))
    for name, rs in worst.items():
        if rs:
            print("%-24s %-9s max_abs %.3e  mean_abs %.3e  max_rel %.3e  min_seed_agree %.5f"
                  % ("summary", name, max(r["max"] for r in rs), np.mean([r["mean"] for r in rs]),
                     max(r["rel"] for r in rs), min(r["seed"] for r in rs)))


if __name__ == "__main__":
    main()
