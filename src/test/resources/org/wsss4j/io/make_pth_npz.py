# Generates pth_converted.npz for PthConversionTest (run with Debian's python3, from this folder):
#   /usr/bin/python3 make_pth_npz.py
# A tiny ResNet-named state_dict, saved the way DataParallel training saves it (module. prefix),
# goes through torch.save and then zoo/pth_to_npz.py exactly as a user would run it.
import os
import subprocess
import sys
import tempfile
from collections import OrderedDict

import torch

here = os.path.dirname(os.path.abspath(__file__))
converter = os.path.join(here, "../../../../../../zoo/pth_to_npz.py")

g = torch.Generator().manual_seed(0)
sd = OrderedDict()
# Conv kernel [out=2, in=3, kH=2, kW=2]; element [o, i, y, x] = (12o + 4i + 2y + x) / 8 - 1.
sd["module.conv1.weight"] = (torch.arange(24, dtype=torch.float32) / 8 - 1).reshape(2, 3, 2, 2)
sd["module.bn1.weight"] = torch.randn(2, generator=g)
sd["module.bn1.bias"] = torch.randn(2, generator=g)
sd["module.bn1.running_mean"] = torch.randn(2, generator=g)
sd["module.bn1.running_var"] = torch.rand(2, generator=g) + 0.5
sd["module.bn1.num_batches_tracked"] = torch.tensor(7)  # 0-d int64, as BatchNorm keeps it
# A transposed (non-contiguous, Fortran-ordered in numpy) view: [o, i, 0, 0] = 4i + o. It checks
# that the converter writes C order, which is all wsss4j reads.
sd["module.layer1.0.conv1.weight"] = torch.arange(8, dtype=torch.float32).reshape(2, 4).t()[:, :, None, None]
sd["module.fc.weight"] = torch.randn(3, 4, generator=g)
sd["module.fc.bias"] = torch.randn(3, generator=g)

for k, v in sd.items():
    print(k, list(v.shape), v.dtype, [repr(float(x)) for x in v.flatten()[:4]])

with tempfile.TemporaryDirectory() as tmp:
    pth = os.path.join(tmp, "tiny.pth")
    torch.save(sd, pth)
    subprocess.run([sys.executable, converter, pth, os.path.join(here, "pth_converted.npz")], check=True)
