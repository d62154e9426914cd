"""Module hooks as PyTorch runs them: forward (pre) hooks, full backward (pre) hooks, global
hooks, handles.

- golden: every scenario of tests/golden/record_nn_scenarios.py, run here, gives the log torch
  2.13.0 recorded in nn_scenarios.json (the order hooks fire in, what they receive, what their
  return values replace, errors and warnings, in PyTorch's words);
- known differences: the scenarios this engine refuses, with a NotImplementedError;
- live: the same scenarios on torch itself, when it is installed;
- the graph nodes, handles and errors that the logs do not show.
"""

import numpy as np
import pytest
from golden_support import load_golden, load_recorder

import autograd_lesson as torch
from autograd_lesson import nn
from autograd_lesson.hooks import RemovableHandle

recorder = load_recorder("record_nn_scenarios")
GOLDEN = load_golden("nn_scenarios.json")["scenarios"]


assert_same_log = recorder.assert_same_log


def test_golden_has_every_scenario_of_the_recorder():
    """(For hooks, nn.utils and Module alike: one recorder writes nn_scenarios.json.)"""
    assert sorted(GOLDEN) == sorted(s.__name__ for s in recorder.ALL)
    assert len(set(recorder.ALL)) == len(recorder.ALL)


@pytest.mark.parametrize("scenario", recorder.HOOKS, ids=lambda s: s.__name__)
def test_scenario_matches_torch_golden(scenario):
    assert_same_log(recorder.run(scenario, torch), GOLDEN[scenario.__name__])


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (recorder.none_as_grad_output, "replaced grad_output with None"),
        (recorder.two_inputs_and_outputs_require_grad, "its inputs hold 2 tensors that require"),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_known_differences_are_refused(scenario, message):
    with pytest.raises(NotImplementedError, match=message):
        scenario(torch)


def test_every_known_difference_is_tested():
    assert len(recorder.HOOKS_REFUSED_HERE) == 2


# ---------------------------------------------------------------------- the graph


def test_hook_nodes_in_the_graph():
    layer = nn.Linear(2, 2)
    layer.register_full_backward_hook(lambda m, gi, go: None)
    x = torch.ones(3, 2, requires_grad=True)
    out = layer(x)
    node = out.grad_fn
    assert repr(node) == "<torch.autograd.function.BackwardHookFunctionBackward object>"
    assert node.name() == type(node).__name__ == "BackwardHookFunctionBackward"
    (addmm, _), = node.next_functions
    assert addmm.name() == "AddmmBackward0"
    input_node = addmm.next_functions[1][0]
    assert input_node.name() == "BackwardHookFunctionBackward"
    assert input_node.next_functions[0][0].variable is x


def test_hooked_tensors_share_memory_with_the_originals():
    seen = []

    class Keep(nn.Module):
        def forward(self, x):
            seen.append(x)
            return x * 1

    module = Keep()
    module.register_full_backward_pre_hook(lambda m, go: None)
    x = torch.ones(2, requires_grad=True)
    module(x)
    assert seen[0] is not x and seen[0].grad_fn.name() == "BackwardHookFunctionBackward"
    assert np.shares_memory(seen[0].detach().numpy(), x.detach().numpy())


def test_no_nodes_without_backward_hooks_or_outside_grad_mode():
    layer = nn.Linear(2, 2)
    layer.register_forward_hook(lambda m, a, o: None)
    assert layer(torch.ones(1, 2)).grad_fn.name() == "AddmmBackward0"
    layer.register_full_backward_hook(lambda m, gi, go: None)
    with torch.no_grad():
        assert layer(torch.ones(1, 2, requires_grad=True)).grad_fn is None


def test_two_tensor_inputs_that_require_grad_are_refused_before_forward_runs():
    calls = []

    class Add(nn.Module):
        def forward(self, a, b):
            calls.append("forward")
            return a + b

    module = Add()
    module.register_full_backward_hook(lambda m, gi, go: None)
    a, b = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    with pytest.raises(NotImplementedError, match="its inputs hold 2 tensors that require grad"):
        module(a, b)
    assert calls == []
    # One of them without grad is fine: it gets zeros in grad_input, as in PyTorch.
    module(a, b.detach()).sum().backward()
    assert a.grad.tolist() == [1.0, 1.0]


