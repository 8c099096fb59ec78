#!/usr/bin/env python3
"""How sure is a seed mIoU gain: method B against method A on the same images, with a bootstrap.

Two folders of maps (`wsss4j make-cam` output: `<id>.npz` with `keys` and `high_res`) made from the
same classifier, e.g. CAM and AdvCAM. Each method's seed is made as `eval-seeds` makes it (see
seed_errors.py) at every threshold of the sweep, and its seed mIoU is the best over the sweep. The
gain B - A is recomputed on resamples of the image list (drawn with replacement, the same draw for
both methods, each method's threshold swept again on every resample), which gives the spread that
comes from which images happen to be scored. Printed: each method's best mIoU and threshold on the
whole list (equal to eval-seeds' to the digit), the gain, and the 2.5 / 50 / 97.5 percentiles of
the gain and of each method's mIoU over the resamples.

Needs numpy and Pillow only:
  /usr/bin/python3 experiments/paired_gain.py --a cam/maps --b advcam/maps --voc-root R --list ids.txt \
      --thresholds 0.10,0.70,0.01
"""
import argparse
import os

import numpy as np
from PIL import Image

from seed_errors import NUM_CLASSES, seed_labels


def sweep(start, stop, step):
    n = int(round((stop - start) / step))
    return [round(start + k * step, 6) for k in range(n + 1)]


def confusions(cams, voc_root, ids, thresholds):
    """[image, threshold, truth, seed] confusion counts of one method's seeds."""
    out = np.zeros((len(ids), len(thresholds), NUM_CLASSES, NUM_CLASSES), np.int64)
    for i, image in enumerate(ids):
        npz = dict(np.load(os.path.join(cams, image + ".npz")))  # read once, not once per threshold
        truth = np.array(Image.open(os.path.join(voc_root, "SegmentationClass", image + ".png"))).astype(np.int64)
        labelled = truth != 255
        for t, threshold in enumerate(thresholds):
            seed = seed_labels(npz, threshold)
            if seed.shape != truth.shape:
                raise SystemExit(f"{image}: map {seed.shape} and label {truth.shape} differ in size")
            pairs = truth[labelled] * NUM_CLASSES + seed[labelled]
            out[i, t] = np.bincount(pairs, minlength=NUM_CLASSES * NUM_CLASSES).reshape(NUM_CLASSES, NUM_CLASSES)
    return out


def best_miou(conf):
    """Best mIoU over the sweep of summed confusions [threshold, truth, seed]: (mIoU %, index)."""
    rows, cols = conf.sum(2), conf.sum(1)
    inter = np.diagonal(conf, axis1=1, axis2=2)
    union = rows + cols - inter
    seen = union > 0
    iou = np.where(seen, inter / np.maximum(union, 1), 0.0)
    miou = 100 * iou.sum(1) / seen.sum(1)
    best = int(np.argmax(miou))
    return miou[best], best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a", required=True, help="maps of the baseline method (e.g. CAM)")
    ap.add_argument("--b", required=True, help="maps of the method compared with it (e.g. AdvCAM)")
    ap.add_argument("--voc-root", required=True)
    ap.add_argument("--list", required=True)
    ap.add_argument("--thresholds", default="0.15,0.34,0.01", help="start,stop,step (eval-seeds' default)")
    ap.add_argument("--resamples", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    ids = [line.split()[0] for line in open(a.list) if line.strip()]
    thresholds = sweep(*[float(x) for x in a.thresholds.split(",")])
    ca = confusions(a.a, a.voc_root, ids, thresholds)
    cb = confusions(a.b, a.voc_root, ids, thresholds)
    ma, ta = best_miou(ca.sum(0))
    mb, tb = best_miou(cb.sum(0))
    rng = np.random.default_rng(a.seed)
    draws = np.zeros((a.resamples, 3))
    for r in range(a.resamples):
        counts = np.bincount(rng.integers(0, len(ids), len(ids)), minlength=len(ids))
        ra = best_miou(np.tensordot(counts, ca, 1))[0]
        rb = best_miou(np.tensordot(counts, cb, 1))[0]
        draws[r] = (ra, rb, rb - ra)
    lo, mid, hi = np.percentile(draws, [2.5, 50, 97.5], axis=0)
    print(f"{len(ids)} images, {a.resamples} resamples of them")
    print(f"A {a.a}: {ma:.1f} (threshold {thresholds[ta]:.2f}), resampled {lo[0]:.1f} / {mid[0]:.1f} / {hi[0]:.1f}")
    print(f"B {a.b}: {mb:.1f} (threshold {thresholds[tb]:.2f}), resampled {lo[1]:.1f} / {mid[1]:.1f} / {hi[1]:.1f}")
    print(f"B - A: {mb - ma:+.1f}, resampled {lo[2]:+.1f} / {mid[2]:+.1f} / {hi[2]:+.1f}, "
          f"B ahead in {100 * np.mean(draws[:, 2] > 0):.1f}% of the resamples")


if __name__ == "__main__":
    main()
