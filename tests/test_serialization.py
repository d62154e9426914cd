"""save/load in PyTorch's zip format, both ways, and the safe loader's refusals.

- golden: files written by torch 2.13's torch.save (tests/golden/serialization/, recorded
  by tests/golden/record_serialization.py) load here as torch.load loaded them: values,
  dtypes, shapes, strides, shared storages, containers; our files have torch's records;
- live (torch installed): our files load in torch.load(weights_only=True) and torch's in
  ours, state dicts move between the two engines' models;
- errors: refused globals (in torch's words), corrupt, legacy and foreign files, devices.
"""

import collections
import io
import pickle
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
from golden_support import GOLDEN_DIR, load_golden, load_recorder

import autograd_lesson as lesson
from autograd_lesson import nn, serialization
from autograd_lesson.datasets import split_digits
from autograd_lesson.optim import SGD
from autograd_lesson.serialization import TensorInfo, load_tensor_infos, storage_layout

recorder = load_recorder("record_serialization")
GOLDEN = load_golden("serialization.json")
FIXTURES = GOLDEN_DIR / "serialization"
CASES = sorted(GOLDEN["cases"])


@pytest.fixture
def torch():
    """The PyTorch oracle, or a skip that says how to install it."""
    return pytest.importorskip(
        "torch", reason="PyTorch oracle not installed (pip install torch==2.13.0)"
    )


def lesson_layout(value):
    """(strides, offset, storage identity) of one of our tensors, counted as torch counts."""
    if not isinstance(value, lesson.Tensor):
        return None
    array = value._data
    layout = storage_layout(array)
    if layout is None:  # saved as its own compact storage
        return serialization._contiguous_strides(array.shape), 0, id(array)
    root, offset, strides = layout
    return strides, offset, id(root)


def describe(obj):
    return recorder.describe(obj, lesson_layout)


def saved_bytes(obj):
    buffer = io.BytesIO()
    lesson.save(obj, buffer)
    return buffer.getvalue()


def archive_with_pickle(data_pkl, extra_records=()):
    buffer = io.BytesIO()
    serialization._write_zip(buffer, "archive", [("data.pkl", data_pkl), *extra_records])
    return io.BytesIO(buffer.getvalue())


def without_pickle_size(records):
    """Record names and sizes; data.pkl's size differs (memo numbering), the rest may not."""
    return [[name, size] for name, size in records if name != "data.pkl"]


# ---------------------------------------------------------------------- torch's files


@pytest.mark.parametrize("case", CASES)
def test_files_saved_by_torch_load_as_torch_loads_them(case):
    loaded = lesson.load(FIXTURES / f"{case}.pt", weights_only=True)
    assert describe(loaded) == GOLDEN["cases"][case]["describe"]


def test_torch_state_dict_keeps_its_metadata_and_loads_into_a_model():
    state = lesson.load(FIXTURES / "model_state.pt")
    assert isinstance(state, collections.OrderedDict)
    assert state._metadata["1"] == {"version": 2}  # BatchNorm2d's version, as torch saved it
    model = recorder.small_model(lesson)
    model.load_state_dict(state)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), state[name].numpy())


def test_views_saved_by_torch_share_memory_again():
    loaded = lesson.load(FIXTURES / "every_dtype.pt")
    assert np.shares_memory(loaded["base"]._data, loaded["transposed"]._data)
    loaded["base"][0, 1] = 100.0
    assert loaded["transposed"][1, 0].item() == 100.0
    assert loaded["row"].is_contiguous() and not loaded["transposed"].is_contiguous()


def test_parameters_load_as_parameters_and_tensors_as_tensors():
    loaded = lesson.load(FIXTURES / "every_dtype.pt")
    assert type(loaded["parameter"]) is nn.Parameter and loaded["parameter"].requires_grad
    assert type(loaded["requires_grad"]) is lesson.Tensor and loaded["requires_grad"].is_leaf
    state = lesson.load(FIXTURES / "model_state.pt")
    assert all(type(v) is lesson.Tensor and not v.requires_grad for v in state.values())


# ---------------------------------------------------------------------- our files


@pytest.mark.parametrize("case", ["every_dtype"])
def test_our_round_trip_gives_what_torch_gave(case):
    """The recipe built here, saved and loaded here, equals torch's load of torch's file."""
    data = saved_bytes(getattr(recorder, case)(lesson))
    assert describe(lesson.load(io.BytesIO(data))) == GOLDEN["cases"][case]["describe"]


