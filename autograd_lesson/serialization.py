"""`save` and `load` in PyTorch's own file format, so files travel both ways with torch.

A file written by `torch.save` (PyTorch 1.6 and later) is a zip archive of uncompressed
records, all in one folder named after the file (`model.pt` -> `model/`, a buffer -> `archive/`):

    model/data.pkl                 the saved object, pickled; each tensor refers to a storage
    model/.format_version          "1"
    model/.storage_alignment       "64": every record's bytes start at a multiple of 64
    model/byteorder                "little" (how multi-byte numbers are stored)
    model/data/0, data/1, ...      the storages: each one tensor's raw bytes, or several
                                   tensors' if they share memory (a tensor and its view)
    model/version                  "3"
    model/.data/serialization_id   a 40-digit id of this file

A tensor in data.pkl is a call `_rebuild_tensor_v2(storage, offset, size, stride,
requires_grad, hooks)`: where its numbers start in the storage, its shape, and how many
elements to step per dimension. A transposed view and its base share one storage.

Loading never runs code from the file. A pickle is a small program for a stack machine,
and its GLOBAL instruction can name any Python function for REDUCE to call (`os.system`
included): `pickle.load` on a downloaded file runs whatever it was written to run. Like
torch's `weights_only=True` loader, the `_Unpickler` below interprets the instructions
itself and accepts only an allow-list of names: tensors, storages, dtypes, containers.
Anything else is refused with an error naming the global.
"""

import codecs
import hashlib
import io
import os
import pickle
import struct
import sys
import warnings
import zipfile
import zlib
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import dtypes
from .tensor import Size, Tensor, device

__all__ = ["load", "save", "TensorInfo", "load_tensor_infos"]

# The storage class name data.pkl uses for each dtype, e.g. GLOBAL 'torch FloatStorage'.
STORAGE_NAMES = {
    dtypes.float32: "FloatStorage",
    dtypes.float64: "DoubleStorage",
    dtypes.float16: "HalfStorage",
    dtypes.int64: "LongStorage",
    dtypes.int32: "IntStorage",
    dtypes.int16: "ShortStorage",
    dtypes.int8: "CharStorage",
    dtypes.uint8: "ByteStorage",
    dtypes.bool: "BoolStorage",
}
DTYPE_OF_STORAGE = {name: dtype for dtype, name in STORAGE_NAMES.items()}
DTYPE_BY_NAME = {d.name: d for d in STORAGE_NAMES}

# torch dtypes (and their storage classes) this engine has no counterpart for.
MISSING_DTYPES = {
    "BFloat16Storage": "bfloat16",
    "ComplexFloatStorage": "complex64",
    "ComplexDoubleStorage": "complex128",
    "QInt8Storage": "qint8",
    "QUInt8Storage": "quint8",
    "QInt32Storage": "qint32",
    "QUInt4x2Storage": "quint4x2",
    "QUInt2x4Storage": "quint2x4",
}
MISSING_DTYPE_NAMES = {
    "bfloat16", "complex32", "complex64", "complex128", "cfloat", "cdouble", "chalf",
    "uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2",
    "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2", "bits8", "bits16", "bits1x8",
    "bits2x4", "bits4x2", "qint8", "quint8", "qint32", "quint4x2", "quint2x4",
    *(f"int{n}" for n in range(1, 8)), *(f"uint{n}" for n in range(1, 8)),
}  # fmt: skip

FILE_FORMAT_VERSION = "3\n"
STORAGE_ALIGNMENT = 64
PICKLE_PROTOCOL = 2
ZIP_MAGIC = b"PK\x03\x04"
# A legacy (torch < 1.6) file is a pickle that starts with this magic number.
LEGACY_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
TAR_MAGIC = b"ustar"  # torch's even older format: a tar archive

UNSAFE_HINT = (
    "autograd_lesson never runs code from a file, so it cannot load this one. "
    "torch.load(..., weights_only=False) in PyTorch could, but unpickling can run "
    "arbitrary code: do that only with a file from a source you trust."
)
ALLOWED_TEXT = (
    "autograd_lesson.load reads what torch's weights_only=True loader reads by default: "
    "tensors, nn.Parameters, dtypes, torch.Size, torch.device, and dicts, OrderedDicts, "
    "lists, tuples, sets, strings, numbers, booleans and None."
)
BLOCKED_MODULES = ("sys", "os", "posix", "nt")


# ============================================================================ saving


def save(
    obj,
    f,
    pickle_module=pickle,
    pickle_protocol=PICKLE_PROTOCOL,
    _use_new_zipfile_serialization=True,
    _disable_byteorder_record=False,
):
    """Write `obj` (a tensor, a state_dict, an optimizer's state_dict, nested containers of
    those and of numbers and strings) to `f`, a path or a binary file, in torch's zip
    format. `torch.load(f, weights_only=True)` reads the file back, and so does `load`.

    Everything is checked and pickled in memory before the file is opened, so an object
    that cannot be saved leaves an existing file untouched.
    """
    if pickle_module is not pickle:
        raise ValueError("autograd_lesson.save writes with Python's pickle module only")
    if pickle_protocol != PICKLE_PROTOCOL:
        raise ValueError(
            f"autograd_lesson.save writes pickle protocol 2 only (torch's default), "
            f"not {pickle_protocol}: the weights_only loaders read protocol 2"
        )
    if not _use_new_zipfile_serialization:
        raise ValueError(
            "autograd_lesson.save writes torch's zip format only; the legacy format "
            "(_use_new_zipfile_serialization=False) is not supported"
        )
    pickler = _Pickler()
    data_pkl = pickler.dumps(obj)
    records = [
        ("data.pkl", data_pkl),
        (".format_version", b"1"),
        (".storage_alignment", str(STORAGE_ALIGNMENT).encode()),
    ]
    if not _disable_byteorder_record:
        records.append(("byteorder", sys.byteorder.encode()))
    records += [(f"data/{key}", flat) for key, flat in pickler.storages.items()]
    records.append(("version", FILE_FORMAT_VERSION.encode()))
    records.append((".data/serialization_id", _serialization_id(records)))
    if isinstance(f, str | os.PathLike):
        parent = Path(f).expanduser().parent
        if not parent.is_dir():
            raise RuntimeError(f"Parent directory {parent} does not exist.")
        with open(Path(f).expanduser(), "wb") as file:
            _write_zip(file, Path(f).stem, records)
    else:
        _write_zip(f, "archive", records)


