"""models.resnet18: torchvision's architecture, names, initialisation and weights API,
and the safe .npz weights loader with its errors."""

import importlib.util
import io
import os
import re
import struct
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from golden_support import load_golden, load_recorder

import autograd_lesson as lesson
from autograd_lesson import nn
from autograd_lesson.models import (
    ResNet18_Weights,
    WeightsFileError,
    WeightsNotFoundError,
    export_weights,
    resnet18,
)
from autograd_lesson.models import weights as weights_module

recorder = load_recorder("record_resnet")
GOLDEN = load_golden("resnet18_step.json")


@pytest.fixture
def torch():
    """The PyTorch oracle, or a skip that says how to install it."""
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


@pytest.fixture(scope="module")
def model():
    lesson.manual_seed(0)
    return resnet18()


# ---------------------------------------------------------------------- architecture


def test_state_dict_names_and_shapes_are_torchvisions(model):
    ours = [(name, tuple(value.shape)) for name, value in model.state_dict().items()]
    assert ours == recorder.resnet18_state_dict_shapes()
    assert len(ours) == 122


def test_parameter_count(model):
    assert sum(p.numel() for p in model.parameters()) == 11_689_512
    assert len(list(model.parameters())) == 62
    assert ResNet18_Weights.DEFAULT.meta["num_params"] == 11_689_512


def test_repr_is_torchvisions(model):
    """The golden repr was printed by torch 2.13 for the same structure of torch.nn modules."""
    assert repr(model) == GOLDEN["repr"]


def test_num_classes_replaces_the_head():
    small = resnet18(num_classes=10)
    assert small.fc.weight.shape == (10, 512)
    assert small(lesson.rand(2, 3, 32, 32)).shape == (2, 10)


def test_forward_shape_and_graph(model):
    prediction = model(lesson.rand(1, 3, 64, 64))
    assert prediction.shape == (1, 1000)
    assert prediction.grad_fn.name() == "AddmmBackward0"


def test_initialisation_is_torchvisions():
    lesson.manual_seed(1)
    model = resnet18()  # fresh: a forward pass in training mode changes the running stats
    for name, module in model.named_modules():
        if isinstance(module, nn.Conv2d):
            weight = module.weight.detach().numpy()
            fan_out = weight.shape[0] * weight.shape[2] * weight.shape[3]
            expected_std = np.sqrt(2.0 / fan_out)  # kaiming_normal_, mode="fan_out", relu
            assert abs(weight.mean()) < 4 * expected_std / np.sqrt(weight.size), name
            assert weight.std() == pytest.approx(
                expected_std, rel=0.15 if weight.size < 20_000 else 0.02
            )
        elif isinstance(module, nn.BatchNorm2d):
            assert np.all(module.weight.detach().numpy() == 1), name
            assert np.all(module.bias.detach().numpy() == 0), name
            assert np.all(module.running_mean.numpy() == 0)
            assert np.all(module.running_var.numpy() == 1)
    bound = 1 / np.sqrt(512)  # Linear's default: uniform(-1/sqrt(fan_in), 1/sqrt(fan_in))
    fc_weight = model.fc.weight.detach().numpy()
    assert np.abs(fc_weight).max() <= bound and np.abs(fc_weight).max() > 0.95 * bound
    assert np.abs(model.fc.bias.detach().numpy()).max() <= bound


def test_same_seed_same_model_every_run():
    lesson.manual_seed(123)
    first = resnet18().state_dict()
    lesson.manual_seed(123)
    second = resnet18().state_dict()
    lesson.manual_seed(124)
    other = resnet18().state_dict()
    for name in first:
        np.testing.assert_array_equal(first[name].numpy(), second[name].numpy())
    assert not np.array_equal(first["conv1.weight"].numpy(), other["conv1.weight"].numpy())


def test_same_seed_same_model_in_a_fresh_process():
    """Reproducible across runs, not only within one: a new interpreter draws the same."""
    import subprocess
    import sys

    code = (
        "import autograd_lesson as t; from autograd_lesson.models import resnet18; "
        "t.manual_seed(5); m = resnet18(); "
        "print(float(m.conv1.weight.detach().numpy().astype('float64').sum()))"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True) for _ in "ab"
    ]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    lesson.manual_seed(5)
    assert float(resnet18().conv1.weight.detach().numpy().astype("float64").sum()) == float(
        runs[0].stdout
    )