@pytest.mark.parametrize("case", ["every_dtype", "model_state"])
def test_our_archive_has_torchs_records(case):
    """The same records, in the same order, with the same sizes (storages included)."""
    lesson.manual_seed(0)
    data = saved_bytes(getattr(recorder, case)(lesson))
    expected = GOLDEN["cases"][case]["records"]
    assert without_pickle_size(recorder.archive_records(data)) == without_pickle_size(expected)


@pytest.mark.parametrize("case", ["model_state", "sgd_state"])
def test_round_trip_of_state_dicts(case):
    lesson.manual_seed(0)
    original = getattr(recorder, case)(lesson)
    loaded = lesson.load(io.BytesIO(saved_bytes(original)))
    assert describe(loaded) == describe(original)


def test_records_are_aligned_as_torchs_and_the_folder_is_named_after_the_file(tmp_path):
    path = tmp_path / "model.best.pt"
    lesson.save({"w": lesson.ones(3), "b": lesson.zeros(5, dtype=lesson.int8)}, path)
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist()[0] == "model.best/data.pkl"
        for info in archive.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 :][:4])
            assert (info.header_offset + 30 + name_length + extra_length) % 64 == 0
        assert archive.read("model.best/version") == b"3\n"
        assert archive.read("model.best/byteorder") == b"little"
    assert zipfile.ZipFile(io.BytesIO(saved_bytes(1))).namelist()[0] == "archive/data.pkl"


def test_saving_twice_writes_the_same_bytes():
    lesson.manual_seed(0)
    state = recorder.small_model(lesson).state_dict()
    assert saved_bytes(state) == saved_bytes(state)


def test_a_tensor_saved_twice_loads_as_one_tensor():
    x = lesson.ones(2)
    loaded = lesson.load(io.BytesIO(saved_bytes([x, x, {"again": x}])))
    assert loaded[0] is loaded[1] is loaded[2]["again"]


def test_views_share_one_storage_and_a_slice_saves_its_base():
    base = lesson.arange(10.0)
    data = saved_bytes({"slice": base[2:4], "flipped_copy": base.reshape(2, 5).t()})
    records = dict(recorder.archive_records(data))
    assert records["data/0"] == 40 and "data/1" not in records  # one storage: the base's
    loaded = lesson.load(io.BytesIO(data))
    assert loaded["slice"].tolist() == [2.0, 3.0]
    assert np.shares_memory(loaded["slice"]._data, loaded["flipped_copy"]._data)


def test_a_big_endian_file_is_byteswapped():
    """torch writes its machine's byte order in the byteorder record, and swaps on load."""
    values = np.array([1, -2, 70000], np.int32)
    data_pkl = serialization._Pickler().dumps(lesson.from_numpy(values))
    for order, storage in (("big", values.astype(">i4").tobytes()), ("little", values.tobytes())):
        records = [("byteorder", order.encode()), ("data/0", storage)]
        loaded = lesson.load(archive_with_pickle(data_pkl, records))
        assert loaded.tolist() == [1, -2, 70000]
    records = [("byteorder", b"middle"), ("data/0", values.tobytes())]
    with pytest.raises(ValueError, match="Unknown endianness type: middle"):
        lesson.load(archive_with_pickle(data_pkl, records))


def test_a_plain_pickle_of_containers_loads():
    """Protocol 2 written by Python's own pickler reads the same way."""
    obj = {"a": [1, 2.5, "x", None, (True, False)], "b": {3: -4}}
    assert lesson.load(archive_with_pickle(pickle.dumps(obj, protocol=2))) == obj


def test_load_tensor_infos_reads_shapes_without_reading_the_numbers(tmp_path):
    lesson.manual_seed(0)
    path = tmp_path / "state.pt"
    lesson.save(recorder.small_model(lesson).state_dict(), path)
    damaged = tmp_path / "damaged.pt"
    damaged.write_bytes(flip_byte_in_record(path.read_bytes(), "data/0"))
    infos = load_tensor_infos(damaged)
    assert infos["0.weight"] == TensorInfo(lesson.Size([2, 1, 3, 3]), lesson.float32, False)
    assert infos["1.num_batches_tracked"].dtype == lesson.int64
    with pytest.raises(RuntimeError, match="failed reading zip archive .*damaged.pt.*corrupt"):
        lesson.load(damaged)


def test_mmap_maps_the_storages_copy_on_write(tmp_path):
    path = tmp_path / "state.pt"
    lesson.manual_seed(0)
    lesson.save(recorder.every_dtype(lesson), path)
    before = path.read_bytes()
    mapped = lesson.load(path, mmap=True)
    assert describe(mapped) == describe(lesson.load(path))
    assert isinstance(serialization._storage_root(mapped["base"]._data), np.memmap)
    mapped["base"][0, 0] = 42.0
    assert mapped["transposed"][0, 0].item() == 42.0  # one mapping, shared by the views
    assert path.read_bytes() == before  # copy on write: the file is unchanged
    with pytest.raises(ValueError, match="f must be a file path in order to use the mmap"):
        lesson.load(io.BytesIO(before), mmap=True)


