#!/usr/bin/env python3
"""pydensecrf side of the dense CRF benchmark (benchmarks/README.md, "Dense CRF").

Reads the problem org.wsss4j.crf.CrfBenchmark wrote with --dump DIR (image.npy uint8 HxWx3,
unary.npy float32 [labels][h*w], params.txt, labels.npy = wsss4j's labels, and for the DeepLab
setting probs.npy), runs pydensecrf's DenseCRF2D on exactly those inputs with the same
parameters (Potts, DIAG_KERNEL, NORMALIZE_SYMMETRIC: pydensecrf's defaults) in this one thread,
and prints

  result name=<name> build_ms=.. inference_ms=.. total_ms=.. wall_ms=.. agreement=..

build = DenseCRF2D + setUnaryEnergy + addPairwiseGaussian + addPairwiseBilateral (the lattices);
inference = inference(iterations) + argmax. Times are this thread's CPU time
(time.thread_time), medians over --rounds after --warmup. agreement = fraction of pixels where
pydensecrf's argmax equals wsss4j's. With probs.npy it also reports how far wsss4j's unaries are
from pydensecrf's utils.unary_from_softmax(probs) (max abs difference).
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dump", required=True, help="directory CrfBenchmark --dump wrote")
    ap.add_argument("--name", required=True, help="result name, e.g. crf_deeplab_500x375")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1, help="ignored: densecrf runs in one thread")
    args = ap.parse_args()

    import pydensecrf.densecrf as dcrf
    from pydensecrf.utils import unary_from_softmax

    image = np.ascontiguousarray(np.load(os.path.join(args.dump, "image.npy")))
    unary = np.ascontiguousarray(np.load(os.path.join(args.dump, "unary.npy")).astype(np.float32))
    java_labels = np.load(os.path.join(args.dump, "labels.npy")).reshape(-1)
    with open(os.path.join(args.dump, "params.txt")) as f:
        p = dict(kv.split("=") for kv in f.read().split())
    h, w, _ = image.shape
    labels = unary.shape[0]
    iterations = int(p["iterations"])

    unary_note = ""
    probs_file = os.path.join(args.dump, "probs.npy")
    if os.path.exists(probs_file):
        probs = np.load(probs_file)
        ref = unary_from_softmax(probs, clip=1e-5)
        unary_note = " unary_max_diff=%.3g" % float(np.abs(ref.astype(np.float64) - unary).max())

    build, infer, wall = [], [], []
    result = None
    for r in range(-args.warmup, args.rounds):
        w0 = time.perf_counter()
        c0 = time.thread_time()
        d = dcrf.DenseCRF2D(w, h, labels)
        d.setUnaryEnergy(unary)
        d.addPairwiseGaussian(sxy=float(p["gaussian_sxy"]), compat=float(p["gaussian_compat"]))
        d.addPairwiseBilateral(sxy=float(p["bilateral_sxy"]), srgb=float(p["bilateral_srgb"]),
                               rgbim=image, compat=float(p["bilateral_compat"]))
        c1 = time.thread_time()
        q = d.inference(iterations)
        result = np.argmax(np.array(q), axis=0)
        c2 = time.thread_time()
        w2 = time.perf_counter()
        print("info round=%d build_ms=%.1f inference_ms=%.1f wall_ms=%.1f"
              % (r, (c1 - c0) * 1e3, (c2 - c1) * 1e3, (w2 - w0) * 1e3))
        if r >= 0:
            build.append((c1 - c0) * 1e3)
            infer.append((c2 - c1) * 1e3)
            wall.append((w2 - w0) * 1e3)
    total = [a + b for a, b in zip(build, infer)]
    agreement = float((result == java_labels).mean())
    print("result name=%s build_ms=%.1f inference_ms=%.1f total_ms=%.1f wall_ms=%.1f min_total_ms=%.1f"
          " rounds=%d agreement=%.6f differing_px=%d%s"
          % (args.name, statistics.median(build), statistics.median(infer), statistics.median(total),
             statistics.median(wall), min(total), args.rounds, agreement,
             int((result != java_labels).sum()), unary_note))


if __name__ == "__main__":
    sys.exit(main())
