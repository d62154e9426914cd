"""DataLoader: batches from a dataset, in sampler order, merged by a collate function.

    loader = DataLoader(dataset, batch_size=16, shuffle=True)
    for inputs, targets in loader:   # one pass = one epoch; a new order each pass
        ...

Arguments, defaults, errors and the order of samples are PyTorch 2.13's. One choice differs:

**num_workers > 0 raises NotImplementedError.** PyTorch starts that many worker processes
that load batches in parallel; this engine loads every batch in the main process, so only
num_workers=0 (the default) is accepted. Silently loading in the main process instead would
look the same but differ where it matters (worker seeding, `get_worker_info()`, an
IterableDataset copied into each worker), so the loader says so instead.

Random draws: each `iter(loader)` draws one 63-bit seed from `generator` (or the default
generator), as PyTorch does for its workers' seeds, even with no workers: the generator's
stream then stays in step with PyTorch's, and the next shuffle or `rand` draws the same.
"""

import math
import warnings

from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, new_seed

NO_WORKERS = (
    "autograd_lesson's DataLoader loads every batch in the main process: num_workers must "
    "be 0, got num_workers={}. Pass num_workers=0 (the default): for a map-style dataset it "
    "yields the batches PyTorch's worker processes would load in parallel."
)


def get_worker_info():
    """Information about the worker process this code runs in: None, as in PyTorch's main
    process (this engine never starts workers)."""
    return None


class _InfiniteConstantSampler(Sampler):
    """None, forever: the 'indices' for an IterableDataset, which has no index."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Iterates over `dataset` in batches of `batch_size` (see the module docstring)."""

    _initialized = False

    def __init__(
        self,
        dataset,
        batch_size=1,
        shuffle=None,
        sampler=None,
        batch_sampler=None,
        num_workers=0,
        collate_fn=None,
        pin_memory=False,
        drop_last=False,
        timeout=0,
        worker_init_fn=None,
        multiprocessing_context=None,
        generator=None,
        *,
        prefetch_factor=None,
        persistent_workers=False,
        pin_memory_device="",
        in_order=True,
    ):
        _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers)
        if multiprocessing_context is not None:
            raise ValueError(
                "multiprocessing_context can only be used with multi-process loading "
                f"(num_workers > 0), but got num_workers={num_workers}"
            )
        is_iterable = isinstance(dataset, IterableDataset)
        if is_iterable:
            _check_iterable_options(shuffle, sampler, batch_sampler)
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive "
                "with drop_last"
            )

        if sampler is None:
            if is_iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._dataset_is_iterable = is_iterable
        # Batches are collated; without batching (batch_size=None) samples are only converted.
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self._iterable_len_called = None  # len(loader) of an IterableDataset, for a warning
        self._initialized = True

    def __setattr__(self, name, value):
        # As in PyTorch: these decide the batches, so they are fixed once the loader is made.
        frozen = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset")
        if self._initialized and name in (*frozen, "persistent_workers"):
            raise ValueError(
                f"{name} attribute should not be set after {type(self).__name__} is initialized"
            )
        super().__setattr__(name, value)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        """What the iterator draws from: batches of indices, or single indices."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        return _DataLoaderIterator(self)

    def __len__(self):
        if not self._dataset_is_iterable:
            return len(self._index_sampler)
        length = len(self.dataset)
        self._iterable_len_called = length
        if self.batch_size is None:
            return length
        if self.drop_last:
            return length // self.batch_size
        return math.ceil(length / self.batch_size)


def _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers):
    """PyTorch's checks of the multi-process options, then this engine's one limit."""
    if num_workers < 0:
        raise ValueError(
            "num_workers option should be non-negative; use num_workers=0 to disable "
            "multiprocessing."
        )
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError(
            "prefetch_factor option could only be specified in multiprocessing.let "
            "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None."
        )
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    if num_workers > 0:
        raise NotImplementedError(NO_WORKERS.format(num_workers))


def _check_iterable_options(shuffle, sampler, batch_sampler):
    """An IterableDataset has no indices, so it takes no shuffle and no sampler."""
    if shuffle not in {False, None}:
        raise ValueError(
            "DataLoader with IterableDataset: expected unspecified shuffle option, but got "
            f"shuffle={shuffle}"
        )
    if sampler is not None:
        raise ValueError(
            "DataLoader with IterableDataset: expected unspecified sampler option, but got "
            f"sampler={sampler}"
        )
    if batch_sampler is not None:
        raise ValueError(
            "DataLoader with IterableDataset: expected unspecified batch_sampler option, "
            f"but got batch_sampler={batch_sampler}"
        )


class _DataLoaderIterator:
    """One pass over a DataLoader: asks the sampler for indices, fetches, collates."""

    def __init__(self, loader):
        if loader.timeout != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn(
                "pin_memory_device is deprecated, the current accelerator will be used as the "
                f"device,ignore pin_memory_device='{loader.pin_memory_device}'.",
                stacklevel=3,
            )
        if loader.pin_memory:
            warnings.warn(
                "'pin_memory' argument is set as true but no accelerator is found, then device "
                "pinned memory won't be used.",
                stacklevel=3,
            )
        self._loader = loader
        self._sampler_iter = iter(loader._index_sampler)
        # Unused without workers, but drawn as PyTorch draws it (see the module docstring).
        self._base_seed = new_seed(loader.generator)
        self._dataset_iter = iter(loader.dataset) if loader._dataset_is_iterable else None
        self._ended = False  # an IterableDataset ran out
        self._num_yielded = 0

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader._index_sampler)

    def __next__(self):
        index = next(self._sampler_iter)  # StopIteration ends the epoch
        iterable = self._dataset_iter is not None
        data = self._fetch_iterable(index) if iterable else self._fetch(index)
        self._num_yielded += 1
        reported = self._loader._iterable_len_called
        if iterable and reported is not None and self._num_yielded > reported:
            warnings.warn(
                f"Length of IterableDataset {self._loader.dataset} was reported to be "
                f"{reported}(when accessing len(dataloader)), but {self._num_yielded} "
                "samples have been fetched. ",
                stacklevel=2,
            )
        return data

    def _fetch(self, index):
        loader, dataset = self._loader, self._loader.dataset
        if not loader._auto_collation:
            return loader.collate_fn(dataset[index])
        if getattr(dataset, "__getitems__", None):  # the dataset fetches a batch at once
            samples = dataset.__getitems__(index)
        else:
            samples = [dataset[i] for i in index]
        return loader.collate_fn(samples)

    def _fetch_iterable(self, batch_of_nones):
        loader = self._loader
        if self._ended:
            raise StopIteration
        if not loader._auto_collation:
            return loader.collate_fn(next(self._dataset_iter))
        samples = []
        for _ in batch_of_nones:
            try:
                samples.append(next(self._dataset_iter))
            except StopIteration:
                self._ended = True
                break
        if not samples or (loader.drop_last and len(samples) < len(batch_of_nones)):
            raise StopIteration
        return loader.collate_fn(samples)