# ---------------------------------------------------------------------- with torch itself


@pytest.mark.parametrize("case", sorted(recorder.RECIPES))
def test_our_files_load_in_torch(case, torch, tmp_path):
    lesson.manual_seed(0)
    original = getattr(recorder, case)(lesson)
    path = tmp_path / f"{case}.pt"
    lesson.save(original, path)
    for mmap in (False, True):
        theirs = torch.load(path, weights_only=True, mmap=mmap)
        assert recorder.describe(theirs, recorder.torch_layout) == describe(original)


@pytest.mark.parametrize("case", sorted(recorder.RECIPES) + sorted(recorder.TORCH_ONLY_RECIPES))
def test_torchs_files_load_here(case, torch, tmp_path):
    torch.manual_seed(0)
    recipe = {**recorder.RECIPES, **recorder.TORCH_ONLY_RECIPES}[case]
    original = recipe(torch)
    path = tmp_path / f"{case}.pt"
    torch.save(original, path)
    assert describe(lesson.load(path)) == recorder.describe(original, recorder.torch_layout)


def test_state_dicts_move_between_the_engines(torch, tmp_path):
    torch.manual_seed(1)
    theirs = recorder.small_model(torch).eval()
    torch.save(theirs.state_dict(), tmp_path / "theirs.pt")
    ours = recorder.small_model(lesson).eval()
    ours.load_state_dict(lesson.load(tmp_path / "theirs.pt"))
    lesson.save(ours.state_dict(), tmp_path / "ours.pt")
    again = recorder.small_model(torch).eval()
    again.load_state_dict(torch.load(tmp_path / "ours.pt", weights_only=True))
    data = np.random.default_rng(0).random((4, 1, 3, 3), dtype=np.float32)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(data)).numpy()
        np.testing.assert_array_equal(again(torch.from_numpy(data)).numpy(), expected)
    with lesson.no_grad():
        np.testing.assert_allclose(ours(lesson.tensor(data)).numpy(), expected, rtol=1e-5)


def test_train_save_resume_and_hand_over_to_torch(torch, tmp_path):
    """Train on the digits, save model and optimizer, resume in a new model and optimizer:
    the same parameters as training straight on. torch then loads the same files."""
    train, _ = split_digits()
    images = lesson.tensor(train.data[:256])
    labels = lesson.tensor(train.target[:256])

    def fresh():
        lesson.manual_seed(0)
        model = nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))
        return model, SGD(model.parameters(), lr=0.1, momentum=0.9)

    def steps(model, optimizer, batches):
        for batch in batches:
            optimizer.zero_grad()
            rows = slice(32 * batch, 32 * batch + 32)
            loss = nn.functional.cross_entropy(model(images[rows]), labels[rows])
            loss.backward()
            optimizer.step()

    straight, straight_optimizer = fresh()
    steps(straight, straight_optimizer, range(8))
    model, optimizer = fresh()
    steps(model, optimizer, range(4))
    lesson.save({"model": model.state_dict(), "optim": optimizer.state_dict()}, tmp_path / "c.pt")
    resumed, resumed_optimizer = fresh()
    checkpoint = lesson.load(tmp_path / "c.pt")
    resumed.load_state_dict(checkpoint["model"])
    resumed_optimizer.load_state_dict(checkpoint["optim"])
    steps(resumed, resumed_optimizer, range(4, 8))
    for a, b in zip(resumed.parameters(), straight.parameters(), strict=True):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())

    theirs = torch.load(tmp_path / "c.pt", weights_only=True)
    torch_model = torch.nn.Sequential(
        torch.nn.Linear(64, 16), torch.nn.ReLU(), torch.nn.Linear(16, 10)
    )
    torch_model.load_state_dict(theirs["model"])
    torch_optimizer = torch.optim.SGD(torch_model.parameters(), lr=0.1, momentum=0.9)
    torch_optimizer.load_state_dict(theirs["optim"])
    momentum = torch_optimizer.state[torch_model[0].weight]["momentum_buffer"]
    np.testing.assert_array_equal(
        momentum.numpy(), optimizer.state[model[0].weight]["momentum_buffer"].numpy()
    )


# ---------------------------------------------------------------------- refusals