def test_the_seed_lesson_runs():
    """The notes' code, with `import autograd_lesson as torch` and our resnet18."""
    torch = lesson
    model = resnet18()
    data = torch.rand(1, 3, 64, 64)
    labels = torch.rand(1, 1000)
    prediction = model(data)
    loss = (prediction - labels).sum()
    loss.backward()
    optim = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    before = model.conv1.weight.detach().numpy().copy()
    optim.step()
    after = model.conv1.weight.detach().numpy()
    np.testing.assert_allclose(after, before - 1e-2 * model.conv1.weight.grad.numpy(), rtol=1e-6)


def test_frozen_backbone_with_new_head():
    """Fine-tuning as in the notes: freeze everything, replace fc, only fc learns."""
    model = resnet18()
    for param in model.parameters():
        param.requires_grad = False
    model.fc = nn.Linear(512, 10)
    optimizer = lesson.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    conv_before = model.conv1.weight.detach().numpy().copy()
    fc_before = model.fc.weight.detach().numpy().copy()
    model(lesson.rand(1, 3, 64, 64)).sum().backward()
    optimizer.step()
    np.testing.assert_array_equal(model.conv1.weight.detach().numpy(), conv_before)
    assert model.conv1.weight.grad is None
    assert not np.array_equal(model.fc.weight.detach().numpy(), fc_before)


# ---------------------------------------------------------------------- weights enum


def test_weights_enum():
    assert ResNet18_Weights.DEFAULT is ResNet18_Weights.IMAGENET1K_V1
    assert repr(ResNet18_Weights.DEFAULT) == "ResNet18_Weights.IMAGENET1K_V1"
    assert [w.name for w in ResNet18_Weights] == ["IMAGENET1K_V1"]
    assert (
        ResNet18_Weights.DEFAULT.url == "https://download.pytorch.org/models/resnet18-f37072fd.pth"
    )
    assert ResNet18_Weights.verify("DEFAULT") is ResNet18_Weights.IMAGENET1K_V1
    assert ResNet18_Weights.verify("IMAGENET1K_V1") is ResNet18_Weights.IMAGENET1K_V1
    assert ResNet18_Weights.verify(None) is None
    with pytest.raises(ValueError, match="Unknown value 'IMAGENET1K_V9' for ResNet18_Weights."):
        ResNet18_Weights.verify("IMAGENET1K_V9")


def test_categories_are_torchvisions():
    categories = ResNet18_Weights.DEFAULT.meta["categories"]
    assert len(categories) == 1000 and len(set(categories)) == 1000
    assert categories[:3] == ["tench", "goldfish", "great white shark"]
    assert categories[134] == "crane bird" and categories[517] == "crane"
    assert categories[281] == "tabby" and categories[285] == "Egyptian cat"
    assert categories[639] == "maillot tank suit"
    assert categories[-1] == "toilet tissue"


def test_num_classes_must_be_1000_with_weights():
    with pytest.raises(ValueError, match="'num_classes' expected value 1000 but got 10"):
        resnet18(weights=ResNet18_Weights.DEFAULT, num_classes=10)


# ---------------------------------------------------------------------- weights files


@pytest.fixture(scope="module")
def seeded_arrays():
    """A state_dict of a seeded model, as the arrays a weights file would hold."""
    lesson.manual_seed(42)
    source = resnet18()
    source.eval()
    return {name: value.numpy().copy() for name, value in source.state_dict().items()}


@pytest.fixture(scope="module")
def weights_file(tmp_path_factory, seeded_arrays):
    path = tmp_path_factory.mktemp("weights") / "resnet18-f37072fd.npz"
    np.savez(path, **seeded_arrays)
    return path


@pytest.fixture(scope="module")
def pth_file(tmp_path_factory, seeded_arrays):
    """The same weights as torch's .pth format, written by autograd_lesson.save."""
    path = tmp_path_factory.mktemp("pth") / "resnet18-f37072fd.pth"
    lesson.save({name: lesson.from_numpy(array) for name, array in seeded_arrays.items()}, path)
    return path


