"""Record one ResNet-18 training step in torch 2.13 into resnet18_step.json.

Run once with the oracle installed:  python tests/golden/record_resnet.py

torchvision cannot be installed beside torch 2.13 here, so this script builds
torchvision's ResNet-18 from torch.nn modules (same modules, same names, same order)
and checks its state_dict keys and shapes against the list worked out below by hand
from torchvision's architecture (122 entries, 11,689,512 parameters).

The step is the seed lesson's: weights drawn from a seeded NumPy generator (so the
golden file needs no weights), a seeded input of shape (1, 3, 64, 64) and labels of
shape (1, 1000), model in training mode,

    prediction = model(data); loss = (prediction - labels).sum(); loss.backward()
    SGD(model.parameters(), lr=1e-2, momentum=0.9).step()

Stored: the logits (all 1000; small), the loss, and for every parameter checksums of
its gradient and of its value after the step, and for every BatchNorm buffer checksums
after the forward pass (training mode updates the running statistics). A checksum is
(sum, norm, dot with a seeded random vector): the dot catches errors that keep the norm.
tests/test_models_resnet_parity.py replays it with autograd_lesson, without torch.
"""

import json
from pathlib import Path

import numpy as np

GOLDEN_FILE = Path(__file__).with_name("resnet18_step.json")
WEIGHT_SEED = 18
DATA_SEED = 64
LR, MOMENTUM = 1e-2, 0.9
BN_SUFFIXES = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")


def resnet18_state_dict_shapes(num_classes=1000):
    """torchvision's ResNet-18 state_dict names and shapes, in its order.

    conv1/bn1 (the stem), then four layers of two BasicBlocks each; each block has
    conv1, bn1, conv2, bn2, and the first block of layers 2-4 also a downsample
    (1x1 conv with stride 2, then a BatchNorm) so the shortcut matches the new shape.
    """
    shapes = [("conv1.weight", (64, 3, 7, 7))]
    shapes += batch_norm_entries("bn1", 64)
    in_channels = 64
    for layer, channels in enumerate((64, 128, 256, 512), start=1):
        for block in range(2):
            prefix = f"layer{layer}.{block}"
            shapes.append((f"{prefix}.conv1.weight", (channels, in_channels, 3, 3)))
            shapes += batch_norm_entries(f"{prefix}.bn1", channels)
            shapes.append((f"{prefix}.conv2.weight", (channels, channels, 3, 3)))
            shapes += batch_norm_entries(f"{prefix}.bn2", channels)
            if in_channels != channels:
                shapes.append((f"{prefix}.downsample.0.weight", (channels, in_channels, 1, 1)))
                shapes += batch_norm_entries(f"{prefix}.downsample.1", channels)
            in_channels = channels
    shapes += [("fc.weight", (num_classes, 512)), ("fc.bias", (num_classes,))]
    return shapes


def batch_norm_entries(prefix, channels):
    return [
        (f"{prefix}.{suffix}", () if suffix == "num_batches_tracked" else (channels,))
        for suffix in BN_SUFFIXES
    ]


def golden_weights(seed=WEIGHT_SEED):
    """A full state_dict drawn from a seeded generator, scaled like a trained network:
    convs kaiming-normal (fan_out), BatchNorm affine near (1, 0), running statistics set
    (not the initial 0/1, so eval mode is exercised too), fc like Linear's default."""
    rng = np.random.default_rng(seed)
    weights = {}
    for name, shape in resnet18_state_dict_shapes():
        suffix = name.rsplit(".", 1)[1]
        if name == "fc.weight" or name == "fc.bias":
            bound = 1 / np.sqrt(512)
            array = rng.uniform(-bound, bound, shape)
        elif len(shape) == 4:
            fan_out = shape[0] * shape[2] * shape[3]
            array = rng.normal(0.0, np.sqrt(2.0 / fan_out), shape)
        elif suffix == "weight":
            array = rng.uniform(0.5, 1.5, shape)
        elif suffix in ("bias", "running_mean"):
            array = rng.normal(0.0, 0.1, shape)
        elif suffix == "running_var":
            array = rng.uniform(0.5, 1.5, shape)
        else:  # num_batches_tracked
            weights[name] = np.array(3, dtype=np.int64)
            continue
        weights[name] = array.astype(np.float32)
    return weights


