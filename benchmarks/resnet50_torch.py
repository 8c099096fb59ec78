#!/usr/bin/python3
"""PyTorch counterpart of org.wsss4j.bench.ResNetBenchmark.

The same network: torchvision-style ResNet-50 (bottleneck blocks [3, 4, 6, 3], stride on the 3x3
conv), strides conv1 2, maxpool 2, layer1 1, layer2 2, layer3 2, layer4 1 (output stride 16),
frozen batch norm (eval mode), and a bias-free 1x1 conv 2048 -> 20 giving the class maps z.
Written out here so that torchvision is not needed.

Measurements (batch 2, 3 x size x size, float32, after warm-up; median of repeats):
  resnet50_fwd_<size>    z = net(x) under torch.no_grad()
  resnet50_igrad_<size>  z = net(x); L = sum(ReLU(z[:, c])); dL/dx by torch.autograd.grad,
                         parameters frozen (requires_grad False), so only the input gradient is
                         computed: the least work PyTorch can do for this step.
  resnet50_igrad_wgrad_<size> (info only) the same step written as AdvCAM's code does it,
                         L.backward() with trainable parameters, which also computes weight grads.

Prints lines "result name=<name> median_ms=.. min_ms=.. max_ms=.. cpu_ms=.. repeats=.." and "info k=v"
(cpu_ms: median process CPU time per step, all threads).
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride):
        super().__init__()
        width = planes
        self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = None
        if stride != 1 or inplanes != planes * 4:
            self.downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes * 4, 1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * 4))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return F.relu(out + identity)


class CamNet(nn.Module):
    def __init__(self, num_classes=20, strides=(1, 2, 2, 1), blocks=(3, 4, 6, 3)):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        inplanes = 64
        layers = []
        for i, (n, s) in enumerate(zip(blocks, strides)):
            planes = 64 << i
            mods = []
            for b in range(n):
                mods.append(Bottleneck(inplanes, planes, s if b == 0 else 1))
                inplanes = planes * 4
            layers.append(nn.Sequential(*mods))
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.classifier = nn.Conv2d(2048, num_classes, 1, bias=False)
        for m in self.modules():
            if isinstance(m, nn.Conv2d) and m is not self.classifier:
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.classifier(x)


def timed(name, step, warmup, repeats):
    for i in range(warmup):
        t = time.perf_counter()
        step()
        print(f"warmup name={name} i={i} ms={(time.perf_counter() - t) * 1e3:.1f}", flush=True)
    times, cpu = [], []
    for _ in range(repeats):
        c = time.process_time()
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.process_time() - c) * 1e3)
    print(f"result name={name} median_ms={statistics.median(times):.1f} min_ms={min(times):.1f} "
          f"max_ms={max(times):.1f} cpu_ms={statistics.median(cpu):.1f} repeats={repeats}", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=448)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--class", dest="cls", type=int, default=0)
    p.add_argument("--only", default="all", choices=["all", "fwd", "igrad"])
    p.add_argument("--wgrad", action="store_true", help="also time the backward() variant with weight grads")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    print(f"info torch_version={torch.__version__}")
    print(f"info torch_threads={torch.get_num_threads()}")
    print(f"info mkldnn={torch.backends.mkldnn.is_available()}")
    print(f"info input={a.batch}x3x{a.size}x{a.size}")

    net = CamNet().eval()
    for q in net.parameters():
        q.requires_grad_(False)
    g = torch.Generator().manual_seed(a.seed + 1)
    x = torch.rand(a.batch, 3, a.size, a.size, generator=g) * 4 - 2
    suffix = f"_{a.size}"

    if a.only in ("all", "fwd"):
        def fwd():
            with torch.no_grad():
                return net(x)
        timed("resnet50_fwd" + suffix, fwd, a.warmup, a.repeats)

    if a.only in ("all", "igrad"):
        def igrad():
            xi = x.detach().requires_grad_(True)
            z = net(xi)
            loss = F.relu(z[:, a.cls]).sum()
            (gx,) = torch.autograd.grad(loss, xi)
            return gx
        timed("resnet50_igrad" + suffix, igrad, a.warmup, a.repeats)

        if a.wgrad:
            for q in net.parameters():
                q.requires_grad_(True)

            def igrad_wgrad():
                xi = x.detach().requires_grad_(True)
                z = net(xi)
                F.relu(z[:, a.cls]).sum().backward()
                net.zero_grad(set_to_none=True)
                return xi.grad
            timed("resnet50_igrad_wgrad" + suffix, igrad_wgrad, a.warmup, a.repeats)
            for q in net.parameters():
                q.requires_grad_(False)


if __name__ == "__main__":
    main()
