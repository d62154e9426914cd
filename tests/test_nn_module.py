"""nn.Module's API: registries, state_dict / load_state_dict, modes, gradients, init.

Expected texts (state_dict errors, reprs) were taken from torch 2.13.0; the live tests at
the end check them against torch again when it is installed. The MODULE scenarios of
tests/golden/record_nn_scenarios.py (load_state_dict's dtype conversion, assign=True and
error texts; ModuleList, NLLLoss, xavier_normal_, register_module, register_parameter /
register_buffer) replay torch's recorded logs.
"""

import math

import numpy as np
import pytest
from golden_support import load_golden, load_recorder

import autograd_lesson as torch
from autograd_lesson import nn

recorder = load_recorder("record_nn_scenarios")
GOLDEN = load_golden("nn_scenarios.json")["scenarios"]


class Net(nn.Module):
    """A torchvision-like miniature: a stem, one Sequential layer of blocks, a head."""

    def __init__(self, nn=nn, num_classes=10):
        nn.Module.__init__(self)  # not super(): the live tests reuse this for a torch model
        self.conv1 = nn.Conv2d(3, 4, kernel_size=3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(4, num_classes)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.relu(self.layer1(x) + x)
        return self.fc(torch_flatten(self.avgpool(x)))


def torch_flatten(x):
    return x.flatten(1)


KEYS = [
    "conv1.weight",
    "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
    "layer1.0.weight", "layer1.0.bias",
    "layer1.1.weight", "layer1.1.bias", "layer1.1.running_mean", "layer1.1.running_var",
    "layer1.1.num_batches_tracked",
    "fc.weight", "fc.bias",
]  # fmt: skip

NET_REPR = """Net(
  (conv1): Conv2d(3, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)
  (bn1): BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
  (relu): ReLU(inplace=True)
  (layer1): Sequential(
    (0): Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    (1): BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
  )
  (avgpool): AdaptiveAvgPool2d(output_size=(1, 1))
  (fc): Linear(in_features=4, out_features=10, bias=True)
)"""


def snapshot(module):
    return {k: v.numpy().copy() for k, v in module.state_dict().items()}


def bad_checkpoint(model):
    """One missing key, two unexpected, two of the wrong shape."""
    state = dict(model.state_dict())
    del state["bn1.running_mean"]
    state["fc.weight"] = np.zeros((3, 4), np.float32)
    state["conv1.weight"] = torch.zeros(4, 3, 5, 5)
    state["head.weight"] = torch.zeros(1)
    state["extra"] = torch.zeros(1)
    return state


BAD_CHECKPOINT_MESSAGE = (
    "Error(s) in loading state_dict for Net:\n"
    '\tMissing key(s) in state_dict: "bn1.running_mean". \n'
    '\tUnexpected key(s) in state_dict: "head.weight", "extra". \n'
    "\tsize mismatch for conv1.weight: copying a param with shape torch.Size([4, 3, 5, 5]) "
    "from checkpoint, the shape in current model is torch.Size([4, 3, 3, 3]).\n"
    "\tsize mismatch for fc.weight: copying a param with shape torch.Size([3, 4]) from "
    "checkpoint, the shape in current model is torch.Size([10, 4])."
)


# ---------------------------------------------------------------------- registries


def test_state_dict_names_order_and_values():
    model = Net()
    state = model.state_dict()
    assert list(state) == KEYS
    assert state["bn1.num_batches_tracked"].dtype == torch.int64
    assert not state["fc.weight"].requires_grad  # detached ...
    state["fc.bias"][0] = 5.0  # ... but sharing memory with the model, as in PyTorch
    assert model.fc.bias[0].item() == 5.0


def test_parameters_buffers_and_modules():
    model = Net()
    names = [name for name, _ in model.named_parameters()]
    assert names == [k for k in KEYS if "running" not in k and "num_batches" not in k]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())
    assert [n for n, _ in model.named_buffers()] == [
        k for k in KEYS if "running" in k or "num_batches" in k
    ]
    assert [n for n, _ in model.named_children()] == [
        "conv1", "bn1", "relu", "layer1", "avgpool", "fc"
    ]  # fmt: skip
    assert [n for n, _ in model.named_modules()] == [
        "", "conv1", "bn1", "relu", "layer1", "layer1.0", "layer1.1", "avgpool", "fc"
    ]  # fmt: skip
    assert sum(p.numel() for p in model.parameters()) == 108 + 8 + 144 + 4 + 8 + 40 + 10


