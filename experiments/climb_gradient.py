#!/usr/bin/python3
"""Where the anti-adversarial climb moves the image on the synthetic dataset, region by region.

The climb's step is xi g / max|g| (spec 3.2(f)): one global maximum over the image pair, so pixels
whose gradient is small next to the largest one barely move. This follows the climb of each present
class at scale 1 (the reference's loss, lambda, tau and xi; the network and the climb itself from
benchmarks/parity/cam_parity.py, which recomputes wsss4j's climb from the spec) and prints, per
region of the image, the mean of |g| / max|g| over the climb's steps, how far the pixels moved in
the end (mean over channels of |x_T - x_0|), and the attribution map at the first and last step
as a fraction of the first step's maximum. Regions: the class's badge squares, the class's body
within NEAR px of a badge and farther, and the background (void pixels left out).

  java -cp "target/wsss4j.jar:target/lib/*" experiments/BadgeList.java 8 > badges.txt
  /usr/bin/python3 experiments/climb_gradient.py --weights W --voc-root R --badges badges.txt
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "benchmarks", "parity"))
from badge_distance import distance_to_badges, read_badges  # noqa: E402
from cam_parity import climb, image_labels, load_network, scaled_pair  # noqa: E402

REGIONS = ("badge", "body near", "body far", "background")


def regions(truth, label, squares, near):
    """Boolean masks of REGIONS for one class of one image."""
    dist = distance_to_badges(truth.shape, squares)
    body = truth == label
    return (body & (dist == 0), body & (dist > 0) & (dist < near), body & (dist >= near), truth == 0)


def follow(net, pair, c, steps, xi, lam, tau, paper=False):
    """The climb of spec 3.2 (cam_parity.climb), reduced to what this script reports: the per-pixel
    mean of |g| / max|g| over the updates [H, W], the final |x_T - x_0| [H, W] (both the mean over
    channels, the flipped half flipped back and the two halves averaged) and the maps A^0, A^{T-1}."""
    trace = []
    climb(net, pair, c, steps, xi, lam, tau, trace, paper)

    def unflip(v):
        return (v[0].mean(0) + v[1].mean(0).flip(-1)) / 2

    share = sum(unflip(e["g"].abs() / (e["g"].abs().max() + 1e-12)) for e in trace[:-1]) / (steps - 1)
    moved = unflip((trace[-1]["x"] - pair).abs())
    return share, moved, trace[0]["map"], trace[-1]["map"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--weights", required=True, help="a wsss4j classifier .npz (with its .json sidecar)")
    ap.add_argument("--voc-root", required=True)
    ap.add_argument("--badges", required=True, help="output of experiments/BadgeList.java")
    ap.add_argument("--steps", type=int, default=27)
    ap.add_argument("--xi", type=float, default=0.08)
    ap.add_argument("--lam", type=float, default=7.0)
    ap.add_argument("--tau", type=float, default=0.5)
    ap.add_argument("--paper", action="store_true", help="the paper's formulation (make-cam --adv-variant paper)")
    ap.add_argument("--near", type=float, default=12.0, help="px from a badge still 'near' (default 12)")
    a = ap.parse_args()
    torch.set_grad_enabled(True)
    net, info = load_network(a.weights)
    for p in net.parameters():
        p.requires_grad_(False)
    mean, std = info["normalisation"]["mean"], info["normalisation"]["std"]
    objects = read_badges(a.badges)
    totals = {r: np.zeros(5) for r in REGIONS}          # pixels, grad share, moved, map t=0, map t=T-1
    for i, badges in objects.items():
        img = np.array(Image.open(os.path.join(a.voc_root, "JPEGImages", i + ".jpg")).convert("RGB"))
        truth = np.array(Image.open(os.path.join(a.voc_root, "SegmentationClass", i + ".png")))
        pair = scaled_pair(img, 1.0, mean, std)
        for c in image_labels(a.voc_root, i):
            if c + 1 not in badges:
                continue
            share, moved, a0, last = follow(net, pair, c, a.steps, a.xi, a.lam, a.tau, a.paper)
            up = F.interpolate(torch.stack([a0, last])[None], truth.shape, mode="bilinear",
                               align_corners=False)[0] / a0.max()
            for r, m in zip(REGIONS, regions(truth, c + 1, badges[c + 1], a.near)):
                mt = torch.from_numpy(m)
                if mt.any():
                    totals[r] += [mt.sum().item(), share[mt].sum().item(), moved[mt].sum().item(),
                                  up[0][mt].sum().item(), up[1][mt].sum().item()]
        print(f"{i} done", file=sys.stderr)
    print(f"{a.weights}: {'paper' if a.paper else 'reference'} form, lambda {a.lam}, {a.steps} steps, scale 1")
    print(f"{'region':<11} {'pixels':>7} {'|g|/max|g|':>10} {'moved':>7} {'map t=0':>8} {'map t=T-1':>9}")
    for r in REGIONS:
        n, s, mv, m0, m1 = totals[r]
        if n:
            print(f"{r:<11} {int(n):7d} {s / n:10.4f} {mv / n:7.4f} {m0 / n:8.3f} {m1 / n:9.3f}")


if __name__ == "__main__":
    main()