def test_a_global_outside_the_allow_list_is_refused_in_torchs_words():
    torch_message = GOLDEN["errors"]["refused_print"]["message"]
    phrases = [
        "Weights only load failed.",
        "WeightsUnpickler error: Unsupported global: GLOBAL print was not an allowed "
        "global by default.",
    ]
    assert all(phrase in torch_message for phrase in phrases)
    with pytest.raises(pickle.UnpicklingError) as error:
        lesson.load(FIXTURES / "refused_print.pt")
    assert all(phrase in str(error.value) for phrase in phrases)
    assert "never runs code" in str(error.value)


def test_a_call_of_os_system_is_refused_and_never_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    phrase = "Trying to load unsupported GLOBAL posix.system whose module posix is blocked."
    assert phrase in GOLDEN["errors"]["refused_system"]["message"]
    for weights_only in (True, False):
        with pytest.raises(pickle.UnpicklingError, match="Weights only load failed") as error:
            lesson.load(FIXTURES / "refused_system.pt", weights_only=weights_only)
        assert phrase in str(error.value)
    assert "even with weights_only=False" in str(error.value)
    assert not (tmp_path / "pwned.txt").exists()


@pytest.mark.parametrize(
    ("payload", "refused"),
    [
        (b"c__builtin__\neval\n(X\x04\x00\x00\x001+1tR.", "GLOBAL eval was not an allowed"),
        (b"cbuiltins\nexec\n(X\x01\x00\x00\x001tR.", "GLOBAL exec was not an allowed"),
        (b"csubprocess\nrun\n.", "GLOBAL subprocess.run was not an allowed"),
        (b"csys\nexit\n.", "GLOBAL sys.exit whose module sys is blocked"),
    ],
)
def test_other_dangerous_globals_are_refused(payload, refused):
    with pytest.raises(pickle.UnpicklingError, match=refused):
        lesson.load(archive_with_pickle(b"\x80\x02" + payload))


def test_build_on_anything_but_an_ordered_dict_is_refused():
    """BUILD sets attributes: on a dtype it would change torch.float32 for everyone."""
    payload = b"\x80\x02ctorch\nfloat32\n}X\x04\x00\x00\x00nameX\x01\x00\x00\x00xsb."
    with pytest.raises(pickle.UnpicklingError, match="Can only build Tensor, Parameter"):
        lesson.load(archive_with_pickle(payload))
    assert lesson.float32.name == "float32"


def test_an_allowed_call_with_the_wrong_arguments_is_refused():
    with pytest.raises(pickle.UnpicklingError, match="collections.OrderedDict: .*'int'"):
        lesson.load(archive_with_pickle(b"\x80\x02ccollections\nOrderedDict\nK\x05\x85R."))


def test_other_pickle_protocols_stop_at_the_first_unknown_instruction():
    """As torch's loader: protocol 4's FRAME (149) is not among protocol 2's instructions."""
    with (
        pytest.warns(UserWarning, match="Detected pickle protocol 4 in the checkpoint"),
        pytest.raises(pickle.UnpicklingError, match="Unsupported operand 149"),
    ):
        lesson.load(archive_with_pickle(pickle.dumps({"a": 1}, protocol=4)))


def test_a_dtype_this_engine_lacks_is_named():
    with pytest.raises(pickle.UnpicklingError, match="dtype torch.bfloat16"):
        lesson.load(FIXTURES / "bfloat16.pt")


# ---------------------------------------------------------------------- devices


def test_map_location_cpu_in_every_spelling():
    path = FIXTURES / "sgd_state.pt"
    expected = describe(lesson.load(path))
    for where in ("cpu", lesson.device("cpu"), {"cpu": "cpu"}, lambda storage, location: storage):
        assert describe(lesson.load(path, map_location=where)) == expected


@pytest.mark.parametrize(
    ("where", "case"), [("cuda", "map_location_cuda"), ("xyz", "map_location_unknown")]
)
def test_map_location_elsewhere_raises_torchs_error(where, case):
    expected = GOLDEN["errors"][case]
    with pytest.raises(RuntimeError) as error:
        lesson.load(FIXTURES / "every_dtype.pt", map_location=where)
    assert str(error.value) == expected["message"]


# ---------------------------------------------------------------------- damaged and foreign files


def flip_byte_in_record(data, record_suffix):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith(record_suffix))
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 :][:4])
    start = info.header_offset + 30 + name_length + extra_length
    return data[:start] + bytes([data[start] ^ 0xFF]) + data[start + 1 :]


