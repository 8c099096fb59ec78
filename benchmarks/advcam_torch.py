#!/usr/bin/python3
"""PyTorch counterpart of org.wsss4j.bench.AdvCamBenchmark: AdvCAM (spec 3.2) on one image.

The network is resnet50_torch.CamNet (ResNet-50, output stride 16, frozen batch norm in eval mode,
bias-free 1x1 conv 2048 -> 20), from-scratch weights. The image is uniform random 8-bit RGB,
H x W (default 375 x 500, the VOC size). Scales in the order 0.5, 1.0, 1.5, 2.0; at each, the
image is resized (Pillow bicubic, numpy half-to-even sizes), normalised with the ImageNet mean
and std, and stacked with its horizontal flip as a batch of 2. Then, for one class c at a time,
T_s steps (13 at 0.5, 27 otherwise), each:

  z = net(x);  P_b = #{p: z_bcp > 0};  rho_b = P_b / ((P_0 + P_1) N_+ + 1e-12)     (3.2(a))
  A = rho_0 ReLU(z_0c) + flip_w(rho_1 ReLU(z_1c));  maps += A                       (3.2(a), (g))
  y_bk = mean_p ReLU(z_bkp);  L_cls = sum_b (y_bc - sum_{k != c} y_bk)              (3.2(b), (c))
  M = 1[A / max A > tau];  L = L_cls - lambda sum_p M |A - A^0|  (A^0: A at step 0) (3.2(d), (e))
  g = dL/dx;  x <- clamp(x + xi g / (max|g| + 1e-12), min x, max x)                (3.2(f))

with N_+ the number of positive classifier weights of class c, lambda 7, tau 0.5, xi 0.08. As the
reference does, the update is computed at every step, the last one included.

Variants of the gradient (--variants, default wgrad,igrad):
  wgrad  parameters require grad and L.backward() is called, as in the reference code: the
         backward pass also computes every weight gradient.
  igrad  parameters frozen, torch.autograd.grad(L, x): the input gradient only.
  hooks  wgrad plus the pass the reference makes for its hook-based Grad-CAM before the loss:
         a full backward of sum_b GAP-sum ReLU(z_bc) (retaining the graph), whose result the
         closed form rho_b ReLU(z_bc) makes unnecessary. The reference's own cost per step.

A full climb takes minutes, so each scale climbs --steps m steps (at most its full count) and its
time is extrapolated linearly from the time up to the end of step 1 and up to the end of step m:
t(T) = t(1) + (T - 1) (t(m) - t(1)) / (m - 1), the same rule as the Java side. Each scale's time
covers resizing the pair and the climb. Before timing, every scale runs one step (warm-up).

Prints "scale name=.. variant=.. scale=.. full_steps=.. measured_steps=.. t1_s=.. tm_s=.. est_s=.."
per scale and "result name=advcam_<W>x<H>_<variant> s_per_image_class=.. measured_steps=..
full_steps=13/27/27/27" per variant.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resnet50_torch import CamNet  # noqa: E402

SCALES = (0.5, 1.0, 1.5, 2.0)
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def full_steps(t, scale):
    """Steps at a scale (spec 3.2(h)): scale 0.5 climbs T//2 for T > 10, T for T < 6, else 5."""
    if scale != 0.5:
        return t
    return t // 2 if t > 10 else (t if t < 6 else 5)


def extrapolate(t1, tm, m, full):
    return t1 + (full - 1) * (tm - t1) / (m - 1)


def scaled_pair(img, scale):
    """[2, 3, h, w]: the resized, normalised image and its horizontal flip (spec 2, 1.2)."""
    h, w = img.shape[:2]
    if scale != 1.0:
        size = (int(np.round(w * scale)), int(np.round(h * scale)))
        img = np.asarray(Image.fromarray(img).resize(size, Image.BICUBIC))
    x = ((img.astype(np.float32) / 255 - MEAN) / STD).transpose(2, 0, 1)
    x = torch.from_numpy(np.ascontiguousarray(x))
    return torch.stack([x, x.flip(-1)])