def test_a_named_tuple_output_keeps_its_type():
    class Largest(nn.Module):
        def forward(self, x):
            return x.max(dim=0)

    module = Largest()
    module.register_full_backward_hook(lambda m, gi, go: None)
    result = module(torch.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True))
    assert type(result) is type(torch.ones(2, 2).max(dim=0))
    assert result.values.grad_fn.name() == "BackwardHookFunctionBackward"
    assert result.indices.tolist() == [1, 0]


def test_a_write_through_a_hooked_input_is_seen_by_the_nodes_that_saved_it():
    """The hooked tensor shares the input's memory and version counter. (PyTorch refuses the
    write itself: "Output 0 of BackwardHookFunction is a view and is being modified inplace
    ..."; this engine records it, so gradients and hooks stay right, see the report.)"""

    class Doubles(nn.Module):
        def forward(self, x):
            return x.mul_(2)

    module = Doubles()
    seen = []
    module.register_full_backward_hook(lambda m, gi, go: seen.append(gi[0].tolist()))
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    x = torch.tensor([3.0, 4.0], requires_grad=True) * 1
    y = (w * x).sum()  # saves x, for w's gradient
    out = module(x)
    assert x._version == 1 and x.tolist() == [6.0, 8.0]
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()
    out.sum().backward()
    assert seen == [[2.0, 2.0]]


def test_an_in_place_relu_after_a_hooked_layer_gives_the_out_of_place_gradients():
    """PyTorch refuses this (the ReLU writes into the hooked output); here the write is
    recorded, and the hook sees grad_output = ∂loss/∂(the layer's output), as it should."""
    grads = []
    for inplace in (True, False):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(inplace=inplace), nn.Linear(4, 1))
        seen = []
        model[0].register_full_backward_pre_hook(lambda m, go, seen=seen: seen.append(go[0]))
        x = torch.tensor([[1.0, -2.0, 0.5], [0.0, 1.0, -1.0]], requires_grad=True)
        model(x).sum().backward()
        grads.append((x.grad.numpy(), model[0].weight.grad.numpy(), seen[0].numpy()))
    for in_place, out_of_place in zip(*grads, strict=True):
        np.testing.assert_array_equal(in_place, out_of_place)


# ---------------------------------------------------------------------- handles


def test_handle_ids_are_unique_across_modules_and_kinds():
    """One RemovableHandle class and one id counter for module and tensor hooks, as torch."""
    a, b = nn.Linear(1, 1), nn.Linear(1, 1)
    handles = [
        a.register_forward_hook(print),
        b.register_forward_hook(print),
        a.register_full_backward_hook(print),
        torch.nn.modules.module.register_module_forward_pre_hook(print),
        torch.ones(1, requires_grad=True).register_hook(print),
    ]
    handles[3].remove()
    assert len({h.id for h in handles}) == 5
    assert all(isinstance(h, RemovableHandle) for h in handles)
    assert repr(handles[0]) == "<torch.utils.hooks.RemovableHandle object>"


def test_viz_trace_removes_its_hooks_and_keeps_the_learners():
    from autograd_lesson.viz import trace_modules

    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    mine = model[0].register_forward_hook(lambda m, a, o: None)
    model.register_full_backward_hook(lambda m, gi, go: None)
    out = trace_modules(model, torch.ones(1, 2, requires_grad=True))
    assert out.grad_fn.name() == "BackwardHookFunctionBackward"
    assert list(model[0]._forward_hooks) == [mine.id] and not model[1]._forward_pre_hooks


# ---------------------------------------------------------------------- live parity


@pytest.fixture(scope="module")
def real_torch():
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


@pytest.mark.parametrize(
    "scenario", recorder.HOOKS + recorder.HOOKS_REFUSED_HERE, ids=lambda s: s.__name__
)
def test_live_golden_is_what_torch_does(real_torch, scenario):
    assert_same_log(recorder.run(scenario, real_torch), GOLDEN[scenario.__name__])


def test_live_hook_node_names(real_torch):
    layer = real_torch.nn.Linear(2, 2)
    layer.register_full_backward_hook(lambda m, gi, go: None)
    node = layer(real_torch.ones(3, 2, requires_grad=True)).grad_fn
    assert repr(node).startswith("<torch.autograd.function.BackwardHookFunctionBackward object")
    assert type(node).__name__ == node.name() == "BackwardHookFunctionBackward"