def _serialization_id(records):
    """40 decimal digits that identify this file, made from its contents (so saving the
    same object twice gives the same bytes, which keeps tests reproducible)."""
    digest = hashlib.sha1()
    for name, data in records:
        digest.update(name.encode())
        digest.update(zlib.crc32(memoryview(data).cast("B")).to_bytes(4, "little"))
    number = int.from_bytes(digest.digest()[:16], "little")
    return f"{number % 10**40:040d}".encode()


def _write_zip(file, archive_name, records):
    """Write each record uncompressed, its bytes starting at a multiple of 64 as in torch's
    files (a memory-mapped load can then use them in place). The padding goes into the
    local header's "extra" field, a block named b"FB" filled with b"Z", as torch writes it."""
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, data in records:
            view = memoryview(data).cast("B")
            info = zipfile.ZipInfo(f"{archive_name}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = len(view)
            # zipfile appends a 20-byte zip64 block for large records: count it too.
            zip64 = 20 if len(view) * 1.05 > zipfile.ZIP64_LIMIT else 0
            header_end = archive.fp.tell() + 30 + len(info.filename.encode()) + 4 + zip64
            padding = -header_end % STORAGE_ALIGNMENT
            info.extra = b"FB" + struct.pack("<H", padding) + b"Z" * padding
            with archive.open(info, "w") as record:
                record.write(view)


def _storage_root(array):
    """The array that owns the memory `array` looks into (following NumPy's .base chain)."""
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    return root


def _address(array):
    return array.__array_interface__["data"][0]


def storage_layout(array):
    """(root, offset, strides) describing `array` as a view into `root`'s memory, counted in
    elements as torch counts them; None when `array` cannot be described that way (then it
    is saved as its own storage, a compact copy)."""
    root = _storage_root(array)
    itemsize = array.itemsize
    if array.size == 0 or root.dtype != array.dtype or not root.flags.contiguous:
        return None
    offset_bytes = _address(array) - _address(root)
    steps = (offset_bytes, *array.strides)
    if any(step < 0 or step % itemsize for step in steps):
        return None  # torch has no negative strides, and no half-element steps
    strides = tuple(step // itemsize for step in array.strides)
    return root, offset_bytes // itemsize, strides


class _Pickler:
    """Writes pickle protocol 2, the instructions torch's files use, for the objects
    torch's weights_only loader accepts. Tensors become `_rebuild_tensor_v2(...)` calls
    whose storages go to `self.storages` ({"0": flat array, ...}), one per memory block."""

    BATCH = 1000  # as pickle: APPENDS/SETITEMS in batches of at most 1000 items

    def __init__(self):
        self.out = io.BytesIO()
        self.memo = {}  # id(object) -> (memo index, object): a second use is a BINGET
        self.storages = {}  # key -> flat array of the storage's elements
        self.storage_keys = {}  # id(root array) -> key
        self.storage_roots = []  # keeps roots alive, so their ids stay unique

    def dumps(self, obj):
        self.write(pickle.PROTO + bytes([PICKLE_PROTOCOL]))
        self.save(obj)
        self.write(pickle.STOP)
        return self.out.getvalue()

    def write(self, data):
        self.out.write(data)

    # ---------------------------------------------------------------- the memo
    def memoize(self, obj, key=None):
        index = len(self.memo)
        self.memo[key if key is not None else id(obj)] = (index, obj)
        if index < 256:
            self.write(pickle.BINPUT + bytes([index]))
        else:
            self.write(pickle.LONG_BINPUT + struct.pack("<I", index))

    def saved_before(self, key):
        """Write a BINGET and return True if the object with this memo key was saved."""
        if key not in self.memo:
            return False
        index = self.memo[key][0]
        if index < 256:
            self.write(pickle.BINGET + bytes([index]))
        else:
            self.write(pickle.LONG_BINGET + struct.pack("<I", index))
        return True

    # ---------------------------------------------------------------- objects
    def save(self, obj):  # noqa: C901 - one branch per type is the clearest form here
        kind = type(obj)
        if obj is None:
            self.write(pickle.NONE)
        elif kind is bool:
            self.write(pickle.NEWTRUE if obj else pickle.NEWFALSE)
        elif kind is int:
            self.save_int(obj)
        elif kind is float:
            self.write(pickle.BINFLOAT + struct.pack(">d", obj))
        elif self.saved_before(id(obj)):
            return
        elif kind is str:
            encoded = obj.encode("utf-8", "surrogatepass")
            self.write(pickle.BINUNICODE + struct.pack("<I", len(encoded)) + encoded)
            self.memoize(obj)
        elif kind is bytes:  # protocol 2 spells bytes as _codecs.encode(text, "latin1")
            self.save_call("_codecs", "encode", (obj.decode("latin1"), "latin1"), obj)
        elif kind is bytearray:
            self.save_call("__builtin__", "bytearray", (obj.decode("latin1"), "latin-1"), obj)
        elif kind is complex:
            self.save_call("__builtin__", "complex", (obj.real, obj.imag), obj)
        elif kind is set:
            self.save_call("__builtin__", "set", (list(obj),), obj)
        elif kind is Size:
            self.save_call("torch", "Size", (tuple(obj),), obj)
        elif kind is tuple:
            self.save_tuple(obj)
        elif kind is list:
            self.write(pickle.EMPTY_LIST)
            self.memoize(obj)
            self.save_batches(obj, pickle.APPEND, pickle.APPENDS)
        elif kind is dict:
            self.write(pickle.EMPTY_DICT)
            self.memoize(obj)
            self.save_batches(obj.items(), pickle.SETITEM, pickle.SETITEMS)
        elif kind is OrderedDict:
            self.save_ordered_dict(obj)
        elif kind is Counter:
            self.save_call("collections", "Counter", (dict(obj),), obj)
        elif isinstance(obj, dtypes.dtype):
            self.save_global("torch", obj.name)
        elif isinstance(obj, device):
            index = getattr(obj, "index", None)
            self.save_call(
                "torch", "device", (obj.type,) if index is None else (obj.type, index), obj
            )
        elif isinstance(obj, Tensor):
            self.save_tensor(obj)
        else:
            raise TypeError(_cannot_save_message(obj))

    def save_int(self, number):
        if 0 <= number < 256:
            self.write(pickle.BININT1 + bytes([number]))
        elif 0 <= number < 65536:
            self.write(pickle.BININT2 + struct.pack("<H", number))
        elif -(2**31) <= number < 2**31:
            self.write(pickle.BININT + struct.pack("<i", number))
        else:  # two's complement, little-endian, as few bytes as hold the sign
            size = number.bit_length() // 8 + 1
            encoded = number.to_bytes(size, "little", signed=True)
            if size > 255:
                raise OverflowError(f"cannot save an integer of {size} bytes")
            self.write(pickle.LONG1 + bytes([size]) + encoded)

    def save_tuple(self, items):
        if not items:
            self.write(pickle.EMPTY_TUPLE)
            return
        if len(items) > 3:
            self.write(pickle.MARK)
        for item in items:
            self.save(item)
        self.write(
            {1: pickle.TUPLE1, 2: pickle.TUPLE2, 3: pickle.TUPLE3}.get(len(items), pickle.TUPLE)
        )
        self.memoize(items)

    def save_batches(self, items, one, many):
        """Items of a list (APPEND) or (key, value) pairs of a dict (SETITEM)."""
        batch = []
        for item in items:
            batch.append(item)
            if len(batch) == self.BATCH:
                self.write_batch(batch, one, many)
                batch = []
        self.write_batch(batch, one, many)

    def write_batch(self, batch, one, many):
        if len(batch) > 1:
            self.write(pickle.MARK)
        for item in batch:
            for part in item if one == pickle.SETITEM else (item,):
                self.save(part)
        if batch:
            self.write(many if len(batch) > 1 else one)

    def save_global(self, module, name):
        if not self.saved_before((module, name)):
            self.write(pickle.GLOBAL + f"{module}\n{name}\n".encode())
            self.memoize(None, key=(module, name))

    def save_call(self, module, name, args, obj=None):
        """module.name(*args): GLOBAL, the arguments' tuple, REDUCE."""
        self.save_global(module, name)
        self.save_tuple(args)
        self.write(pickle.REDUCE)
        if obj is not None:
            self.memoize(obj)

    def save_ordered_dict(self, ordered):
        self.save_call("collections", "OrderedDict", ())
        self.memoize(ordered)
        self.save_batches(ordered.items(), pickle.SETITEM, pickle.SETITEMS)
        attributes = vars(ordered)  # a state_dict's _metadata (module versions)
        if attributes:
            self.save(dict(attributes))
            self.write(pickle.BUILD)

    def save_tensor(self, tensor):
        """torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
        OrderedDict()), or _rebuild_parameter(that, requires_grad, OrderedDict())."""
        from .nn.parameter import Parameter  # nn is built on this package's tensors

        if tensor.dtype not in STORAGE_NAMES:
            raise TypeError(f"autograd_lesson.save cannot save tensors of dtype {tensor.dtype}")
        array = tensor._data
        layout = storage_layout(array)
        if layout is None:  # saved as its own storage: a compact copy
            array = array.copy(order="C")
            layout = (array, 0, _contiguous_strides(array.shape))
        root, offset, strides = layout
        key = self.storage_key(root)
        is_parameter = isinstance(tensor, Parameter)
        if is_parameter:
            self.save_global("torch._utils", "_rebuild_parameter")
            self.write(pickle.MARK)
        self.save_global("torch._utils", "_rebuild_tensor_v2")
        self.write(pickle.MARK)
        self.write(pickle.MARK)  # the persistent id: ('storage', type, key, location, numel)
        self.save("storage")
        self.save_global("torch", STORAGE_NAMES[tensor.dtype])
        self.save(key)
        self.save("cpu")
        self.save(root.size)
        self.write(pickle.TUPLE)
        self.write(pickle.BINPERSID)
        self.save(offset)
        self.save_tuple(tuple(array.shape))
        self.save_tuple(strides)
        self.save(False if is_parameter else tensor.requires_grad)
        self.save_call("collections", "OrderedDict", ())
        self.write(pickle.TUPLE)
        self.write(pickle.REDUCE)
        if is_parameter:
            self.save(tensor.requires_grad)
            self.save_call("collections", "OrderedDict", ())
            self.write(pickle.TUPLE)
            self.write(pickle.REDUCE)
        self.memoize(tensor)

    def storage_key(self, root):
        """The storage key ("0", "1", ...) of a memory block: views share their storage."""
        if id(root) not in self.storage_keys:
            key = str(len(self.storage_keys))
            self.storage_keys[id(root)] = key
            self.storage_roots.append(root)
            self.storages[key] = root.ravel(order="K")  # memory order, no copy
        return self.storage_keys[id(root)]


def _contiguous_strides(shape):
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def _cannot_save_message(obj):
    kind = type(obj)
    name = f"{kind.__module__}.{kind.__qualname__}"
    hint = ""
    if hasattr(obj, "state_dict") and hasattr(obj, "parameters"):
        hint = " To save a model, save model.state_dict() and load it into a new model."
    elif hasattr(obj, "state_dict"):
        hint = " Save its .state_dict() instead."
    elif isinstance(obj, np.ndarray | np.generic):
        hint = " Convert it first: torch.from_numpy(array), or .item() for a NumPy number."
    return (
        f"autograd_lesson.save cannot save an object of type {name}: it writes only what "
        f"torch.load(..., weights_only=True) can read back (tensors, nn.Parameters, dtypes, "
        f"torch.Size, torch.device, dicts, OrderedDicts, lists, tuples, sets, strings, bytes, "
        f"numbers, booleans and None).{hint}"
    )


# ============================================================================ loading


@dataclass(frozen=True, slots=True)
class TensorInfo:
    """What data.pkl says about a tensor, read without reading its numbers."""

    shape: Size
    dtype: dtypes.dtype
    requires_grad: bool
    is_parameter: bool = False
    # Which storage holds its numbers, and that storage's size in bytes (a small view of
    # a large storage still brings the whole storage into memory when loaded).
    storage_key: str = field(default="", compare=False)
    storage_bytes: int = field(default=0, compare=False)

    def numel(self):
        return self.shape.numel()


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **kwargs):
    """Read an object written by `torch.save` (or `save`) from `f`, a path or a binary file.

    Tensors come back with their dtype, shape, strides and requires_grad; tensors that
    shared memory when saved share it again; nn.Parameters come back as Parameters.
    Only CPU is supported: `map_location` may be None, "cpu", torch.device("cpu"), a dict
    of locations or a function, as in torch; tensors saved on a GPU need map_location="cpu".

    mmap=True maps the storages' bytes from the file instead of reading them (copy on
    write, as torch's default: changing a loaded tensor never changes the file).

    Loading never runs code from the file: with weights_only=True (torch's default) or
    False, only the allow-list of torch's weights_only loader is read; anything else is
    refused with a pickle.UnpicklingError naming what was refused.
    """
    _check_load_options(f, pickle_module, mmap, kwargs)
    with _Archive(f, mmap=bool(mmap)) as archive:
        return archive.unpickle(map_location, archive.tensor, weights_only, kwargs)


def load_tensor_infos(f, map_location=None):
    """What `load(f)` would return, with a TensorInfo (shape, dtype) in place of each tensor,
    reading only the archive's directory and data.pkl, never the tensors' numbers. A weights
    loader checks names and shapes with this before reading a large file."""
    with _Archive(f) as archive:
        return archive.unpickle(map_location, archive.tensor_info, True, {})


def _check_load_options(f, pickle_module, mmap, kwargs):
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("autograd_lesson.load reads with its own safe unpickler only")
    if mmap and not isinstance(f, str | os.PathLike):
        raise ValueError("f must be a file path in order to use the mmap argument")
    unknown = set(kwargs) - {"encoding"}
    if unknown:
        raise TypeError(f"load() got an unexpected keyword argument '{sorted(unknown)[0]}'")


def is_torch_zip(path):
    """True if `path` is a zip archive holding a <folder>/data.pkl record (torch's format)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.count("/") == 1 and name.endswith("/data.pkl")
                       for name in archive.namelist())  # fmt: skip
    except (zipfile.BadZipFile, OSError, EOFError):
        return False


class _Archive:
    """An open torch zip archive: its records, and its storages read as NumPy arrays."""

    def __init__(self, f, mmap=False):
        self.name = os.fspath(f) if isinstance(f, str | os.PathLike) else "the file"
        self.mmap = mmap
        self.file = open(Path(f).expanduser(), "rb") if isinstance(f, str | os.PathLike) else f
        self.owns_file = self.file is not f
        try:
            self.zip = self.open_zip()
            self.prefix = self.find_prefix()
            self.byteorder = self.read_byteorder()
        except BaseException:
            self.close()
            raise
        self.storages = {}  # (key, dtype name) -> flat array, shared by the tensors using it

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if getattr(self, "zip", None) is not None:
            self.zip.close()
        if self.owns_file:
            self.file.close()

    # ---------------------------------------------------------------- the archive
    def open_zip(self):
        start = self.file.tell()
        head = self.file.read(512)
        self.file.seek(start)
        if head[:4] != ZIP_MAGIC:
            raise RuntimeError(self.not_a_zip_message(head))
        try:
            return zipfile.ZipFile(self.file)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
            raise RuntimeError(self.corrupt_message(f"{error}")) from None

    def not_a_zip_message(self, head):
        if not head:
            return f"{self.name} is empty: it is not a PyTorch file (nothing was saved to it)."
        is_legacy = head[:2] == b"\x80\x02" and head[2:3] == pickle.LONG1 and head[3:4] == b"\n"
        if is_legacy and int.from_bytes(head[4:14], "little") == LEGACY_MAGIC_NUMBER:
            kind = "legacy (PyTorch < 1.6, non-zip) format"
        elif head[257:262] == TAR_MAGIC:
            kind = "legacy .tar format of early PyTorch versions"
        else:
            return (
                f"{self.name} is not a PyTorch file: torch.save writes a zip archive, and this "
                "file does not start like one."
            )
        return (
            f"{self.name} is in PyTorch's {kind}, which autograd_lesson.load does not "
            "support. Re-save it in the zip format with PyTorch 1.6 or newer: "
            "torch.save(torch.load(path, weights_only=True), path)"
        )

    def corrupt_message(self, detail):
        return (
            f"failed reading zip archive {self.name}: {detail}. The file is corrupt: it may "
            "be truncated or damaged (an interrupted download or copy); save or download "
            "it again."
        )

    def find_prefix(self):
        names = self.zip.namelist()
        pickles = [n for n in names if n.count("/") == 1 and n.endswith("/data.pkl")]
        if any(n.endswith("/constants.pkl") for n in names):
            raise RuntimeError(
                "Cannot use ``weights_only=True`` with TorchScript archives passed to "
                f"``torch.load``. {self.name} is a TorchScript archive (torch.jit.save): "
                "autograd_lesson cannot load TorchScript."
            )
        if not pickles:
            is_npz = names and all(n.endswith(".npy") for n in names)
            what = "a NumPy .npz archive: read it with numpy.load" if is_npz else "no data.pkl"
            raise RuntimeError(f"{self.name} is a zip archive but not a PyTorch file ({what}).")
        return pickles[0][: -len("data.pkl")]

    def read_byteorder(self):
        if self.prefix + "byteorder" not in self.zip.namelist():
            return "little"  # torch's default for files without the record
        order = self.record("byteorder").decode("ascii", "replace")
        if order not in ("little", "big"):
            raise ValueError("Unknown endianness type: " + order)
        return order

    def record(self, name):
        try:
            return self.zip.read(self.prefix + name)
        except KeyError:
            raise RuntimeError(self.corrupt_message(f"record {name} is missing")) from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
            raise RuntimeError(self.corrupt_message(f"record {name}: {error}")) from None

    # ---------------------------------------------------------------- unpickling
    def unpickle(self, map_location, make_tensor, weights_only, options):
        data = self.record("data.pkl")
        unpickler = _Unpickler(data, self, map_location, make_tensor, **options)
        try:
            return unpickler.load()
        except pickle.UnpicklingError as error:
            raise pickle.UnpicklingError(_weights_only_message(str(error), weights_only)) from None
        except EOFError:
            raise RuntimeError(self.corrupt_message("data.pkl ends too early")) from None

    def tensor_info(self, storage, offset, size, stride, requires_grad):
        storage_bytes = storage.numel * storage.dtype.itemsize
        return TensorInfo(
            Size(size), storage.dtype, requires_grad, False, storage.key, storage_bytes
        )

    def tensor(self, storage, offset, size, stride, requires_grad):
        flat = self.read_storage(storage)
        itemsize = flat.itemsize
        array = np.ndarray(
            size, flat.dtype, buffer=flat, offset=offset * itemsize,
            strides=[s * itemsize for s in stride],
        )  # fmt: skip
        return Tensor(array, requires_grad=requires_grad)

    def read_storage(self, storage):
        """The storage's elements as a flat, writable array (read from the file once)."""
        cache_key = (storage.key, storage.dtype.name)  # one memory block, read once
        if cache_key in self.storages:
            return self.storages[cache_key]
        name = f"data/{storage.key}"
        numpy_dtype = storage.dtype.numpy_dtype
        try:
            info = self.zip.getinfo(self.prefix + name)
        except KeyError:
            raise RuntimeError(self.corrupt_message(f"record {name} is missing")) from None
        expected = storage.numel * numpy_dtype.itemsize
        if info.file_size != expected:
            raise RuntimeError(
                self.corrupt_message(
                    f"record {name} holds {info.file_size} bytes, but data.pkl says its "
                    f"storage has {storage.numel} elements of {numpy_dtype.itemsize} bytes"
                )
            )
        if self.mmap and expected and info.compress_type == zipfile.ZIP_STORED:
            flat = self.mapped_storage(info, numpy_dtype, storage.numel)
        else:
            flat = self.read_record_into(info, name, numpy_dtype, storage.numel)
        if self.byteorder != sys.byteorder and numpy_dtype.itemsize > 1:
            flat.byteswap(inplace=True)
        self.storages[cache_key] = flat
        return flat

    def read_record_into(self, info, name, numpy_dtype, numel):
        """The record's bytes, read into a new flat array; its CRC is checked."""
        expected = info.file_size
        flat = np.empty(numel, dtype=numpy_dtype)
        try:
            with self.zip.open(info) as record:
                got = record.readinto(memoryview(flat).cast("B")) if expected else 0
                record.read(1)  # reading to the end makes zipfile check the CRC
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
            raise RuntimeError(self.corrupt_message(f"record {name}: {error}")) from None
        if got != expected:
            raise RuntimeError(self.corrupt_message(f"record {name} ends too early"))
        return flat

    def mapped_storage(self, info, numpy_dtype, numel):
        """The record's bytes mapped from the file, copy-on-write (mode "c")."""
        self.file.seek(info.header_offset + 26)
        name_length, extra_length = struct.unpack("<HH", self.file.read(4))
        start = info.header_offset + 30 + name_length + extra_length
        if start + info.file_size > os.fstat(self.file.fileno()).st_size:
            raise RuntimeError(self.corrupt_message(f"record {info.filename} ends too early"))
        return np.memmap(self.file, dtype=numpy_dtype, mode="c", offset=start, shape=(numel,))


def _weights_only_message(message, weights_only):
    """torch's framing of a refusal, with this package's advice."""
    if weights_only is False:
        message += (
            "\n(autograd_lesson reads only the weights_only allow-list, even with "
            "weights_only=False.)"
        )
    if "was not an allowed global by default" in message:
        return f"Weights only load failed. {UNSAFE_HINT}\n\tWeightsUnpickler error: {message}"
    return f"Weights only load failed. {UNSAFE_HINT}\n\n{message}"


# ---------------------------------------------------------------- what data.pkl may name


@dataclass(frozen=True, slots=True)
class _Global:
    """A name that GLOBAL pushed: a function or class from the allow-list. The unpickler
    never calls anything from the file; REDUCE on a _Global calls this module's own code."""

    name: str

    def __repr__(self):
        return self.name


@dataclass(frozen=True, slots=True)
class _StorageType:
    """GLOBAL 'torch FloatStorage' and friends: which dtype a storage holds."""

    dtype: object  # a dtypes.dtype, or None for torch.storage.UntypedStorage (bytes)


@dataclass(frozen=True, slots=True)
class _StorageRef:
    """A storage named by a persistent id: ('storage', type, key, location, numel)."""

    key: str
    dtype: dtypes.dtype
    numel: int


CALLABLE_GLOBALS = {
    "collections.OrderedDict",
    "collections.Counter",
    "builtins.set",
    "builtins.complex",
    "builtins.bytearray",
    "_codecs.encode",
    "torch.Size",
    "torch.device",
    "torch.Tensor",
    "torch.nn.parameter.Parameter",
    "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor_v3",
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
    "torch._tensor._rebuild_from_type_v2",
}
# Allowed by torch's weights_only loader, but for things this engine does not have.
UNSUPPORTED_GLOBALS = {
    "torch._utils._rebuild_qtensor": "quantized tensors",
    "torch._utils._rebuild_sparse_tensor": "sparse tensors",
    "torch._utils._rebuild_meta_tensor_no_storage": "meta tensors",
    "torch._utils._rebuild_nested_tensor": "nested tensors",
    "torch._utils._rebuild_wrapper_subclass": "tensor subclasses",
    "torch._utils._rebuild_device_tensor_from_numpy": "GPU tensors",
    "torch._utils._rebuild_device_tensor_from_cpu_tensor": "GPU tensors",
    "torch.serialization._get_layout": "sparse layouts",
}


def _allowed_global(module, name):
    """What GLOBAL module.name pushes, if it is on the allow-list; else torch's refusal."""
    module = {"__builtin__": "builtins", "torch.tensor": "torch._tensor"}.get(module, module)
    full_name = f"{module}.{name}"
    if module in BLOCKED_MODULES:
        raise pickle.UnpicklingError(
            f"Trying to load unsupported GLOBAL {full_name} whose module {module} is blocked."
        )
    if full_name in CALLABLE_GLOBALS:
        return _Global(full_name)
    if module in ("torch", "torch.storage") and name.endswith("Storage"):
        if name in DTYPE_OF_STORAGE:
            return _StorageType(DTYPE_OF_STORAGE[name])
        if name == "UntypedStorage":
            return _StorageType(None)
        if name in MISSING_DTYPES:
            raise _no_such_dtype(f"torch.{MISSING_DTYPES[name]}", f"GLOBAL {full_name}")
    if module == "torch" and name in DTYPE_BY_NAME:
        return DTYPE_BY_NAME[name]
    if module == "torch" and name in MISSING_DTYPE_NAMES:
        raise _no_such_dtype(f"torch.{name}", f"GLOBAL {full_name}")
    if full_name in UNSUPPORTED_GLOBALS:
        raise pickle.UnpicklingError(
            f"GLOBAL {full_name} is allowed by torch's weights_only loader, but the file "
            f"holds {UNSUPPORTED_GLOBALS[full_name]}, which autograd_lesson does not have."
        )
    shown = full_name[len("builtins.") :] if module == "builtins" else full_name
    raise pickle.UnpicklingError(
        f"Unsupported global: GLOBAL {shown} was not an allowed global by default. " + ALLOWED_TEXT
    )


def _no_such_dtype(dtype_name, where):
    return pickle.UnpicklingError(
        f"The file holds tensors of dtype {dtype_name} ({where}), which autograd_lesson does "
        f"not have. Its dtypes are: {', '.join(repr(d) for d in STORAGE_NAMES)}. Convert the "
        f"tensors in PyTorch first, e.g. tensor.float(), and save again."
    )


class _Unpickler:
    """Runs the pickle instructions of data.pkl itself, like torch's weights_only loader
    (Python's own unpickler would call whatever a GLOBAL names). Supported: the
    instructions of protocol 2 that torch.save writes; anything else is refused."""

    def __init__(self, data, archive, map_location, make_tensor, encoding="ASCII"):
        self.stream = io.BytesIO(data)
        self.archive = archive
        self.map_location = map_location
        self.make_tensor = make_tensor  # (storage, offset, size, stride, requires_grad) -> x
        self.encoding = encoding
        self.storage_refs = {}  # key -> _StorageRef, so every use of a key agrees

    def read(self, n):
        data = self.stream.read(n)
        if len(data) < n:
            raise EOFError
        return data

    def load(self):
        self.stack, self.metastack, self.memo = [], [], {}
        while True:
            code = self.read(1)[0]
            if code == pickle.STOP[0]:
                return self.stack.pop()
            handler = self.OPCODES.get(code)
            if handler is None:
                raise pickle.UnpicklingError(f"Unsupported operand {code}")
            handler(self)

    def pop_mark(self):
        """The items pushed since the last MARK."""
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    # ---------------------------------------------------------------- plain values
    def op_proto(self):
        protocol = self.read(1)[0]
        if protocol != PICKLE_PROTOCOL:  # as torch: warn, then refuse unknown instructions
            warnings.warn(
                f"Detected pickle protocol {protocol} in the checkpoint, which was not the "
                "default pickle protocol used by `torch.load` (2). The weights_only Unpickler "
                "might not support all instructions implemented by this protocol, please file "
                "an issue for adding support if you encounter this.",
                stacklevel=2,
            )

    def op_none(self):
        self.stack.append(None)

    def op_true(self):
        self.stack.append(True)

    def op_false(self):
        self.stack.append(False)

    def op_binint(self):
        self.stack.append(struct.unpack("<i", self.read(4))[0])

    def op_binint1(self):
        self.stack.append(self.read(1)[0])

    def op_binint2(self):
        self.stack.append(struct.unpack("<H", self.read(2))[0])

    def op_long1(self):
        size = self.read(1)[0]
        self.stack.append(int.from_bytes(self.read(size), "little", signed=True))

    def op_binfloat(self):
        self.stack.append(struct.unpack(">d", self.read(8))[0])

    def op_binunicode(self):
        size = struct.unpack("<I", self.read(4))[0]
        self.stack.append(str(self.read(size), "utf-8", "surrogatepass"))

    def op_short_binstring(self):  # a Python 2 str
        data = self.read(self.read(1)[0])
        self.stack.append(data if self.encoding == "bytes" else data.decode(self.encoding))

    # ---------------------------------------------------------------- containers
    def op_mark(self):
        self.metastack.append(self.stack)
        self.stack = []

    def op_empty_tuple(self):
        self.stack.append(())

    def op_tuple(self):
        items = self.pop_mark()  # first: pop_mark replaces self.stack
        self.stack.append(tuple(items))

    def op_tuple1(self):
        self.stack[-1:] = [tuple(self.stack[-1:])]

    def op_tuple2(self):
        self.stack[-2:] = [tuple(self.stack[-2:])]

    def op_tuple3(self):
        self.stack[-3:] = [tuple(self.stack[-3:])]

    def op_empty_list(self):
        self.stack.append([])

    def op_empty_dict(self):
        self.stack.append({})

    def op_empty_set(self):
        self.stack.append(set())

    def op_append(self):
        item = self.stack.pop()
        self.target_list("append").append(item)

    def op_appends(self):
        items = self.pop_mark()
        self.target_list("extend").extend(items)

    def target_list(self, verb):
        if type(self.stack[-1]) is not list:
            raise pickle.UnpicklingError(
                f"Can only {verb} to lists, but got {type(self.stack[-1])}"
            )
        return self.stack[-1]

    def op_setitem(self):
        value, key = self.stack.pop(), self.stack.pop()
        self.target_dict("SETITEM")[key] = value

    def op_setitems(self):
        items = self.pop_mark()
        target = self.target_dict("SETITEMS")
        for i in range(0, len(items) - 1, 2):
            target[items[i]] = items[i + 1]

    def target_dict(self, opcode):
        if type(self.stack[-1]) not in (dict, OrderedDict, Counter):
            raise pickle.UnpicklingError(
                f"Can only {opcode} for dict, collections.OrderedDict, "
                f"collections.Counter, but got {type(self.stack[-1])}"
            )
        return self.stack[-1]

    def op_build(self):
        """Set attributes: only on an OrderedDict (a state_dict's _metadata), as torch."""
        state = self.stack.pop()
        target = self.stack[-1]
        if type(target) is not OrderedDict:
            raise pickle.UnpicklingError(
                "Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
                f"`add_safe_globals`, but got {type(target)}"
            )
        if not isinstance(state, dict) or not all(type(k) is str for k in state):
            raise pickle.UnpicklingError("BUILD of an OrderedDict needs a dict of attributes")
        vars(target).update(state)

    # ---------------------------------------------------------------- the memo
    def op_binput(self):
        self.memo[self.read(1)[0]] = self.stack[-1]

    def op_long_binput(self):
        self.memo[struct.unpack("<I", self.read(4))[0]] = self.stack[-1]

    def op_binget(self):
        self.stack.append(self.recall(self.read(1)[0]))

    def op_long_binget(self):
        self.stack.append(self.recall(struct.unpack("<I", self.read(4))[0]))

    def recall(self, index):
        if index not in self.memo:
            raise pickle.UnpicklingError(f"Memo value not found at index {index}")
        return self.memo[index]

    # ---------------------------------------------------------------- globals and calls
    def op_global(self):
        module = self.stream.readline()[:-1].decode("utf-8")
        name = self.stream.readline()[:-1].decode("utf-8")
        self.stack.append(_allowed_global(module, name))

    def op_reduce(self):
        args = self.stack.pop()
        function = self.stack[-1]
        if not isinstance(function, _Global) or not isinstance(args, tuple):
            raise pickle.UnpicklingError(
                f"Trying to call reduce for unrecognized function {function!r}"
            )
        try:
            self.stack[-1] = self.call(function.name, args)
        except TypeError as error:  # arguments of the wrong kind or number
            raise pickle.UnpicklingError(f"{function.name}: {error}") from None

    def op_newobj(self):
        args = self.stack.pop()
        cls = self.stack.pop()
        names = ("torch.nn.parameter.Parameter", "collections.OrderedDict", "collections.Counter")
        if not isinstance(cls, _Global) or cls.name not in names:
            raise pickle.UnpicklingError(
                "Can only create new object for nn.Parameter or classes allowlisted via "
                f"`add_safe_globals` but got {cls}"
            )
        if cls.name == "torch.nn.parameter.Parameter":
            self.stack.append(self.parameter(*args))
        else:
            self.stack.append(self.call(cls.name, ()))

    def call(self, name, args):  # noqa: C901 - a table of the allowed calls
        if name == "collections.OrderedDict":
            return OrderedDict(*args)
        if name == "collections.Counter":
            return Counter(*args)
        if name == "builtins.set":
            return set(*args)
        if name == "builtins.complex":
            return complex(*args)
        if name == "builtins.bytearray":
            return bytearray(*args)
        if name == "_codecs.encode":
            text, encoding = args
            if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
                raise pickle.UnpicklingError("_codecs.encode is allowed for latin1 bytes only")
            return codecs.encode(text, encoding)
        if name == "torch.Size":
            (sizes,) = args
            return Size(self.check_ints(sizes, "torch.Size"))
        if name == "torch.device":
            return device(*args)
        if name == "torch._utils._rebuild_tensor":
            return self.tensor(*args, requires_grad=False)
        if name == "torch._utils._rebuild_tensor_v2":
            return self.tensor(*args)
        if name == "torch._utils._rebuild_tensor_v3":
            return self.tensor_v3(*args)
        if name == "torch._utils._rebuild_parameter":
            return self.parameter(*args)
        if name == "torch._utils._rebuild_parameter_with_state":
            return self.parameter(*args)
        if name == "torch._tensor._rebuild_from_type_v2":
            return self.from_type(*args)
        raise pickle.UnpicklingError(f"Trying to call reduce for unrecognized function {name}")

    # ---------------------------------------------------------------- tensors
    def op_binpersid(self):
        """('storage', storage type, key, location, numel) -> a _StorageRef."""
        pid = self.stack.pop()
        if type(pid) is not tuple or len(pid) != 5:
            raise pickle.UnpicklingError(
                f"persistent_load id must be a storage tuple, but got {type(pid)}"
            )
        kind, storage_type, key, location, numel = pid
        kind = kind.decode("ascii") if isinstance(kind, bytes) else kind
        if kind != "storage" or not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(
                f"Only persistent_load of storage is allowed, but got {kind!r}"
            )
        if type(key) is not str or type(numel) is not int or numel < 0:
            raise pickle.UnpicklingError(f"malformed storage id {pid!r}")
        location = location.decode("ascii") if isinstance(location, bytes) else location
        _restore_location(self.map_location, str(location))
        dtype = storage_type.dtype or dtypes.uint8
        ref = self.storage_refs.setdefault(key, _StorageRef(key, dtype, numel))
        if ref != _StorageRef(key, dtype, numel):
            raise pickle.UnpicklingError(
                f"storage {key} is used as {ref.dtype} and as {dtype}: views of one memory "
                "block as different dtypes are not supported"
            )
        self.stack.append(ref)

    def check_ints(self, values, what):
        if type(values) is not tuple or not all(type(v) is int and v >= 0 for v in values):
            raise pickle.UnpicklingError(f"{what} must be a tuple of integers >= 0: {values!r}")
        return values

    def tensor(self, storage, offset, size, stride, requires_grad, hooks=None, metadata=None):
        """torch._utils._rebuild_tensor_v2: elements of `storage` from `offset` on, `size`
        elements per dimension, `stride` elements apart."""
        if not isinstance(storage, _StorageRef) or type(offset) is not int or offset < 0:
            raise pickle.UnpicklingError("a tensor must be rebuilt from a storage and an offset")
        size, stride = self.check_ints(size, "size"), self.check_ints(stride, "stride")
        if len(size) != len(stride):
            raise pickle.UnpicklingError(f"size {size} and stride {stride} differ in length")
        if hooks or metadata:
            raise pickle.UnpicklingError(
                "the file holds a tensor with backward hooks or extra metadata, which "
                "autograd_lesson does not load"
            )
        needed = offset + sum((n - 1) * s for n, s in zip(size, stride, strict=True)) + 1
        if 0 not in size and needed > storage.numel:
            itemsize = storage.dtype.itemsize
            raise RuntimeError(
                f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                f"{offset}, and itemsize {itemsize} requiring a storage size of "
                f"{needed * itemsize} are out of bounds for storage of size "
                f"{storage.numel * itemsize}"
            )
        if requires_grad and not storage.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        return self.make_tensor(storage, offset, size, stride, bool(requires_grad))

    def tensor_v3(self, storage, offset, size, stride, requires_grad, hooks, dtype, meta=None):
        """_rebuild_tensor_v3: a tensor on an untyped (byte) storage, with its dtype."""
        if not isinstance(dtype, dtypes.dtype) or storage.numel % dtype.itemsize:
            raise pickle.UnpicklingError("_rebuild_tensor_v3 needs a dtype that fits its storage")
        typed = _StorageRef(storage.key, dtype, storage.numel // dtype.itemsize)
        return self.tensor(typed, offset, size, stride, requires_grad, hooks, meta)

    def parameter(self, data, requires_grad=True, hooks=None, state=None):
        if hooks or state:
            raise pickle.UnpicklingError(
                "the file holds an nn.Parameter with hooks or attributes, which "
                "autograd_lesson does not load"
            )
        if isinstance(data, TensorInfo):
            return TensorInfo(
                data.shape,
                data.dtype,
                bool(requires_grad),
                True,
                data.storage_key,
                data.storage_bytes,
            )
        if not isinstance(data, Tensor):
            raise pickle.UnpicklingError("an nn.Parameter must be rebuilt from a tensor")
        from .nn.parameter import Parameter  # nn is built on this package's tensors

        return Parameter(data, requires_grad=bool(requires_grad))

    def from_type(self, function, new_type, args, state):
        """torch._tensor._rebuild_from_type_v2: a tensor rebuilt by `function`, then given
        the class `new_type` and the attributes `state`."""
        if not isinstance(function, _Global) or not isinstance(args, tuple):
            raise pickle.UnpicklingError(f"cannot rebuild a tensor with {function!r}")
        types = ("torch.Tensor", "torch.nn.parameter.Parameter")
        if not isinstance(new_type, _Global) or new_type.name not in types or state:
            raise pickle.UnpicklingError(
                f"the file holds a tensor of class {new_type!r} with attributes {state!r}, "
                "which autograd_lesson does not load (tensor subclasses and attributes)"
            )
        result = self.call(function.name, args)
        if new_type.name == "torch.nn.parameter.Parameter":
            return self.parameter(result, getattr(result, "requires_grad", True))
        return result

    OPCODES = {
        pickle.PROTO[0]: op_proto,
        pickle.NONE[0]: op_none,
        pickle.NEWTRUE[0]: op_true,
        pickle.NEWFALSE[0]: op_false,
        pickle.BININT[0]: op_binint,
        pickle.BININT1[0]: op_binint1,
        pickle.BININT2[0]: op_binint2,
        pickle.LONG1[0]: op_long1,
        pickle.BINFLOAT[0]: op_binfloat,
        pickle.BINUNICODE[0]: op_binunicode,
        pickle.SHORT_BINSTRING[0]: op_short_binstring,
        pickle.MARK[0]: op_mark,
        pickle.EMPTY_TUPLE[0]: op_empty_tuple,
        pickle.TUPLE[0]: op_tuple,
        pickle.TUPLE1[0]: op_tuple1,
        pickle.TUPLE2[0]: op_tuple2,
        pickle.TUPLE3[0]: op_tuple3,
        pickle.EMPTY_LIST[0]: op_empty_list,
        pickle.EMPTY_DICT[0]: op_empty_dict,
        pickle.EMPTY_SET[0]: op_empty_set,
        pickle.APPEND[0]: op_append,
        pickle.APPENDS[0]: op_appends,
        pickle.SETITEM[0]: op_setitem,
        pickle.SETITEMS[0]: op_setitems,
        pickle.BUILD[0]: op_build,
        pickle.BINPUT[0]: op_binput,
        pickle.LONG_BINPUT[0]: op_long_binput,
        pickle.BINGET[0]: op_binget,
        pickle.LONG_BINGET[0]: op_long_binget,
        pickle.GLOBAL[0]: op_global,
        pickle.REDUCE[0]: op_reduce,
        pickle.NEWOBJ[0]: op_newobj,
        pickle.BINPERSID[0]: op_binpersid,
    }


def _restore_location(map_location, location):
    """Where a storage saved at `location` goes; this engine has the CPU only."""
    if map_location is None:
        target = location
    elif isinstance(map_location, dict):
        target = map_location.get(location, location)
    elif isinstance(map_location, str | bytes):
        target = map_location.decode() if isinstance(map_location, bytes) else map_location
    elif callable(map_location):
        result = map_location(location, location)  # torch passes (storage, location)
        target = location if result is None or result == location else str(result)
    else:
        target = str(map_location)
    target = str(target)
    if target == "cpu":
        return
    if target.startswith("cuda"):
        raise RuntimeError(
            "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() "
            "is False. If you are running on a CPU-only machine, please use torch.load with "
            "map_location=torch.device('cpu') to map your storages to the CPU."
        )
    raise RuntimeError(
        "don't know how to restore data location of torch.storage.UntypedStorage "
        f"(tagged with {target})"
    )
