#!/usr/bin/env python3
"""How a map falls off with distance from the badge, inside the objects of the synthetic dataset.

For every class with a map in the listed images, takes its objects' interior pixels (farther than
BAND px inside the class region, as seed_errors.py does) outside the badge squares, bins them by
Euclidean distance to the nearest badge square of the class, and prints per bin the pixel count,
the class's mean map value and the fraction below THRESHOLD (pixels the seed at that background
threshold leaves as background, unless another class wins there). A map that falls off with
distance from the badge misses object interiors where objects are large next to their badge.

Badge positions are not in the dataset's files; write them with experiments/BadgeList.java (the
same --badge-cell / --size / --seed as synth), then:
  /usr/bin/python3 experiments/badge_distance.py --cams DIR --voc-root R --badges badges.txt --threshold 0.19
"""
import argparse
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_errors import erode  # noqa: E402


def read_badges(path):
    """BadgeList.java's lines as {image id: {segmentation label: [(x, y, side), ...]}}."""
    badges = {}
    for line in open(path):
        i, label, x, y, side, _ = line.split()
        badges.setdefault(i, {}).setdefault(int(label), []).append((int(x), int(y), int(side)))
    return badges


def distance_to_badges(shape, squares):
    """Euclidean distance of every pixel to the nearest of the badge squares (0 inside one): two
    objects of one class share a label, so a pixel counts from the nearer badge."""
    gy, gx = np.mgrid[0:shape[0], 0:shape[1]]
    dist = np.full(shape, np.inf)
    for x, y, side in squares:
        dx = np.maximum(np.maximum(x - gx, gx - (x + side - 1)), 0)
        dy = np.maximum(np.maximum(y - gy, gy - (y + side - 1)), 0)
        dist = np.minimum(dist, np.sqrt(dx * dx + dy * dy))
    return dist


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cams", required=True)
    ap.add_argument("--voc-root", required=True)
    ap.add_argument("--badges", required=True, help="output of experiments/BadgeList.java")
    ap.add_argument("--threshold", type=float, required=True, help="background plane (eval-seeds' best)")
    ap.add_argument("--band", type=int, default=6, help="px around outlines left out (default 6)")
    ap.add_argument("--bin", type=int, default=6, help="bin width in px (default 6)")
    a = ap.parse_args()
    values = {}
    for i, badges in read_badges(a.badges).items():
        path = os.path.join(a.cams, i + ".npz")
        if not os.path.exists(path):
            continue
        npz = np.load(path)
        keys, maps = list(npz["keys"]), npz["high_res"]
        truth = np.array(Image.open(os.path.join(a.voc_root, "SegmentationClass", i + ".png")))
        for label, squares in badges.items():
            if label - 1 not in keys:
                continue
            dist = distance_to_badges(truth.shape, squares)
            chosen = erode(truth == label, a.band) & (dist > 0)
            cam = maps[keys.index(label - 1)]
            for b, v in zip((dist[chosen] // a.bin).astype(int), cam[chosen]):
                values.setdefault(b, []).append(v)
    if not values:
        raise SystemExit(f"no object of {a.badges} has a map in {a.cams}")
    print(f"{a.cams}: px from badge, pixels, mean map, fraction below {a.threshold}")
    for b in sorted(values):
        v = np.array(values[b])
        print(f"{b * a.bin:3d}-{(b + 1) * a.bin:<3d} {len(v):7d} {v.mean():.3f} {(v < a.threshold).mean():.3f}")


if __name__ == "__main__":
    main()