def test_shared_module_is_listed_once_in_parameters():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_assigning_a_new_head_replaces_it_everywhere():
    model = Net()
    model.fc = nn.Linear(4, 3)
    assert model(torch.rand(2, 3, 8, 8)).shape == torch.Size([2, 3])
    assert model.state_dict()["fc.weight"].shape == torch.Size([3, 4])
    assert any(p is model.fc.weight for p in model.parameters())
    assert "fc" in dict(model.named_children())


def test_setattr_registers_parameters_and_refuses_plain_tensors():
    module = nn.Module()
    module.scale = nn.Parameter(torch.ones(3))
    module.register_buffer("count", torch.zeros(1))
    module.register_buffer("scratch", torch.zeros(2), persistent=False)
    module.note = "not a tensor"
    assert [n for n, _ in module.named_parameters()] == ["scale"]
    assert list(module.state_dict()) == ["scale", "count"]  # non-persistent buffers skipped
    with pytest.raises(TypeError, match="torch.nn.Parameter or None expected"):
        module.scale = torch.ones(3)
    module.scale = None
    assert list(module.parameters()) == []
    del module.count
    assert list(module.state_dict()) == []


def test_module_without_init_call_says_so():
    class Forgetful(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"cannot assign module before Module.__init__\(\)"):
        Forgetful()


def test_sequential_indexing():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(seq) == 3
    assert isinstance(seq[-1], nn.Linear) and isinstance(seq[1], nn.ReLU)
    assert [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear"]
    tail = seq[1:]
    assert isinstance(tail, nn.Sequential) and list(tail._modules) == ["1", "2"]
    with pytest.raises(IndexError):
        seq[3]
    assert seq(torch.rand(4, 2)).shape == torch.Size([4, 1])


# ---------------------------------------------------------------------- load_state_dict


def test_load_state_dict_round_trip_with_numpy_arrays():
    source, target = Net(), Net()
    torch.manual_seed(1)
    for p in source.parameters():
        nn.init.normal_(p)
    arrays = {k: v.numpy() for k, v in source.state_dict().items()}
    result = target.load_state_dict(arrays)
    assert repr(result) == "<All keys matched successfully>"
    for key, value in target.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), arrays[key])


def test_load_state_dict_reports_every_problem_at_once_and_changes_nothing():
    model = Net()
    before = snapshot(model)
    with pytest.raises(RuntimeError) as error:
        model.load_state_dict(bad_checkpoint(model))
    assert str(error.value) == BAD_CHECKPOINT_MESSAGE
    after = snapshot(model)
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_load_state_dict_not_strict():
    model = Net()
    state = bad_checkpoint(model)
    # Shapes are checked even when not strict, and still nothing changes.
    before = snapshot(model)
    with pytest.raises(RuntimeError, match="size mismatch for conv1.weight"):
        model.load_state_dict(state, strict=False)
    assert all(np.array_equal(before[k], v) for k, v in snapshot(model).items())
    del state["fc.weight"], state["conv1.weight"]
    state["fc.bias"] = np.full(10, 7.0, np.float32)
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["conv1.weight", "bn1.running_mean", "fc.weight"]
    assert result.unexpected_keys == ["head.weight", "extra"]
    assert repr(result) == (
        "_IncompatibleKeys(missing_keys=['conv1.weight', 'bn1.running_mean', 'fc.weight'], "
        "unexpected_keys=['head.weight', 'extra'])"
    )
    assert model.fc.bias[3].item() == 7.0


def test_load_state_dict_keeps_the_parameter_objects():
    """Values are copied in place: an optimizer holding the parameters sees the new ones."""
    model = Net()
    weight = model.fc.weight
    model.load_state_dict({**model.state_dict(), "fc.weight": torch.ones(10, 4)})
    assert model.fc.weight is weight and weight.sum().item() == 40.0


def test_load_state_dict_refuses_non_tensors():
    with pytest.raises(RuntimeError, match='While copying the parameter named "fc.bias"'):
        Net().load_state_dict({**Net().state_dict(), "fc.bias": [0.0] * 10})
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        Net().load_state_dict([1, 2])


@pytest.mark.parametrize("scenario", recorder.MODULE, ids=lambda s: s.__name__)
def test_scenario_matches_torch_golden(scenario):
    recorder.assert_same_log(recorder.run(scenario, torch), GOLDEN[scenario.__name__])


