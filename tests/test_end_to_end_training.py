"""One beginner training script, end to end, on the bundled digits: a Dataset and a shuffled
DataLoader, a small network, Adam with a StepLR schedule, then torch.save of the model and
optimizer state and torch.load back. The same code runs on autograd_lesson and (when it
is installed) on PyTorch, from the same seed: same shuffled batches, same initial weights
(the random numbers are PyTorch's), the same learning rates, and losses that agree."""

import io

import numpy as np
import pytest

import autograd_lesson
from autograd_lesson.datasets import load_digits


def train(torch, epochs=2):
    digits = load_digits()
    torch.manual_seed(0)
    images = torch.tensor(digits.images.reshape(len(digits.images), -1)[:512])
    labels = torch.tensor(digits.target[:512])
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(images, labels), batch_size=64, shuffle=True
    )
    model = torch.nn.Sequential(
        torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)
    ).double()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    loss_fn = torch.nn.CrossEntropyLoss()
    losses, rates, first_batch = [], [], None
    for _ in range(epochs):
        for x, y in loader:
            if first_batch is None:
                first_batch = y.tolist()
            loss = loss_fn(model(x.double()), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()
        rates.append(scheduler.get_last_lr())
    buffer = io.BytesIO()
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, buffer)
    buffer.seek(0)
    checkpoint = torch.load(buffer, weights_only=True)
    restored = torch.nn.Sequential(
        torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)
    ).double()
    restored.load_state_dict(checkpoint["model"])
    same = all(
        np.array_equal(a.detach().numpy(), b.detach().numpy())
        for a, b in zip(model.parameters(), restored.parameters())
    )
    steps = checkpoint["optimizer"]["state"][0]["step"]
    return {
        "losses": losses,
        "rates": rates,
        "first_batch": first_batch,
        "restored_same": same,
        "adam_steps": float(steps),
    }


def test_the_training_script_learns_and_restores():
    result = train(autograd_lesson)
    assert result["losses"][-1] < 0.75 * result["losses"][0]  # 2.31 -> 1.61 in 16 steps
    assert result["rates"] == [[0.005], [0.0025]]
    assert result["restored_same"]
    assert result["adam_steps"] == 16.0  # 8 batches of 64 per epoch, 2 epochs


def test_the_training_script_runs_as_in_pytorch():
    torch = pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )
    ours, theirs = train(autograd_lesson), train(torch)
    assert ours["first_batch"] == theirs["first_batch"]  # torch's shuffle, torch's numbers
    assert ours["rates"] == theirs["rates"]
    assert ours["restored_same"] and theirs["restored_same"]
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-9)
