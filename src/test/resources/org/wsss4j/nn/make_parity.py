# Generates the PyTorch reference files for ResNetParityTest (run with Debian's python3, torch 1.13):
#   /usr/bin/python3 make_parity.py
# For each case: <case>_weights.npz = the state_dict (float32, num_batches_tracked dropped) and
# <case>_io.npz = input x (float32), stage4 output and class maps z = classifier(stage4), computed in float64
# by PyTorch in eval mode. The network is written out here from torchvision's ResNet definition
# (same module names and semantics) because torchvision cannot narrow its widths.
import numpy as np
import torch
import torch.nn as nn


def frozen_bn(c):
    bn = nn.BatchNorm2d(c)
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.normal_(0, 0.1)
        bn.running_mean.normal_(0, 0.1)
        bn.running_var.uniform_(0.5, 1.5)
    return bn


class Basic(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride, dilation, stride_in_1x1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, dilation, dilation, bias=False)
        self.bn1 = frozen_bn(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, dilation, dilation, bias=False)
        self.bn2 = frozen_bn(planes)
        self.downsample = None
        if stride != 1 or cin != planes:
            self.downsample = nn.Sequential(nn.Conv2d(cin, planes, 1, stride, bias=False), frozen_bn(planes))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (x if self.downsample is None else self.downsample(x)))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride, dilation, stride_in_1x1):
        super().__init__()
        s1, s3 = (stride, 1) if stride_in_1x1 else (1, stride)
        self.conv1 = nn.Conv2d(cin, planes, 1, s1, bias=False)
        self.bn1 = frozen_bn(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, s3, dilation, dilation, bias=False)
        self.bn2 = frozen_bn(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = frozen_bn(planes * 4)
        self.downsample = None
        if stride != 1 or cin != planes * 4:
            self.downsample = nn.Sequential(nn.Conv2d(cin, planes * 4, 1, stride, bias=False), frozen_bn(planes * 4))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = torch.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return torch.relu(y + (x if self.downsample is None else self.downsample(x)))


class Net(nn.Module):
    def __init__(self, block, blocks, width, strides, dilations, stride_in_1x1, ceil, classes):
        super().__init__()
        stem = round(64 * width)
        self.conv1 = nn.Conv2d(3, stem, 7, 2, 3, bias=False)
        self.bn1 = frozen_bn(stem)
        self.maxpool = nn.MaxPool2d(3, 2, 1, ceil_mode=ceil)
        cin = stem
        for i in range(4):
            planes = round((64 << i) * width)
            layer = []
            for b in range(blocks[i]):
                layer.append(block(cin, planes, strides[i] if b == 0 else 1, dilations[i], stride_in_1x1))
                cin = planes * block.expansion
            setattr(self, "layer%d" % (i + 1), nn.Sequential(*layer))
        self.classifier = nn.Conv2d(cin, classes, 1, bias=False)

    def forward(self, x):
        x = self.maxpool(torch.relu(self.bn1(self.conv1(x))))
        f = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return f, self.classifier(f)


CASES = {
    # IRN's classifier layout (torchvision bottleneck, strides 1,2,2,1), narrowed to 1/32.
    "irn_bottleneck": dict(block=Bottleneck, blocks=[1, 1, 1, 1], width=1 / 32, strides=[1, 2, 2, 1],
                           dilations=[1, 1, 1, 1], stride_in_1x1=False, ceil=False, classes=20,
                           x=(2, 3, 23, 19)),
    # DeepLab-v2's caffe style: stride in the first 1x1, dilations 2 and 4, ceil-mode pool.
    "caffe_dilated": dict(block=Bottleneck, blocks=[1, 1, 1, 1], width=1 / 64, strides=[1, 2, 1, 1],
                          dilations=[1, 1, 2, 4], stride_in_1x1=True, ceil=True, classes=3, x=(1, 3, 26, 21)),
    # Basic blocks (ResNet-18/34 style), two blocks in layer1, torchvision strides.
    "basic": dict(block=Basic, blocks=[2, 1, 1, 1], width=1 / 32, strides=[1, 2, 2, 2],
                  dilations=[1, 1, 1, 1], stride_in_1x1=False, ceil=False, classes=4, x=(1, 3, 33, 27)),
}

torch.manual_seed(20240601)
for name, c in CASES.items():
    net = Net(c["block"], c["blocks"], c["width"], c["strides"], c["dilations"], c["stride_in_1x1"],
              c["ceil"], c["classes"]).eval()
    state = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()
             if not k.endswith("num_batches_tracked")}
    np.savez(name + "_weights.npz", **state)
    x = torch.randn(*c["x"]).float()
    with torch.no_grad():
        f, z = net.double()(x.double())
    np.savez(name + "_io.npz", x=x.numpy().astype(np.float32), stage4=f.numpy(), cams=z.numpy())
    print(name, "params", sum(v.size for v in state.values()), "stage4", tuple(f.shape), "cams", tuple(z.shape))
