"""Time lesson 08's capstone training: the small residual CNN on the digits, as a learner runs it.

    python benchmarks/capstone.py --epochs 2      # prints {"seconds": ..., "steps": ...}

The model, data, optimizer and batches are notebook 08's (float64, SGD lr 0.02 momentum 0.9,
batches of 64), trained for `--epochs` epochs (the notebook trains 10). It runs with the
engine's default threads, what a learner gets: resnet18_step.py starts it in a fresh
process, once on a quiet machine and once next to a competing load, alternately.
"""

import argparse
import json
import time


def digit_net(nn, width=16):
    """Notebook 08's network: stem, residual block, max-pool, residual block, head."""

    class ResidualBlock(nn.Module):
        def __init__(self, channels):
            super().__init__()
            self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(channels)
            self.relu = nn.ReLU()
            self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(channels)

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + x)

    return nn.Sequential(
        nn.Conv2d(1, width, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(width),
        nn.ReLU(),
        ResidualBlock(width),
        nn.MaxPool2d(2),
        ResidualBlock(width),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(width, 10),
    )


def train(epochs, batch_size=64):
    """(seconds, steps) for `epochs` epochs of notebook 08's training loop."""
    import autograd_lesson as torch
    from autograd_lesson.datasets import split_digits

    train_set, _ = split_digits(test_fraction=0.2, seed=0)
    x_train = torch.from_numpy(train_set.images).unsqueeze(1).double()
    y_train = torch.from_numpy(train_set.target)
    torch.manual_seed(0)
    model = digit_net(torch.nn).double()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    steps = 0
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(y_train))
        for first in range(0, len(order), batch_size):
            batch = order[first : first + batch_size]
            loss = loss_fn(model(x_train[batch]), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss.item()
            steps += 1
    return time.perf_counter() - start, steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=2)
    seconds, steps = train(parser.parse_args().epochs)
    print(json.dumps({"seconds": seconds, "steps": steps}))


if __name__ == "__main__":
    main()
