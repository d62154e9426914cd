"""Samplers: the order in which a DataLoader visits a dataset's indices.

Shuffling draws exactly what PyTorch's samplers draw from the same generator, call for call
(so the same seed gives the same order whenever this engine's random numbers are PyTorch's):
RandomSampler without a generator first draws a 63-bit seed from the default generator, the
way torch does, `torch.empty((), dtype=torch.int64).random_()`, and shuffles with a fresh
Generator seeded with it; with a generator, it calls randperm on that generator directly.
"""

import itertools
from typing import Generic, TypeVar

from ... import dtypes
from ...creation import empty, randint, randperm
from ...random import Generator

T_co = TypeVar("T_co", covariant=True)


def new_seed(generator=None):
    """A random 63-bit seed from `generator` (None: the default generator), drawn as PyTorch
    draws one: `torch.empty((), dtype=torch.int64).random_(generator=generator).item()`."""
    holder = empty((), dtype=dtypes.int64)
    if hasattr(holder, "random_"):
        return int(holder.random_(generator=generator).item())
    # Tensor.random_ is being added on another branch (with PyTorch's exact draws). Until it
    # lands, draw a seed of the same range with randint; the order is then reproducible for
    # a seed, but not PyTorch's (neither are this engine's rand numbers yet).
    return int(randint(2**63 - 1, (), dtype=dtypes.int64, generator=generator).item())


class Sampler(Generic[T_co]):
    """Base class: a sampler is an iterable of indices (or of lists of indices, for batches).
    Subclasses define `__iter__`, and `__len__` for `len(loader)`."""

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """0, 1, ..., len(data_source) - 1, every time."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """A random permutation of the indices (a new one each epoch), or, with
    replacement=True, `num_samples` indices drawn independently."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(
                "replacement should be a boolean value, but got "
                f"replacement={self.replacement}"
            )
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                "num_samples should be a positive integer value, but got "
                f"num_samples={self.num_samples}"
            )

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        generator = self.generator
        if generator is None:  # PyTorch's recipe: a fresh generator from a drawn seed
            generator = Generator()
            generator.manual_seed(new_seed())
        if self.replacement:  # drawn 32 at a time, as PyTorch draws them
            for _ in range(self.num_samples // 32):
                yield from randint(n, (32,), dtype=dtypes.int64, generator=generator).tolist()
            last = self.num_samples % 32
            yield from randint(n, (last,), dtype=dtypes.int64, generator=generator).tolist()
        else:  # whole permutations, then the start of one more
            for _ in range(self.num_samples // n):
                yield from randperm(n, generator=generator).tolist()
            yield from randperm(n, generator=generator).tolist()[: self.num_samples % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given indices, in a random order (a new one each epoch)."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class BatchSampler(Sampler[list[int]]):
    """Groups another sampler's indices into lists of `batch_size` (the last one shorter,
    unless drop_last=True)."""

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        indices = iter(self.sampler)
        batch = list(itertools.islice(indices, self.batch_size))
        while batch and (len(batch) == self.batch_size or not self.drop_last):
            yield batch
            batch = list(itertools.islice(indices, self.batch_size))

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