@pytest.fixture
def good_file():
    return (FIXTURES / "model_state.pt").read_bytes()


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_a_truncated_file_is_reported_as_corrupt(good_file, tmp_path, keep):
    path = tmp_path / "cut.pt"
    path.write_bytes(good_file[: int(len(good_file) * keep)])
    with pytest.raises(
        RuntimeError, match="failed reading zip archive .*cut.pt.*The file is corrupt"
    ):
        lesson.load(path)


def test_a_damaged_storage_is_reported_as_corrupt(good_file, tmp_path):
    path = tmp_path / "flipped.pt"
    path.write_bytes(flip_byte_in_record(good_file, "data/3"))
    with pytest.raises(RuntimeError, match="record data/3: Bad CRC-32(.|\n)*corrupt"):
        lesson.load(path)


def test_a_storage_of_the_wrong_size_is_reported_as_corrupt():
    tensor_pickle = serialization._Pickler().dumps(lesson.ones(4))
    damaged = archive_with_pickle(tensor_pickle, [("data/0", b"\x00" * 12)])
    with pytest.raises(RuntimeError, match="record data/0 holds 12 bytes, but data.pkl says"):
        lesson.load(damaged)
    missing = archive_with_pickle(tensor_pickle)
    with pytest.raises(RuntimeError, match="record data/0 is missing"):
        lesson.load(missing)


def test_a_view_beyond_its_storage_is_refused_in_torchs_words():
    pickler = serialization._Pickler()
    tensor_pickle = pickler.dumps(lesson.arange(10.0)[4:6])
    assert tensor_pickle.count(b"QK\x04") == 1  # BINPERSID, then the offset 4
    out_of_bounds = tensor_pickle.replace(b"QK\x04", b"QK\x09")
    damaged = archive_with_pickle(out_of_bounds, [("data/0", pickler.storages["0"])])
    with pytest.raises(RuntimeError, match=r"setStorage: sizes \[2\], strides \[1\], storage "
                       r"offset 9, and itemsize 4 requiring a storage size of 44 are out of "
                       r"bounds for storage of size 40"):  # fmt: skip
        lesson.load(damaged)


def test_the_legacy_format_is_named_and_not_loaded():
    with pytest.raises(RuntimeError, match=r"legacy \(PyTorch < 1.6, non-zip\) format"):
        lesson.load(FIXTURES / "legacy.pt")


def test_files_that_are_not_torch_files(tmp_path):
    empty = tmp_path / "empty.pt"
    empty.write_bytes(b"")
    with pytest.raises(RuntimeError, match="is empty"):
        lesson.load(empty)
    text = tmp_path / "notes.pt"
    text.write_text("hello")
    with pytest.raises(RuntimeError, match="is not a PyTorch file"):
        lesson.load(text)
    npz = tmp_path / "arrays.npz"
    np.savez(npz, a=np.ones(2))
    with pytest.raises(RuntimeError, match="a NumPy .npz archive"):
        lesson.load(npz)
    script = archive_with_pickle(b"\x80\x02K\x01.", [("constants.pkl", b"")])
    with pytest.raises(RuntimeError, match="Cannot use ``weights_only=True`` with TorchScript"):
        lesson.load(script)
    with pytest.raises(FileNotFoundError):
        lesson.load(tmp_path / "missing.pt")


# ---------------------------------------------------------------------- what save refuses


def test_save_refuses_what_a_weights_only_load_cannot_read(tmp_path):
    path = tmp_path / "kept.pt"
    lesson.save({"x": lesson.ones(1)}, path)
    before = path.read_bytes()
    model = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"save model.state_dict\(\)"):
        lesson.save(model, path)
    with pytest.raises(TypeError, match=r"numpy.float32(.|\n)*\.item\(\)"):
        lesson.save({"lr": np.float32(0.1)}, path)
    with pytest.raises(TypeError, match="cannot save an object of type builtins.function"):
        lesson.save([lambda: 1], path)
    assert path.read_bytes() == before  # checked before the file was opened


def test_save_options_it_does_not_have(tmp_path):
    with pytest.raises(ValueError, match="protocol 2 only"):
        lesson.save(1, tmp_path / "x.pt", pickle_protocol=4)
    with pytest.raises(ValueError, match="legacy format"):
        lesson.save(1, tmp_path / "x.pt", _use_new_zipfile_serialization=False)


def test_save_into_a_missing_folder_says_so_as_torch(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    expected = GOLDEN["errors"]["missing_parent"]
    with pytest.raises(RuntimeError) as error:
        lesson.save(lesson.ones(1), "no_such_folder/x.pt")
    assert str(error.value) == expected["message"]
    assert not Path("no_such_folder").exists()
