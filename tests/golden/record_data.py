"""Record what torch 2.13.0's torch.utils.data gives for a table of expressions into data.json.

Run once with the oracle installed:  python tests/golden/record_data.py

Each case is one Python expression evaluated in `make_namespace(torch)`: `torch`, `np`,
`data` (= torch.utils.data), `L` (= DataLoader), `C`/`V` (default_collate/default_convert),
a few small datasets and helpers. The recorder stores the result's repr (or the exception's
type and message) and the warnings raised; memory addresses are blanked. tests/
test_utils_data.py evaluates the same expressions with autograd_lesson, without torch, and
again against torch itself when it is installed.

Three tables:
- CASES: collation, batching, lengths, datasets and PyTorch's errors: no random numbers;
- RANDOM_CASES: shuffled orders, samplers, random_split, and what the generators draw next
  (these equal torch's only once this engine's generator draws torch's numbers, which the
  tests detect with RAND_CHECK);
- RAND_CHECK: torch.rand after manual_seed, the numbers that detection compares.
"""

import json
import re
import warnings
from collections import OrderedDict, namedtuple
from pathlib import Path

import numpy as np

GOLDEN_FILE = Path(__file__).with_name("data.json")
Point = namedtuple("Point", ["x", "y"])

CASES = [
    # default_collate: the structure of the first sample decides
    "C([1, 2, 3])",
    "C([True, False])",
    "C([1.5, 2.0])",
    "C([1, 2.5])",
    "C(['a', 'b'])",
    "C([b'a', b'b'])",
    "C([torch.tensor([1., 2.]), torch.tensor([3., 4.])])",
    "C([torch.tensor(1), torch.tensor(2)])",
    "C([torch.tensor([1.], requires_grad=True), torch.tensor([2.])])",
    "C([torch.tensor([1], dtype=torch.int32), torch.tensor([2], dtype=torch.int32)])",
    "C([np.array([1, 2]), np.array([3, 4])])",
    "C([np.array([1., 2.], dtype=np.float32), np.array([3., 4.], dtype=np.float32)])",
    "C([np.array([1., 2.]), np.array([3., 4.])])",
    "C([np.array(1.5), np.array(2.5)])",
    "C([np.float64(1.5), np.float64(2.5)])",
    "C([np.float32(1.5), np.float32(2.5)])",
    "C([np.int32(1), np.int32(2)])",
    "C([np.bool_(True), np.bool_(False)])",
    "C([(1, 2.0), (3, 4.0)])",
    "C([[1, 2], [3, 4]])",
    "C([{'a': 1, 'b': 2.0}, {'a': 3, 'b': 4.0}])",
    "C([OrderedDict(a=1), OrderedDict(a=2)])",
    "C([Point(1, 2.0), Point(3, 4.0)])",
    "C([{'x': (1, 'u'), 'y': [np.array(0.5)]}, {'x': (2, 'v'), 'y': [np.array(1.5)]}])",
    "C([(torch.tensor([1.]), 'a'), (torch.tensor([2.]), 'b')])",
    "C([object(), object()])",
    "C([[1, 2], [3]])",
    "C([np.array(['a']), np.array(['b'])])",
    "C([np.array([object()]), np.array([object()])])",
    "C([torch.zeros(2), torch.zeros(3)])",
    "C([{'a': 1}, {'b': 2}])",
    "C([])",
    # default_convert: arrays become tensors, nothing is batched
    "V(np.array([1, 2]))",
    "V(np.float32(2.5))",
    "V(1)",
    "V('text')",
    "V((np.array(1.5), 'a'))",
    "V({'a': np.float32(2.0), 'b': [np.array([1, 2])]})",
    "V(Point(np.array(0), np.array(1)))",
    "V(np.array(['a']))",
    "V(torch.tensor([1.]))",
    # DataLoader: batches, in order
    "list(L(range(5)))",
    "list(L(range(7), batch_size=3))",
    "list(L(range(7), batch_size=3, drop_last=True))",
    "list(L(range(5), batch_size=None))",
    "list(L(tensors, batch_size=4))",
    "list(L(tensors, batch_size=None))[:2]",
    "list(L(squares, batch_size=2))",
    "list(L(pairs, batch_size=2))",
    "list(L(pairs, batch_size=None))",
    "list(L(range(10), batch_sampler=[[0, 1], [5, 6, 7], [9]]))",
    "list(L(range(10), sampler=[9, 3, 4], batch_size=2))",
    "list(L(range(10), sampler=data.SequentialSampler(range(4)), batch_size=3))",
    "list(L(range(6), batch_size=4, collate_fn=lambda batch: batch))",
    "list(L(range(4), batch_size=None, collate_fn=lambda sample: sample * 10))",
    "list(L(Count(7), batch_size=3))",
    "list(L(Count(7), batch_size=3, drop_last=True))",
    "list(L(Count(3), batch_size=None))",
    "list(L(Count(6), batch_size=3))",
    "list(L(data.ConcatDataset([range(3), range(10, 12)]), batch_size=2))",
    "list(L(data.Subset(tensors, [9, 0, 4]), batch_size=2))",
    "list(L(data.StackDataset(range(3), Count(3)), batch_size=2))",
    "list(L(data.StackDataset(a=range(3), b=[0.5, 1.5, 2.5]), batch_size=2))",
    "list(L(data.ChainDataset([Count(2), Count(3)]), batch_size=2))",
    "list(L(range(3), pin_memory=True))",
    "[len(L(range(10), batch_size=3)), len(L(range(10), batch_size=3, drop_last=True))]",
    "[len(L(range(10))), len(L(range(10), batch_size=None))]",
    "len(L(range(10), batch_sampler=[[0], [1, 2]]))",
    "[len(L(Count(7), batch_size=3)), len(L(Count(7), batch_size=3, drop_last=True))]",
    "len(L(Count(7), batch_size=None))",
    "len(iter(L(range(10), batch_size=4)))",
    "reported_length_is_exceeded()",
    "loader_attributes(L(range(3)))",
    "loader_attributes(L(range(3), shuffle=True, batch_size=2, drop_last=True))",
    "loader_attributes(L(range(3), batch_sampler=[[0]]))",
    "loader_attributes(L(Count(3), batch_size=None))",
    "data.get_worker_info()",
    # samplers
    "list(data.SequentialSampler(range(4)))",
    "len(data.SequentialSampler(range(4)))",
    "list(data.BatchSampler(data.SequentialSampler(range(10)), 3, False))",
    "list(data.BatchSampler(range(10), 3, True))",
    "[len(data.BatchSampler(range(10), 3, False)), len(data.BatchSampler(range(10), 3, True))]",
    "[len(data.RandomSampler(range(5))), len(data.RandomSampler(range(5), num_samples=12))]",
    "len(data.SubsetRandomSampler([4, 5, 6]))",
    "next(iter(data.Sampler()))",
    # datasets
    "tensors[2]",
    "tensors[[1, 2]]",
    "len(tensors)",
    "len(data.TensorDataset())",
    "data.ConcatDataset([range(3), range(4)])[-1]",
    "data.ConcatDataset([range(3), range(4)])[5]",
    "data.ConcatDataset([range(3), range(4)]).cumulative_sizes",
    "(data.TensorDataset(x) + data.TensorDataset(x)).cumulative_sizes",
    "len(data.ConcatDataset([range(3), range(4)]))",
    "data.Subset(range(10), [3, 4])[1]",
    "data.Subset(range(10), [3, 4]).__getitems__([1, 0])",
    "len(data.Subset(range(10), [3, 4]))",
    "data.StackDataset(range(2), [5, 6])[1]",
    "data.StackDataset(a=range(2), b=[5, 6])[1]",
    "len(data.ChainDataset([Count(2), Count(3)]))",
    "type(Count(2) + Count(3)).__name__",
    "type(data.TensorDataset(x) + data.TensorDataset(x)).__name__",
    "[len(s) for s in data.random_split(range(10), [3, 7])]",
    "[len(s) for s in data.random_split(range(10), [0.33, 0.33, 0.34])]",
    "[len(s) for s in data.random_split(range(2), [0.1, 0.1, 0.8])]",
    "[len(s) for s in data.random_split(range(11), [0.5, 0.5])]",
    "sorted(sum((list(s) for s in data.random_split(range(10), [0.3, 0.7])), []))",
    # PyTorch's errors
    "L(range(3), num_workers=-1)",
    "L(range(3), timeout=-1)",
    "L(range(3), prefetch_factor=2)",
    "L(range(3), persistent_workers=True)",
    "L(range(3), multiprocessing_context='fork')",
    "L(range(3), sampler=[0], shuffle=True)",
    "L(range(3), batch_sampler=[[0]], batch_size=2)",
    "L(range(3), batch_sampler=[[0]], shuffle=True)",
    "L(range(3), batch_sampler=[[0]], sampler=[0])",
    "L(range(3), batch_sampler=[[0]], drop_last=True)",
    "L(range(3), batch_size=None, drop_last=True)",
    "L(Count(3), shuffle=True)",
    "L(Count(3), sampler=[0])",
    "L(Count(3), batch_sampler=[[0]])",
    "L(range(3), batch_size=0)",
    "L(range(3), batch_size=-1)",
    "L(range(3), batch_size=1.5)",
    "L(range(3), batch_size=True)",
    "L(range(3), drop_last=1)",
    "list(L(range(3), timeout=5))",
    "data.RandomSampler(range(3), replacement=1)",
    "data.RandomSampler(range(3), num_samples=0)",
    "data.RandomSampler(range(3), num_samples=2.0)",
    "data.RandomSampler(range(0))",
    "L(range(0), shuffle=True)",
    "list(L(range(0)))",
    "set_after_init('batch_size', 2)",
    "set_after_init('dataset', range(2))",
    "set_after_init('sampler', None)",
    "set_after_init('drop_last', True)",
    "set_after_init('batch_sampler', None)",
    "set_after_init('persistent_workers', False)",
    "set_after_init('collate_fn', None)",
    "data.TensorDataset(torch.zeros(2), torch.zeros(3))",
    "data.TensorDataset(x)[10]",
    "data.ConcatDataset([])",
    "data.ConcatDataset([Count(2)])",
    "data.ConcatDataset([range(3)])[-4]",
    "data.ConcatDataset([range(3)])[3]",
    "list(data.ChainDataset([range(2)]))",
    "len(data.ChainDataset([range(2)]))",
    "data.random_split(range(10), [3, 3])",
    "data.random_split(range(10), [0.5, 0.6])",
    "data.random_split(range(10), [-0.5, 1.5])",
    "OnlyGetitem(range(3), [0])",
    "data.Dataset()[0]",
    "len(data.Dataset())",
    "data.IterableDataset()",
    "data.StackDataset()",
    "data.StackDataset(range(2), range(3))",
    "data.StackDataset(a=range(2), b=range(3))",
    "data.StackDataset(range(2), a=range(2))",
]

