"""ResNet-18, built as torchvision builds it, so torchvision's weights load unchanged.

A ResNet is a stem (a 7x7 conv with stride 2, BatchNorm, ReLU, a 3x3 max-pool), four
*layers* of residual blocks, a global average pool and one Linear classifier:

    input (N, 3, H, W)
      conv1 / bn1 / relu / maxpool      -> (N, 64, H/4, W/4)
      layer1: 2 BasicBlocks,  64 ch     -> (N, 64, H/4, W/4)
      layer2: 2 BasicBlocks, 128 ch     -> (N, 128, H/8, W/8)   the first block strides 2
      layer3: 2 BasicBlocks, 256 ch     -> (N, 256, H/16, W/16)
      layer4: 2 BasicBlocks, 512 ch     -> (N, 512, H/32, W/32)
      avgpool + flatten                 -> (N, 512)
      fc                                -> (N, num_classes)   the logits

A BasicBlock computes relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)): the block only
learns a *correction* to its input, which is what lets gradients reach the first layers
of a deep network. When a block changes the shape (more channels, stride 2), the shortcut
is a `downsample`: a 1x1 conv with the same stride, then a BatchNorm.

The attribute names (conv1, bn1, layer1.0.downsample.0, fc, ...) are torchvision's: they
become the state_dict keys, and weights exported from torchvision load by those names.
"""

from .. import nn
from .weights import ResNet18_Weights, load_weights


def conv3x3(in_channels, out_channels, stride=1):
    """3x3 convolution, padding 1 (keeps H and W when stride is 1), no bias (BN follows)."""
    return nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(in_channels, out_channels, stride=1):
    """1x1 convolution: mixes channels only; used by the downsample shortcut."""
    return nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1  # output channels = planes * expansion (4 in ResNet-50's Bottleneck)

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        out += shortcut  # in place, as in torchvision: AddBackward0 in the graph either way
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        self._initialise(zero_init_residual)

    def _make_layer(self, block, planes, blocks, stride=1):
        """`blocks` residual blocks; the first one changes channels and/or resolution."""
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def _initialise(self, zero_init_residual):
        """torchvision's initialisation: He-normal convs (fan_out, for ReLU), BatchNorm as
        the identity (weight 1, bias 0); Linear keeps PyTorch's default. The modules are
        visited in the same order every time, so `manual_seed` gives the same model."""
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.constant_(module.weight, 1)
                nn.init.constant_(module.bias, 0)
        if zero_init_residual:
            # Each block then starts as the identity: its last BatchNorm outputs zeros.
            for module in self.modules():
                if isinstance(module, BasicBlock):
                    nn.init.constant_(module.bn2.weight, 0)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        x = self.layer4(x)
        x = self.avgpool(x)
        x = x.flatten(1)
        return self.fc(x)


def resnet18(*, weights=None, progress=True, weights_path=None, **kwargs):
    """ResNet-18 as torchvision's `resnet18`: random weights, or ImageNet weights.

    weights:       None (random, reproducible after `manual_seed`), or
                   `ResNet18_Weights.DEFAULT` / `.IMAGENET1K_V1` / the strings "DEFAULT",
                   "IMAGENET1K_V1". The weights are read from a local file, torchvision's
                   .pth or a .npz (nothing is downloaded): see `autograd_lesson.models.weights`
                   for where it is looked for.
    progress:      accepted for torchvision compatibility; there is no download to show.
    weights_path:  the .pth or .npz file to read (this package's addition; optional).
    num_classes:   size of the last layer (1000 when weights are given).
    """
    weights = ResNet18_Weights.verify(weights)
    if weights is not None:
        categories = len(weights.meta["categories"])
        if kwargs.get("num_classes", categories) != categories:
            raise ValueError(
                f"The parameter 'num_classes' expected value {categories} but got "
                f"{kwargs['num_classes']} instead."
            )
        kwargs["num_classes"] = categories
    model = ResNet(BasicBlock, [2, 2, 2, 2], **kwargs)
    if weights is not None:
        load_weights(model, weights, weights_path)
    return model