def golden_inputs(batch=1):
    """The seed lesson's random image batch and random labels."""
    rng = np.random.default_rng(DATA_SEED)
    data = rng.random((batch, 3, 64, 64), dtype=np.float32)
    labels = rng.random((batch, 1000), dtype=np.float32)
    return data, labels


def checksum(array, index):
    """(sum, norm, dot with a random vector seeded by `index`), computed in float64."""
    values = np.asarray(array, dtype=np.float64).ravel()
    direction = np.random.default_rng([7, index]).standard_normal(values.size)
    return {
        "sum": float(values.sum()),
        "norm": float(np.sqrt((values**2).sum())),
        "dot": float(values @ direction),
    }


def torch_resnet18():
    """torchvision's ResNet-18, rebuilt from torch.nn modules (torchvision is absent)."""
    import torch
    from torch import nn

    class BasicBlock(nn.Module):
        def __init__(self, in_channels, channels, stride=1, downsample=None):
            super().__init__()
            self.conv1 = nn.Conv2d(in_channels, channels, 3, stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(channels)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(channels, channels, 3, 1, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(channels)
            self.downsample = downsample
            self.stride = stride

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            shortcut = x if self.downsample is None else self.downsample(x)
            return self.relu(out + shortcut)

    class ResNet(nn.Module):
        def __init__(self, num_classes=1000):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = self.make_layer(64, 64, 1)
            self.layer2 = self.make_layer(64, 128, 2)
            self.layer3 = self.make_layer(128, 256, 2)
            self.layer4 = self.make_layer(256, 512, 2)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(512, num_classes)

        @staticmethod
        def make_layer(in_channels, channels, stride):
            downsample = None
            if stride != 1 or in_channels != channels:
                downsample = nn.Sequential(
                    nn.Conv2d(in_channels, channels, 1, stride, bias=False),
                    nn.BatchNorm2d(channels),
                )
            return nn.Sequential(
                BasicBlock(in_channels, channels, stride, downsample),
                BasicBlock(channels, channels),
            )

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(torch.flatten(self.avgpool(x), 1))

    return ResNet()


def run_torch(weights=None, data=None, labels=None):
    """One training step in torch; returns the record (see the module docstring)."""
    import torch

    weights = golden_weights() if weights is None else weights
    default_data, default_labels = golden_inputs()
    data = default_data if data is None else data
    labels = default_labels if labels is None else labels
    model = torch_resnet18()
    model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in weights.items()})
    model.train()
    prediction = model(torch.from_numpy(data))
    loss = (prediction - torch.from_numpy(labels)).sum()
    loss.backward()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    optimizer.step()
    names = [name for name, _ in resnet18_state_dict_shapes()]
    state = model.state_dict()
    params = dict(model.named_parameters())
    return {
        "logits": prediction.detach().numpy()[0].astype(float).tolist(),
        "loss": loss.item(),
        "grad": {
            n: checksum(params[n].grad.numpy(), i) for i, n in enumerate(names) if n in params
        },
        "param_after_step": {
            n: checksum(params[n].detach().numpy(), i) for i, n in enumerate(names) if n in params
        },
        "buffers_after_forward": {
            n: checksum(state[n].numpy(), i) for i, n in enumerate(names) if n not in params
        },
    }


def main():
    import torch

    assert torch.__version__.startswith("2.13.0"), torch.__version__
    torch.set_num_threads(1)  # one thread: the recorded sums do not depend on the machine
    model = torch_resnet18()
    keys = [(k, tuple(v.shape)) for k, v in model.state_dict().items()]
    assert keys == resnet18_state_dict_shapes(), "hand-written key list disagrees with torch"
    assert len(keys) == 122
    assert sum(p.numel() for p in model.parameters()) == 11_689_512
    record = {
        "torch_version": torch.__version__,
        "repr": repr(model),
        **run_torch(),
    }
    GOLDEN_FILE.write_text(json.dumps(record, indent=0) + "\n")
    print(f"wrote {GOLDEN_FILE} ({GOLDEN_FILE.stat().st_size} bytes), loss {record['loss']}")


if __name__ == "__main__":
    main()