RANDOM_CASES = [
    "shuffled_epochs(10, 4, seed=0)",
    "shuffled_epochs(10, 3, seed=3, drop_last=True)",
    "shuffled_epochs(10, 4, seed=0, generator_seed=7)",
    "shuffled_epochs(100, 32, seed=1, epochs=1)",
    "shuffled_epochs(1797, 16, seed=0, epochs=1)",
    "sampler_draws(7, seed=0)",
    "sampler_draws(7, seed=0, num_samples=15)",
    "sampler_draws(7, seed=0, replacement=True, num_samples=40)",
    "sampler_draws(7, seed=0, generator_seed=5)",
    "sampler_draws(7, seed=0, replacement=True, num_samples=5, generator_seed=5)",
    "subset_draws([10, 20, 30, 40, 50], seed=0)",
    "subset_draws([10, 20, 30, 40, 50], seed=0, generator_seed=5)",
    "split_draws(10, [3, 7], seed=0)",
    "split_draws(10, [0.3, 0.7], seed=0)",
    "split_draws(10, [3, 7], seed=0, generator_seed=42)",
]

RAND_CHECK = [(0, 4), (1234, 3)]  # (seed, how many torch.rand numbers)


def make_namespace(torch):
    """What the expressions can name, built on `torch` (PyTorch or autograd_lesson)."""
    data = torch.utils.data

    class Squares(data.Dataset):
        """Map-style, dict samples holding a tensor, an int and a string."""

        def __init__(self, n):
            self.n = n

        def __len__(self):
            return self.n

        def __getitem__(self, i):
            return {"x": torch.tensor([float(i), float(i * i)]), "label": i % 3, "name": f"s{i}"}

    class Pairs(data.Dataset):
        """Map-style, tuple samples: a NumPy array and a Python float."""

        def __len__(self):
            return 3

        def __getitem__(self, i):
            return np.arange(2, dtype=np.float32) + i, i / 2

    class Count(data.IterableDataset):
        """Iterable-style: 0, 1, ..., n - 1."""

        def __init__(self, n, reported_length=None):
            self.n = n
            self.reported_length = n if reported_length is None else reported_length

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.reported_length

    class OnlyGetitem(data.Subset):
        """A Subset subclass that forgets __getitems__ (PyTorch refuses it)."""

        def __getitem__(self, i):
            return 0

    def seed(n):
        torch.manual_seed(n)

    def new_generator(n):
        generator = torch.Generator()
        generator.manual_seed(n)
        return generator

    def reported_length_is_exceeded():
        loader = data.DataLoader(Count(5, reported_length=2), batch_size=None)
        return len(loader), list(loader)

    def loader_attributes(loader):
        return {
            "batch_size": loader.batch_size,
            "drop_last": loader.drop_last,
            "sampler": type(loader.sampler).__name__,
            "batch_sampler": type(loader.batch_sampler).__name__,
            "num_workers": loader.num_workers,
            "collate_fn": loader.collate_fn.__name__,
            "generator": loader.generator,
        }

    def set_after_init(name, value):
        loader = data.DataLoader(range(3))
        setattr(loader, name, value)
        return getattr(loader, name)

    def next_numbers(generator):
        """What `generator` (or the default one) draws next: shows where its stream is."""
        return torch.rand(3, generator=generator).tolist()

    def shuffled_epochs(n, batch_size, seed, epochs=2, generator_seed=None, drop_last=False):
        torch.manual_seed(seed)
        generator = None if generator_seed is None else new_generator(generator_seed)
        loader = data.DataLoader(
            torch.arange(n), batch_size, shuffle=True, drop_last=drop_last, generator=generator
        )
        orders = [[batch.tolist() for batch in loader] for _ in range(epochs)]
        return {
            "orders": orders,
            "default_next": next_numbers(None),
            "generator_next": None if generator is None else next_numbers(generator),
        }

    def sampler_draws(n, seed, generator_seed=None, **options):
        torch.manual_seed(seed)
        generator = None if generator_seed is None else new_generator(generator_seed)
        sampler = data.RandomSampler(range(n), generator=generator, **options)
        return {"epochs": [list(sampler), list(sampler)], "default_next": next_numbers(None)}

    def subset_draws(indices, seed, generator_seed=None):
        torch.manual_seed(seed)
        generator = None if generator_seed is None else new_generator(generator_seed)
        sampler = data.SubsetRandomSampler(indices, generator=generator)
        return {"epochs": [list(sampler), list(sampler)], "default_next": next_numbers(None)}

    def split_draws(n, lengths, seed, generator_seed=None):
        torch.manual_seed(seed)
        generator = None if generator_seed is None else new_generator(generator_seed)
        if generator is None:
            parts = data.random_split(range(n), lengths)
        else:
            parts = data.random_split(range(n), lengths, generator=generator)
        return {"parts": [list(part) for part in parts], "default_next": next_numbers(None)}

    x = torch.arange(20.0).reshape(10, 2)
    return {
        "torch": torch,
        "np": np,
        "data": data,
        "L": data.DataLoader,
        "C": data.default_collate,
        "V": data.default_convert,
        "OrderedDict": OrderedDict,
        "Point": Point,
        "Count": Count,
        "OnlyGetitem": OnlyGetitem,
        "x": x,
        "tensors": data.TensorDataset(x, torch.arange(10)),
        "squares": Squares(5),
        "pairs": Pairs(),
        **{f.__name__: f for f in (seed, reported_length_is_exceeded, loader_attributes)},
        **{f.__name__: f for f in (set_after_init, shuffled_epochs, sampler_draws)},
        **{f.__name__: f for f in (subset_draws, split_draws)},
    }


