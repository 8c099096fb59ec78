#!/usr/bin/env python3
"""Where a seed's errors are, and how much a method that widens the maps could gain.

Reads the maps `wsss4j make-cam` wrote (`<id>.npz` with `keys` and `high_res`), makes the seed the
way `eval-seeds` does (a constant background plane `threshold` in front of the maps, argmax,
through `keys`) and splits the labelled object pixels it gets wrong into
  interior: farther than BAND px (city-block) inside the object's class region,
  band:     within BAND px of it, i.e. about one map cell at output stride 8;
and the background pixels it marks as an object into near (within BAND px outside an object) and
far. Counts are fractions of the labelled object pixels. "headroom" is the seed mIoU when every
interior pixel the seed leaves as background is given its label, nothing else changed: what
AdvCAM's mechanism (the map reaching object parts it missed) could add at most at this threshold.

Needs numpy and Pillow only:
  /usr/bin/python3 experiments/seed_errors.py --cams DIR --voc-root R --list ids.txt --threshold 0.19
"""
import argparse
import os

import numpy as np
from PIL import Image

NUM_CLASSES = 21  # background + 20 VOC classes; ids outside the dataset's classes stay empty


def erode(mask, steps):
    """4-neighbour erosion repeated `steps` times (pixels farther than `steps` from the outside)."""
    for _ in range(steps):
        p = np.pad(mask, 1, constant_values=False)
        mask = p[1:-1, 1:-1] & p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    return mask


def seed_labels(npz, threshold):
    keys, maps = npz["keys"], npz["high_res"]
    planes = np.concatenate([np.full((1,) + maps.shape[1:], threshold, maps.dtype), maps])
    winner = np.argmax(planes, 0)
    return np.where(winner > 0, keys[np.maximum(winner - 1, 0)] + 1, 0)


def miou(conf):
    seen = (conf.sum(0) + conf.sum(1)) > 0
    inter = np.diag(conf)
    return 100 * np.mean(inter[seen] / (conf.sum(0) + conf.sum(1) - inter)[seen])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cams", required=True)
    ap.add_argument("--voc-root", required=True)
    ap.add_argument("--list", required=True)
    ap.add_argument("--threshold", type=float, required=True, help="background plane (eval-seeds' best)")
    ap.add_argument("--band", type=int, default=6, help="px around outlines (default 6)")
    a = ap.parse_args()
    ids = [line.split()[0] for line in open(a.list) if line.strip()]
    counts = dict(object_px=0, miss_interior=0, miss_band=0, extra_near=0, extra_far=0)
    conf = np.zeros((NUM_CLASSES, NUM_CLASSES), np.int64)
    conf_filled = np.zeros_like(conf)
    for i in ids:
        seed = seed_labels(np.load(os.path.join(a.cams, i + ".npz")), a.threshold)
        truth = np.array(Image.open(os.path.join(a.voc_root, "SegmentationClass", i + ".png"))).astype(np.int64)
        if truth.shape != seed.shape:
            raise SystemExit(f"{i}: map {seed.shape} and label {truth.shape} differ in size")
        labelled = truth != 255
        obj = labelled & (truth > 0)
        interior = np.zeros_like(obj)
        for c in np.unique(truth[obj]):
            interior |= erode(truth == c, a.band)
        near = ~erode(~obj, a.band)  # within `band` px of an object
        wrong = labelled & (seed != truth)
        counts["object_px"] += obj.sum()
        counts["miss_interior"] += (wrong & obj & interior).sum()
        counts["miss_band"] += (wrong & obj & ~interior).sum()
        counts["extra_near"] += (wrong & (truth == 0) & near).sum()
        counts["extra_far"] += (wrong & (truth == 0) & ~near).sum()
        filled = np.where(interior & (seed == 0), truth, seed)
        np.add.at(conf, (truth[labelled], seed[labelled]), 1)
        np.add.at(conf_filled, (truth[labelled], filled[labelled]), 1)
    n = counts.pop("object_px")
    print(f"{a.cams}: threshold {a.threshold}, {len(ids)} images, mIoU {miou(conf):.1f}, "
          f"headroom {miou(conf_filled):.1f}; as fractions of object pixels: "
          + ", ".join(f"{k} {v / n:.3f}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