def test_load_state_dict_changes_nothing_when_a_later_entry_fails():
    """PyTorch copies module by module and has already changed conv1 when it meets the bad
    fc.bias; here every entry is checked before the first copy."""
    model = Net()
    before = snapshot(model)
    state = {k: torch.full(v.shape, 7.0).to(v.dtype) for k, v in model.state_dict().items()}
    state["fc.bias"] = "not a tensor"
    with pytest.raises(RuntimeError, match='While copying the parameter named "fc.bias"'):
        model.load_state_dict(state)
    assert all(np.array_equal(before[k], v) for k, v in snapshot(model).items())
    with pytest.raises(RuntimeError, match='While copying the parameter named "fc.bias"'):
        model.load_state_dict(state, assign=True)
    assert all(np.array_equal(before[k], v) for k, v in snapshot(model).items())


def test_load_state_dict_refuses_numpy_arrays_of_objects():
    model = nn.Linear(1, 1)
    state = {"weight": np.array([[None]], dtype=object), "bias": np.zeros(1, np.float32)}
    with pytest.raises(RuntimeError, match="received <class 'numpy.ndarray'>"):
        model.load_state_dict(state)


def test_load_state_dict_assign_replaces_the_tensors():
    model = nn.Linear(2, 1)
    old_weight = model.weight
    new_weight = torch.ones(1, 2, dtype=torch.float64)
    model.load_state_dict({"weight": new_weight, "bias": np.zeros(1)}, assign=True)
    assert model.weight is not old_weight and isinstance(model.weight, nn.Parameter)
    assert model.weight.dtype == torch.float64 and model.weight.requires_grad
    assert list(model.state_dict()) == ["weight", "bias"]  # replaced where they stood
    assert model.bias.dtype == torch.float64  # np.zeros' dtype, kept as is


# ---------------------------------------------------------------------- modes and gradients


def test_train_and_eval_reach_every_module():
    model = Net()
    assert model.training and model.layer1[1].training
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_batchnorm_counts_batches_in_training_only():
    model = Net()
    x = torch.rand(2, 3, 8, 8)
    model(x)
    model(x)
    assert model.bn1.num_batches_tracked.item() == 2
    running = model.bn1.running_mean.numpy().copy()
    model.eval()
    first = model(x)
    assert model.bn1.num_batches_tracked.item() == 2
    np.testing.assert_array_equal(model.bn1.running_mean.numpy(), running)
    # In eval mode one image gives the same answer whatever batch it is in.
    np.testing.assert_allclose(model(x[:1]).detach().numpy(), first[:1].detach().numpy(), 1e-6)


def test_zero_grad_and_requires_grad():
    model = Net()
    model(torch.rand(2, 3, 8, 8)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    # Freeze everything but a new head: backward fills only the head's gradients.
    model.requires_grad_(False)
    model.fc = nn.Linear(4, 2)
    model(torch.rand(2, 3, 8, 8)).sum().backward()
    assert [n for n, p in model.named_parameters() if p.grad is not None] == [
        "fc.weight", "fc.bias"
    ]  # fmt: skip


def test_forward_hook_sees_output_and_can_be_removed():
    model = Net()
    seen = []
    handle = model.layer1.register_forward_hook(lambda m, inputs, out: seen.append(out.shape))
    model(torch.rand(1, 3, 8, 8))
    handle.remove()
    model(torch.rand(1, 3, 8, 8))
    assert seen == [torch.Size([1, 4, 4, 4])]


def test_dropout_is_seeded_scaled_and_off_in_eval():
    drop = nn.Dropout(0.25)
    x = torch.ones(4000)
    torch.manual_seed(0)
    first = drop(x)
    torch.manual_seed(0)
    assert torch.equal(first, drop(x))
    assert np.unique(first.numpy()).tolist() == [0.0, pytest.approx(1 / 0.75)]
    assert abs((first.numpy() == 0).mean() - 0.25) < 0.03
    assert drop.eval()(x) is x


def test_double_converts_parameters_and_buffers():
    model = Net().double()
    assert all(p.dtype == torch.float64 for p in model.parameters())
    assert model.bn1.running_var.dtype == torch.float64
    assert model.bn1.num_batches_tracked.dtype == torch.int64
    assert model(torch.rand(1, 3, 8, 8, dtype=torch.float64)).dtype == torch.float64


# ---------------------------------------------------------------------- init and printing


def test_manual_seed_gives_the_same_model():
    torch.manual_seed(3)
    first = snapshot(Net())
    torch.manual_seed(3)
    second = snapshot(Net())
    assert all(np.array_equal(first[k], second[k]) for k in KEYS)


def test_default_initialisation_bounds():
    torch.manual_seed(0)
    linear, conv, bn = nn.Linear(50, 400), nn.Conv2d(8, 300, 3), nn.BatchNorm2d(5)
    for layer, fan_in in ((linear, 50), (conv, 72)):
        bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=√5) gives exactly this bound
        for p in (layer.weight, layer.bias):
            assert np.abs(p.detach().numpy()).max() <= bound
            assert np.abs(p.detach().numpy()).max() > 0.95 * bound
    assert bn.weight.detach().numpy().tolist() == [1.0] * 5
    assert bn.bias.detach().numpy().tolist() == [0.0] * 5
    assert linear.weight.dtype == torch.float32