_ADDRESS = re.compile(r"<\S+ object at 0x[0-9a-fA-F]+>")


def _blank_addresses(text):
    return _ADDRESS.sub("<object>", text)


def evaluate(torch, expression):
    """{"repr": ...} or {"error": [type name, message]}, plus "warnings" when any."""
    namespace = make_namespace(torch)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = {"repr": _blank_addresses(repr(eval(expression, namespace)))}
        except Exception as error:  # the errors are what is being recorded
            result = {"error": [type(error).__name__, _blank_addresses(str(error))]}
    if caught:
        result["warnings"] = [_blank_addresses(str(w.message)) for w in caught]
    return result


def rand_numbers(torch):
    """torch.rand after manual_seed, for each (seed, count) in RAND_CHECK."""
    numbers = []
    for seed, count in RAND_CHECK:
        torch.manual_seed(seed)
        numbers.append(torch.rand(count).tolist())
    return numbers


def main():
    import torch

    assert torch.__version__.startswith("2.13.0"), torch.__version__
    record = {
        "torch_version": torch.__version__,
        "cases": [{"expression": e, **evaluate(torch, e)} for e in CASES],
        "random_cases": [{"expression": e, **evaluate(torch, e)} for e in RANDOM_CASES],
        "rand_check": rand_numbers(torch),
    }
    GOLDEN_FILE.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {len(CASES)} + {len(RANDOM_CASES)} cases to {GOLDEN_FILE}")


if __name__ == "__main__":
    main()