def climb(net, pair, c, npos, steps, variant, xi=0.08, lam=7.0, tau=0.5, marks=None):
    """Climbs class c from the pair for `steps` steps; returns the summed maps. `marks` (a list)
    receives time.perf_counter() at the end of each step."""
    x = pair.clone()
    sign = -torch.ones(net.classifier.out_channels)
    sign[c] = 1
    a0 = None
    maps = None
    for t in range(steps):
        x.requires_grad_(True)
        z = net(x)
        zc = z[:, c]
        if variant == "hooks":
            F.relu(zc).sum().backward(retain_graph=True)
            net.zero_grad(set_to_none=True)
            x.grad = None
        p = (zc > 0).sum(dim=(1, 2)).float()
        rho = p / (p.sum() * npos + 1e-12)
        a = rho[:, None, None] * F.relu(zc)
        amap = a[0] + a[1].flip(-1)
        l_cls = (F.relu(z).mean(dim=(2, 3)) * sign).sum()
        if a0 is None:
            a0 = amap.detach()
            loss = l_cls
        else:
            with torch.no_grad():
                mask = (amap / amap.max() > tau).float()
            loss = l_cls - lam * (mask * (amap - a0).abs()).sum()
        maps = amap.detach().clone() if maps is None else maps + amap.detach()
        if variant != "igrad":
            loss.backward()
            g = x.grad
            net.zero_grad(set_to_none=True)
        else:
            (g,) = torch.autograd.grad(loss, x)
        with torch.no_grad():
            lo, hi = x.min().item(), x.max().item()
            x = (x + xi * g / (g.abs().max() + 1e-12)).clamp_(lo, hi)
        if marks is not None:
            marks.append(time.perf_counter())
    return maps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--height", type=int, default=375)
    ap.add_argument("--width", type=int, default=500)
    ap.add_argument("--steps", type=int, default=3, help="steps measured per scale (>= 2)")
    ap.add_argument("--adv-iter", type=int, default=27, help="T of the full run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--class", dest="cls", type=int, default=0)
    ap.add_argument("--variants", default="wgrad,igrad")
    a = ap.parse_args()
    if a.steps < 2:
        ap.error("--steps must be at least 2")

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    print(f"info torch_version={torch.__version__}")
    print(f"info torch_threads={torch.get_num_threads()}")
    print(f"info image={a.width}x{a.height}")
    net = CamNet().eval()
    img = np.random.RandomState(a.seed + 1).randint(0, 256, (a.height, a.width, 3), dtype=np.uint8)
    npos = float((net.classifier.weight[a.cls] > 0).sum())
    name = f"advcam_{a.width}x{a.height}"

    for variant in a.variants.split(","):
        if variant not in ("wgrad", "igrad", "hooks"):
            ap.error(f"--variants: unknown variant {variant} (use wgrad, igrad, hooks)")
        for q in net.parameters():
            q.requires_grad_(variant != "igrad")
        for s in SCALES:  # warm-up: one step at every input shape
            t = time.perf_counter()
            climb(net, scaled_pair(img, s), a.cls, npos, 1, variant)
            print(f"warmup name={name}_{variant} scale={s} s={time.perf_counter() - t:.2f}", flush=True)
        total, fulls = 0.0, []
        for s in SCALES:
            full = full_steps(a.adv_iter, s)
            m = min(a.steps, full)
            marks = []
            start = time.perf_counter()
            climb(net, scaled_pair(img, s), a.cls, npos, m, variant, marks=marks)
            t1, tm = marks[0] - start, marks[-1] - start
            est = extrapolate(t1, tm, m, full) if m < full else tm
            total += est
            fulls.append(str(full))
            print(f"scale name={name}_{variant} scale={s} full_steps={full} measured_steps={m} "
                  f"t1_s={t1:.2f} tm_s={tm:.2f} est_s={est:.2f}", flush=True)
        print(f"result name={name}_{variant} s_per_image_class={total:.2f} measured_steps={a.steps} "
              f"full_steps={'/'.join(fulls)}", flush=True)


if __name__ == "__main__":
    main()