def test_kaiming_and_xavier_scales():
    torch.manual_seed(0)
    w = torch.empty(256, 64, 3, 3)
    nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert w.numpy().std() == pytest.approx(math.sqrt(2 / (256 * 9)), rel=0.02)
    nn.init.kaiming_uniform_(w)  # leaky_relu(0.01), fan_in
    bound = math.sqrt(2 / (1 + 0.01**2)) * math.sqrt(3 / (64 * 9))
    assert np.abs(w.numpy()).max() == pytest.approx(bound, rel=0.01)
    nn.init.xavier_uniform_(w)
    assert np.abs(w.numpy()).max() == pytest.approx(math.sqrt(6 / (64 * 9 + 256 * 9)), rel=0.01)
    nn.init.constant_(w, 0.5)
    assert w.numpy().min() == w.numpy().max() == 0.5
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        nn.init.calculate_gain("swish")


def test_repr():
    assert repr(Net()) == NET_REPR
    assert repr(nn.Parameter(torch.ones(2))) == (
        "Parameter containing:\ntensor([1., 1.], requires_grad=True)"
    )
    assert repr(nn.Parameter(torch.ones(2), requires_grad=False)) == (
        "Parameter containing:\ntensor([1., 1.])"
    )


# ---------------------------------------------------------------------- live parity


@pytest.fixture(scope="module")
def real_torch():
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


def torch_net(real_torch):
    class TorchNet(real_torch.nn.Module):
        __init__ = Net.__init__

    TorchNet.__name__ = "Net"
    return TorchNet(nn=real_torch.nn)


def test_live_repr_and_keys(real_torch):
    reference = torch_net(real_torch)
    assert repr(reference) == NET_REPR
    assert list(reference.state_dict()) == KEYS
    assert repr(real_torch.nn.Parameter(real_torch.ones(2))) == repr(nn.Parameter(torch.ones(2)))


def test_live_load_state_dict_messages(real_torch):
    reference = torch_net(real_torch)
    state = bad_checkpoint(Net())
    state = {
        k: real_torch.tensor(v.numpy() if isinstance(v, torch.Tensor) else v)
        for k, v in state.items()
    }
    with pytest.raises(RuntimeError) as error:
        reference.load_state_dict(state)
    assert str(error.value) == BAD_CHECKPOINT_MESSAGE
    del state["fc.weight"], state["conv1.weight"]
    result = reference.load_state_dict(state, strict=False)
    ours = Net().load_state_dict({k: v.numpy() for k, v in state.items()}, strict=False)
    assert repr(result) == repr(ours)


def test_old_checkpoints_without_num_batches_tracked_load():
    """torchvision's ImageNet weights predate num_batches_tracked; PyTorch accepts them
    from a plain dict (no version metadata) and keeps the counter, as we do."""
    model = Net()
    model.bn1.num_batches_tracked.fill_(5)
    old = {k: v for k, v in model.state_dict().items() if "num_batches_tracked" not in k}
    assert repr(model.load_state_dict(old)) == "<All keys matched successfully>"
    assert model.bn1.num_batches_tracked.item() == 5
    # A state_dict() of a current model carries versions: there the key must be present.
    current = model.state_dict()
    del current["bn1.num_batches_tracked"]
    with pytest.raises(RuntimeError, match='Missing key.s. in state_dict: "bn1.num_batches'):
        model.load_state_dict(current)


@pytest.mark.parametrize(
    "scenario", recorder.MODULE + recorder.MODULE_REFUSED_HERE, ids=lambda s: s.__name__
)
def test_live_golden_is_what_torch_does(real_torch, scenario):
    recorder.assert_same_log(recorder.run(scenario, real_torch), GOLDEN[scenario.__name__])


def test_live_old_checkpoint_rule(real_torch):
    reference = torch_net(real_torch)
    old = {k: v for k, v in reference.state_dict().items() if "num_batches_tracked" not in k}
    assert repr(reference.load_state_dict(old)) == "<All keys matched successfully>"
    current = reference.state_dict()
    del current["bn1.num_batches_tracked"]
    with pytest.raises(RuntimeError, match='Missing key.s. in state_dict: "bn1.num_batches'):
        reference.load_state_dict(current)