@pytest.fixture
def no_configured_paths(monkeypatch, tmp_path):
    """A fresh HOME, and none of the variables that point at weights."""
    for variable in ("AUTOGRAD_LESSON_WEIGHTS", "TORCH_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def assert_state_equals(model, arrays):
    state = model.state_dict()
    assert list(state) == list(arrays)
    for name, value in state.items():
        np.testing.assert_array_equal(value.numpy(), arrays[name], err_msg=name)


def test_load_weights_from_a_path(weights_file, pth_file, seeded_arrays):
    for path in (weights_file, pth_file):
        lesson.manual_seed(0)  # a different random model: loading must replace every number
        model = resnet18(weights=ResNet18_Weights.DEFAULT, weights_path=path)
        assert_state_equals(model, seeded_arrays)


def test_loaded_model_computes_what_the_source_computed(weights_file):
    lesson.manual_seed(42)
    source = resnet18().eval()
    loaded = resnet18(weights="DEFAULT", weights_path=weights_file).eval()
    data = lesson.rand(2, 3, 32, 32)
    with lesson.no_grad():
        np.testing.assert_array_equal(loaded(data).numpy(), source(data).numpy())


def test_load_weights_from_environment_variable(weights_file, seeded_arrays, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_LESSON_WEIGHTS", str(weights_file))
    assert_state_equals(resnet18(weights=ResNet18_Weights.DEFAULT), seeded_arrays)
    monkeypatch.setenv("AUTOGRAD_LESSON_WEIGHTS", str(weights_file.parent))  # a folder
    assert_state_equals(resnet18(weights=ResNet18_Weights.DEFAULT), seeded_arrays)


def test_load_weights_from_cache_folder(weights_file, seeded_arrays, no_configured_paths):
    cache = no_configured_paths / ".cache" / "autograd_lesson"
    cache.mkdir(parents=True)
    os.symlink(weights_file, cache / "resnet18-f37072fd.npz")
    assert_state_equals(resnet18(weights=ResNet18_Weights.DEFAULT), seeded_arrays)


def test_the_pth_is_preferred_to_the_npz(pth_file, seeded_arrays, no_configured_paths):
    cache = no_configured_paths / ".cache" / "autograd_lesson"
    cache.mkdir(parents=True)
    os.symlink(pth_file, cache / "resnet18-f37072fd.pth")
    (cache / "resnet18-f37072fd.npz").write_text("not read: the .pth comes first")
    assert weights_module.default_weights_path(ResNet18_Weights.DEFAULT).suffix == ".pth"
    assert_state_equals(resnet18(weights=ResNet18_Weights.DEFAULT), seeded_arrays)


def test_torchvisions_download_cache_is_used(pth_file, seeded_arrays, no_configured_paths):
    """torchvision keeps downloads in $TORCH_HOME/hub/checkpoints (~/.cache/torch/...)."""
    checkpoints = no_configured_paths / ".cache" / "torch" / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    os.symlink(pth_file, checkpoints / "resnet18-f37072fd.pth")
    assert_state_equals(resnet18(weights=ResNet18_Weights.DEFAULT), seeded_arrays)
    os.environ["TORCH_HOME"] = str(no_configured_paths / "elsewhere")  # reset by the fixture
    with pytest.raises(WeightsNotFoundError, match="elsewhere/hub/checkpoints"):
        resnet18(weights=ResNet18_Weights.DEFAULT)


def test_missing_file_names_both_ways_of_getting_one(no_configured_paths):
    with pytest.raises(WeightsNotFoundError) as error:
        resnet18(weights=ResNet18_Weights.DEFAULT)
    assert isinstance(error.value, FileNotFoundError)
    message = str(error.value)
    cache = no_configured_paths / ".cache"
    assert str(cache / "autograd_lesson" / "resnet18-f37072fd.npz") in message
    assert str(cache / "autograd_lesson" / "resnet18-f37072fd.pth") in message
    assert str(cache / "torch" / "hub" / "checkpoints" / "resnet18-f37072fd.pth") in message
    assert "https://download.pytorch.org/models/resnet18-f37072fd.pth" in message
    assert (
        "python -m autograd_lesson.models.export_weights resnet18 --out resnet18-f37072fd.npz"
        in message
    )
    assert "torch and torchvision" in message
    assert "AUTOGRAD_LESSON_WEIGHTS" in message and "weights_path=" in message


def test_missing_file_at_given_path(tmp_path):
    with pytest.raises(
        FileNotFoundError, match="No weights file for ResNet18_Weights.IMAGENET1K_V1"
    ):
        resnet18(weights=ResNet18_Weights.DEFAULT, weights_path=tmp_path / "nope.npz")


def loading_fails_and_changes_nothing(path, match):
    """load_weights on an existing model raises, and the model keeps every number."""
    lesson.manual_seed(3)
    model = resnet18()
    before = {name: value.numpy().copy() for name, value in model.state_dict().items()}
    with pytest.raises(WeightsFileError, match=match):
        weights_module.load_weights(model, ResNet18_Weights.DEFAULT, path)
    assert_state_equals(model, before)


@pytest.mark.parametrize("kind", ["npz", "pth"])
def test_truncated_file(weights_file, pth_file, tmp_path, kind):
    truncated = tmp_path / f"truncated.{kind}"
    data = (weights_file if kind == "npz" else pth_file).read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    loading_fails_and_changes_nothing(truncated, "is corrupt(.|\n)*looks truncated")


@pytest.mark.parametrize("kind", ["npz", "pth"])
def test_file_cut_inside_the_last_array(weights_file, pth_file, tmp_path, kind):
    truncated = tmp_path / f"cut.{kind}"
    truncated.write_bytes((weights_file if kind == "npz" else pth_file).read_bytes()[:-5000])
    loading_fails_and_changes_nothing(truncated, "corrupt(.|\n)*truncated")


def damaged_member(data, member_name):
    """`data` (a zip archive) with the first byte of one member's contents flipped."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member_name)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 :][:4])
    start = info.header_offset + 30 + name_length + extra_length
    return data[:start] + bytes([data[start] ^ 0xFF]) + data[start + 1 :]


def test_a_corrupt_npz_is_called_corrupt_not_pickled(weights_file, tmp_path):
    """A damaged .npy magic once made NumPy fall back to pickle ("pickled objects")."""
    path = tmp_path / "damaged.npz"
    path.write_bytes(damaged_member(weights_file.read_bytes(), "fc.bias.npy"))
    loading_fails_and_changes_nothing(path, "is corrupt: the magic string is not correct")


def test_a_corrupt_pth_storage_is_called_corrupt(pth_file, tmp_path):
    path = tmp_path / "damaged.pth"
    path.write_bytes(damaged_member(pth_file.read_bytes(), "resnet18-f37072fd/data/5"))
    loading_fails_and_changes_nothing(path, "record data/5: Bad CRC-32(.|\n)*corrupt")


def test_not_a_weights_file(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("these are not weights")
    loading_fails_and_changes_nothing(path, "is neither a .npz nor a PyTorch .pth file")


def test_a_pth_state_dict_that_does_not_fit_is_listed(tmp_path):
    path = tmp_path / "linear.pth"
    lesson.save(nn.Linear(2, 3).state_dict(), path)
    loading_fails_and_changes_nothing(
        path, r"missing keys: conv1\.weight(.|\n)*unexpected keys: weight, bias"
    )


def test_a_training_checkpoint_is_not_a_state_dict(pth_file, tmp_path):
    path = tmp_path / "checkpoint.pth"
    lesson.save({"model": lesson.load(pth_file), "epoch": 3}, path)
    loading_fails_and_changes_nothing(path, "is not a state_dict \\(a training checkpoint")


def file_with_changes(tmp_path, arrays, replace, drop=()):
    """A weights file holding `arrays`, with some entries replaced or dropped."""
    arrays = {name: value for name, value in arrays.items() if name not in drop}
    arrays.update(replace)
    path = tmp_path / "changed.npz"
    np.savez(path, **arrays)  # numpy pickles object arrays, as a careless exporter would
    return path


def test_pickled_objects_are_refused(seeded_arrays, tmp_path):
    objects = np.array([{"not": "numbers"}] * 1000, dtype=object)
    path = file_with_changes(tmp_path, seeded_arrays, {"fc.bias": objects})
    loading_fails_and_changes_nothing(path, "pickled Python objects")


def test_wrong_and_missing_keys_are_listed(seeded_arrays, tmp_path):
    renamed = {"head.weight": seeded_arrays["fc.weight"]}
    path = file_with_changes(tmp_path, seeded_arrays, renamed, drop=["fc.weight"])
    loading_fails_and_changes_nothing(
        path, r"missing keys: fc\.weight(.|\n)*unexpected keys: head\.weight"
    )


def test_wrong_shape_is_named(seeded_arrays, tmp_path):
    small_head = {"fc.weight": np.zeros((10, 512), np.float32), "fc.bias": np.zeros(10, np.float32)}
    path = file_with_changes(tmp_path, seeded_arrays, small_head)
    loading_fails_and_changes_nothing(
        path, r"fc\.weight has shape \(10, 512\), the model expects \(1000, 512\)"
    )


def test_text_arrays_are_refused(seeded_arrays, tmp_path):
    path = file_with_changes(tmp_path, seeded_arrays, {"fc.bias": np.array(["x"] * 1000)})
    loading_fails_and_changes_nothing(path, "fc.bias has dtype <U1, not a number type")


@pytest.mark.parametrize("kind", ["npz", "pth"])
def test_an_unexpected_huge_array_is_reported_without_being_read(tmp_path, kind):
    """Names and shapes come from the headers: the 64 MB array is never read."""
    huge = np.zeros((16, 1024, 1024), np.float32)
    path = tmp_path / f"huge.{kind}"
    if kind == "npz":
        np.savez_compressed(path, huge=huge)  # zeros: a small file
    else:
        lesson.save({"huge": lesson.from_numpy(huge)}, path)
    del huge
    lesson.manual_seed(0)
    model = resnet18()
    tracemalloc.start()
    try:
        with pytest.raises(WeightsFileError, match="unexpected keys: huge"):
            weights_module.load_weights(model, ResNet18_Weights.DEFAULT, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8e6, f"peak {peak / 1e6:.0f} MB: the array was read"


def test_a_small_view_of_a_huge_storage_is_refused_before_reading(seeded_arrays, tmp_path):
    state = {name: lesson.from_numpy(array) for name, array in seeded_arrays.items()}
    state["fc.bias"] = lesson.zeros(4_000_000)[:1000]  # saving a view saves its whole base
    path = tmp_path / "views.pth"
    lesson.save(state, path)
    loading_fails_and_changes_nothing(path, "stores 62.8 MB for 46.8 MB of tensors")


def test_a_pth_of_parameters_loads(seeded_arrays, tmp_path):
    """state_dict(keep_vars=True) holds the Parameters themselves; they load as well."""
    lesson.manual_seed(42)
    path = tmp_path / "parameters.pth"
    lesson.save(resnet18().state_dict(keep_vars=True), path)
    lesson.manual_seed(0)
    assert_state_equals(resnet18(weights="DEFAULT", weights_path=path), seeded_arrays)


def test_torchvision_style_pth_made_by_torch_loads(torch, tmp_path):
    """torchvision cannot be installed beside torch 2.13 here: the same architecture built
    from torch.nn (tests/golden/record_resnet.py) writes the .pth torchvision publishes."""
    torch.manual_seed(0)
    source = recorder.torch_resnet18().eval()
    pth = tmp_path / "resnet18-f37072fd.pth"
    torch.save(source.state_dict(), pth)
    model = resnet18(weights=ResNet18_Weights.DEFAULT, weights_path=pth).eval()
    data = np.random.default_rng(0).random((2, 3, 64, 64), dtype=np.float32)
    with torch.no_grad():
        expected = source(torch.from_numpy(data)).numpy()
    with lesson.no_grad():
        ours = model(lesson.tensor(data)).numpy()
    assert np.linalg.norm(ours - expected) <= 1e-4 * np.linalg.norm(expected)
    assert ours.argmax(1).tolist() == expected.argmax(1).tolist()


# ---------------------------------------------------------------------- export command


def test_export_command_writes_a_file_that_loads_and_matches_torch(tmp_path, torch):
    """torchvision is not installable beside torch 2.13 here, so export from a .pth holding
    the state_dict of the same architecture built from torch.nn (what --from-pth reads)."""
    torch.manual_seed(0)
    source = recorder.torch_resnet18().eval()
    pth = tmp_path / "resnet18-f37072fd.pth"
    torch.save(source.state_dict(), pth)
    out = tmp_path / "exported" / "resnet18-f37072fd.npz"
    export_weights.main(["resnet18", "--from-pth", str(pth), "--out", str(out)])
    model = resnet18(weights=ResNet18_Weights.DEFAULT, weights_path=out).eval()
    data = np.random.default_rng(0).random((2, 3, 64, 64), dtype=np.float32)
    with torch.no_grad():
        expected = source(torch.from_numpy(data)).numpy()
    with lesson.no_grad():
        ours = model(lesson.tensor(data)).numpy()
    assert np.linalg.norm(ours - expected) <= 1e-4 * np.linalg.norm(expected)
    assert ours.argmax(1).tolist() == expected.argmax(1).tolist()


def test_export_from_pth_needs_no_torch(pth_file, seeded_arrays, tmp_path, capsys):
    out = tmp_path / "resnet18-f37072fd.npz"
    export_weights.main(["resnet18", "--from-pth", str(pth_file), "--out", str(out)])
    assert capsys.readouterr().out.startswith(f"wrote {out}")
    assert_state_equals(resnet18(weights="DEFAULT", weights_path=out), seeded_arrays)
    assert not list(tmp_path.glob("*.partial"))


def export_fails(argv, capsys, match):
    """The export exits with status 1 and one line on stderr, and writes nothing."""
    with pytest.raises(SystemExit) as exit_info:
        export_weights.main(["resnet18", *argv])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert re.search(match, err), err
    return err


def test_export_refuses_a_state_dict_that_does_not_fit(tmp_path, capsys):
    pth = tmp_path / "other.pth"
    lesson.save(nn.Linear(2, 3).state_dict(), pth)
    out = tmp_path / "never.npz"
    export_fails(
        ["--from-pth", str(pth), "--out", str(out)],
        capsys,
        r"^python -m autograd_lesson.models.export_weights: error: .*other.pth does not fit "
        r"ResNet \(the model is unchanged\):; missing keys: conv1.weight, ",
    )
    assert not out.exists()


def test_export_errors_are_one_line(pth_file, weights_file, tmp_path, capsys):
    out = str(tmp_path / "out.npz")
    export_fails(["--from-pth", str(pth_file), "--out", str(tmp_path)], capsys, "is a folder")
    missing = str(tmp_path / "missing.pth")
    export_fails(["--from-pth", missing, "--out", out], capsys, "missing.pth: no such file")
    cut = tmp_path / "cut.pth"
    cut.write_bytes(pth_file.read_bytes()[:-5000])
    export_fails(["--from-pth", str(cut), "--out", out], capsys, "cut.pth is corrupt")
    export_fails(
        ["--from-pth", str(weights_file), "--out", out], capsys, "is a NumPy .npz file, not a .pth"
    )
    assert not (tmp_path / "out.npz").exists()


def test_export_error_from_the_command_line(tmp_path):
    """The real command: exit status 1, one line on stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "autograd_lesson.models.export_weights", "resnet18"]
        + ["--from-pth", str(tmp_path / "missing.pth"), "--out", str(tmp_path / "o.npz")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(lesson.__file__).parents[1])},
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "no such file" in result.stderr


def test_export_without_torchvision_says_what_to_install(tmp_path):
    if importlib.util.find_spec("torchvision") is not None:
        pytest.skip("torchvision is installed: the export would download the real weights")
    with pytest.raises(SystemExit, match="needs torch \\(and torchvision unless --from-pth"):
        export_weights.main(["resnet18", "--out", str(tmp_path / "w.npz")])
    assert not (tmp_path / "w.npz").exists()
