#!/usr/bin/env python3
"""Convert a PyTorch state_dict (.pth) into the numpy .npz that wsss4j reads.

    python3 zoo/pth_to_npz.py IN.pth OUT.npz

Every tensor is written under its state_dict key, unchanged: same name, same shape (PyTorch
layout, e.g. conv weights [out, in, kH, kW]), same dtype (float32 stays float32, the int64
batch-norm counters stay int64). Renaming and layout changes are wsss4j's job when it loads the
file (org.wsss4j.nn.WeightLoader), so the .npz is a faithful copy that numpy.load can read back.

The output is byte-for-byte reproducible (numpy stores no timestamps in the archive), so the
printed SHA-256 can be compared with anyone else's conversion of the same .pth.

IN.pth may be a bare state_dict or a training checkpoint dict holding one under 'state_dict' or
'model'. Needs torch and numpy only (Debian: /usr/bin/python3 with python3-torch).
"""
import argparse
import hashlib
import os
import sys
from collections import OrderedDict

import numpy as np
import torch

CHECKPOINT_ENTRIES = ("state_dict", "model")


def find_state_dict(loaded, source):
    """The tensor table inside whatever torch.load returned."""
    if not isinstance(loaded, dict):
        sys.exit(f"{source}: holds a {type(loaded).__name__}, not a state_dict; "
                 "save model.state_dict() rather than the model object")
    if loaded and all(torch.is_tensor(v) for v in loaded.values()):
        return loaded
    for entry in CHECKPOINT_ENTRIES:
        inner = loaded.get(entry)
        if isinstance(inner, dict) and inner and all(torch.is_tensor(v) for v in inner.values()):
            return inner
    sys.exit(f"{source}: neither a state_dict nor a checkpoint with a "
             f"{' or '.join(repr(e) for e in CHECKPOINT_ENTRIES)} entry (top-level keys: "
             f"{', '.join(map(str, list(loaded)[:8]))})")


def to_numpy(state_dict):
    """Every tensor as a C-ordered numpy array on the CPU, in state_dict order."""
    arrays = OrderedDict()
    for key, tensor in state_dict.items():
        array = tensor.detach().cpu().numpy()
        # np.save writes a transposed view in Fortran order, which wsss4j refuses; copy those
        # to C order. (np.ascontiguousarray would turn 0-d counters into 1-element vectors.)
        arrays[key] = array if array.flags.c_contiguous else array.copy(order="C")
    return arrays


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description="PyTorch state_dict .pth -> numpy .npz for wsss4j")
    parser.add_argument("source", help="input .pth (state_dict or checkpoint dict)")
    parser.add_argument("target", help="output .npz")
    args = parser.parse_args()
    if not args.target.endswith(".npz"):
        # np.savez would silently append .npz and the printed checksum would name the wrong file.
        sys.exit(f"{args.target}: the output name must end in .npz")

    if not os.path.isfile(args.source):
        sys.exit(f"{args.source}: no such file")
    loaded = torch.load(args.source, map_location="cpu")
    arrays = to_numpy(find_state_dict(loaded, args.source))

    # Write next to the target and rename, so a killed run never leaves a half-written .npz.
    partial = args.target[:-len(".npz")] + ".partial.npz"
    with open(partial, "wb") as f:
        np.savez(f, **arrays)
    os.replace(partial, args.target)

    dtypes = sorted({str(a.dtype) for a in arrays.values()})
    print(f"{args.target}: {len(arrays)} arrays ({', '.join(dtypes)})")
    print(f"sha256 {sha256_of(args.target)}")


if __name__ == "__main__":
    main()
