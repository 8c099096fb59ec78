#!/usr/bin/python3
"""PyTorch counterpart of org.wsss4j.bench.DeepLabBenchmark: deeplab-pytorch's own
DeepLabV2_ResNet101_MSC (imported from a checkout, not copied), 21 classes, float32, from-scratch
weights drawn as wsss4j draws them (backbone convs Kaiming-normal fan_out, by the checkout's own
init_weights; the ASPP N(0, 0.01^2), bias 0; batch norm at PyTorch's defaults).

One measurement per process (--mode), so that the peak resident set is the measurement's own:
  deeplab_train_step  one training step as deeplab-pytorch's main.py writes it: model.train() with
                      the batch norms frozen (base.freeze_bn(): eval mode), MSC forward on a batch
                      of --batch random 3 x crop x crop inputs, cross-entropy (ignore_index 255) on
                      each of the four outputs against the labels resized to its size (PIL nearest,
                      as main.py's resize_labels), summed; backward; torch.optim.SGD with momentum
                      0.9, weight decay 5e-4, and the three parameter groups of main.py's get_params
                      (backbone convs lr, ASPP weights 10 lr, ASPP biases 20 lr; the batch-norm
                      parameters in none); zero_grad at the start of the step.
  deeplab_predict     main.py's test path on one random --height x --width image without the CRF:
                      model.eval(), under torch.no_grad(): the MSC max fusion, logits upsampled
                      bilinearly (align_corners=False) to the image, softmax, argmax.

Prints "info k=v", "warmup i=.. ms=..", then "result name=<name> median_ms=.. min_ms=.. max_ms=..
cpu_ms=.. repeats=.. peak_rss_mb=.." (peak_rss_mb: VmHWM of the process at its end, model build and
warm-up included).
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image


# The training input's scale: pixel values (0..255 minus about the mean) times this. From scratch,
# the caffe ResNet-101 with batch norm at its defaults multiplies its input about 2e4-fold (logits
# near 2e6 for such pixels), and the first updates then overflow to inf and NaN; the network is
# positively homogeneous, so scaling the input scales the logits down and keeps every value a
# normal float (at 1e-5 the losses still diverged to NaN within three steps at crop 241). Speed
# does not depend on the values as long as none is subnormal, inf or NaN. DeepLabBenchmark uses
# the same factor.
INPUT_SCALE = 1e-6


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def load_model(checkout, classes):
    if not checkout or not os.path.isdir(os.path.join(checkout, "libs", "models")):
        sys.exit("deeplab_torch.py: give deeplab-pytorch's checkout with --deeplab-pytorch DIR or DEEPLAB_PYTORCH"
                 " (a clone of https://github.com/kazuto1011/deeplab-pytorch); got '%s'" % checkout)
    sys.path.insert(0, checkout)
    from libs.models import DeepLabV2_ResNet101_MSC, init_weights
    model = DeepLabV2_ResNet101_MSC(n_classes=classes)
    # The backbone's convs Kaiming-normal (fan_out), as wsss4j's from-scratch weights: PyTorch's
    # default Conv2d init shrinks the activations layer by layer into subnormal floats, which
    # slow every op down many times. The ASPP keeps its N(0, 0.01^2) init.
    for name, m in model.base.named_children():
        if name.startswith("layer"):
            m.apply(init_weights)
    return model


def param_groups(model, lr):
    """main.py's get_params: convs under 'layer' modules at lr, the ASPP's weights 10x, biases 20x."""
    backbone, aspp_w, aspp_b = [], [], []
    for name, m in model.base.named_modules():
        if not isinstance(m, nn.Conv2d):
            continue
        if "layer" in name:
            backbone.extend(m.parameters())
        if "aspp" in name:
            aspp_w.append(m.weight)
            aspp_b.append(m.bias)
    return [{"params": backbone, "lr": lr, "weight_decay": 5e-4},
            {"params": aspp_w, "lr": 10 * lr, "weight_decay": 5e-4},
            {"params": aspp_b, "lr": 20 * lr, "weight_decay": 0.0}]


def resize_labels(labels, size):
    """main.py's resize_labels: each label map resized by PIL nearest to size (w, h)."""
    out = [np.asarray(Image.fromarray(l.float().numpy()).resize(size, resample=Image.NEAREST)) for l in labels]
    return torch.LongTensor(np.stack(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["train", "predict"], default="train")
    ap.add_argument("--deeplab-pytorch", default=os.environ.get("DEEPLAB_PYTORCH", ""))
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--crop", type=int, default=321)
    ap.add_argument("--height", type=int, default=375)
    ap.add_argument("--width", type=int, default=500)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    print("info torch_version=%s" % torch.__version__)
    print("info torch_threads=%d" % torch.get_num_threads())
    print("info mkldnn=%s" % torch.backends.mkldnn.is_available())
    t0 = time.perf_counter()
    model = load_model(a.deeplab_pytorch, 21)
    g = torch.Generator().manual_seed(a.seed)

    if a.mode == "train":
        name = "deeplab_train_step"
        model.train()
        model.base.freeze_bn()
        lr = 2.5e-4
        optimizer = torch.optim.SGD(param_groups(model, lr), lr=lr, momentum=0.9)
        criterion = nn.CrossEntropyLoss(ignore_index=255)
        x = (torch.rand(a.batch, 3, a.crop, a.crop, generator=g) * 255 - 115) * INPUT_SCALE
        labels = torch.randint(0, 21, (a.batch, a.crop, a.crop), generator=g)
        labels[torch.rand(labels.shape, generator=g) < 0.05] = 255

        losses = []

        def step():
            optimizer.zero_grad()
            logits = model(x)
            loss = 0
            for logit in logits:
                _, _, h, w = logit.shape
                loss = loss + criterion(logit, resize_labels(labels, size=(w, h)))
            loss.backward()
            optimizer.step()
            losses.append(float(loss))
    else:
        name = "deeplab_predict"
        model.eval()
        image = torch.randint(0, 256, (1, 3, a.height, a.width), generator=g).float() - 115

        def step():
            with torch.no_grad():
                logits = model(image)
                logits = F.interpolate(logits, size=(a.height, a.width), mode="bilinear", align_corners=False)
                probs = F.softmax(logits, dim=1)
                torch.argmax(probs, dim=1)
    print("info setup_ms=%.0f" % ((time.perf_counter() - t0) * 1e3))
    for i in range(a.warmup):
        t = time.perf_counter()
        step()
        print("warmup i=%d ms=%.1f rss_mb=%d" % (i, (time.perf_counter() - t) * 1e3, status_kb("VmRSS") >> 10),
              flush=True)
    times, cpu = [], []
    for i in range(a.repeats):
        c = time.process_time()
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.process_time() - c) * 1e3)
        print("step i=%d ms=%.1f" % (i, times[-1]), flush=True)
    if a.mode == "train":
        print("info losses=%s" % ",".join("%.4g" % l for l in losses))
    print("result name=%s median_ms=%.1f min_ms=%.1f max_ms=%.1f cpu_ms=%.1f repeats=%d peak_rss_mb=%d"
          % (name, statistics.median(times), min(times), max(times), statistics.median(cpu), a.repeats,
             status_kb("VmHWM") >> 10))


if __name__ == "__main__":
    main()
