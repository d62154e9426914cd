"""The UCI handwritten digits: 1,797 images of 8x8 pixels, labels 0..9.

The data ships inside the package (``digits.npz``, about 45 KB), so loading it
needs no download and no scikit-learn. Source and licence: README.md in this
folder.

    >>> from autograd_lesson.datasets import load_digits, split_digits
    >>> digits = load_digits()
    >>> digits.images.shape, digits.target.shape
    ((1797, 8, 8), (1797,))
    >>> train, test = split_digits(test_fraction=0.2, seed=0)
    >>> len(train), len(test)
    (1438, 359)
"""

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_FILE = Path(__file__).with_name("digits.npz")

# Each pixel counts the "on" dots in a 4x4 block of a 32x32 bitmap: 0..16.
MAX_PIXEL_VALUE = 16

DESCR = """\
Optical recognition of handwritten digits (UCI ML repository, data set 80).
1,797 images of 8x8 pixels, 10 classes (the digits 0..9), about 180 per class.
Each pixel is the number of ink dots (0..16) in a 4x4 block of a 32x32 scan.
This is the copy scikit-learn bundles: the test part of the UCI set, written
by 13 people. Creators: E. Alpaydin and C. Kaynak, 1998.
Source: https://archive.ics.uci.edu/dataset/80  Licence: CC BY 4.0.
Cite: E. Alpaydin, C. Kaynak (1998). Optical Recognition of Handwritten
Digits [Dataset]. UCI Machine Learning Repository. doi:10.24432/C50P49"""


@dataclass(frozen=True)
class Digits:
    """Images and labels, named as in scikit-learn's ``load_digits()``."""

    images: np.ndarray  # (n, 8, 8): float32 in [0, 1], or uint8 0..16 if not scaled
    target: np.ndarray  # (n,) int64, the digit shown, 0..9
    DESCR: str = DESCR

    @property
    def data(self):
        """The images flattened to rows of 64 pixels, shape (n, 64)."""
        return self.images.reshape(len(self.images), -1)

    def __len__(self):
        return len(self.target)


class DigitsFileError(ValueError):
    """The digits data file is damaged or holds something else; the message says what."""


def read_digits_file(path):
    """(images, target) from the .npz at `path`, checked: uint8 images of shape (n, 8, 8)
    with counts 0..16, integer labels of shape (n,) with values 0..9."""

    def bad(problem):
        return DigitsFileError(
            f"The digits data file {path} {problem}. It should hold 'images' (uint8, shape "
            f"(n, 8, 8), values 0..{MAX_PIXEL_VALUE}) and 'target' (integers 0..9, shape "
            "(n,)); reinstall autograd_lesson to get a good copy."
        )

    with open(path, "rb") as file:
        if file.read(4) != b"PK\x03\x04":  # an .npz is a zip archive of .npy files
            raise bad("is not a .npz file (it is not a zip archive)")
    try:
        # allow_pickle=False: the file holds plain arrays only, and refusing
        # pickles means loading it can never run code.
        with np.load(path, allow_pickle=False) as stored:
            missing = [name for name in ("images", "target") if name not in stored.files]
            if missing:
                raise bad(f"has no {' or '.join(map(repr, missing))} array")
            images, target = stored["images"], stored["target"]
        for name, value in (("images", images), ("target", target)):
            if not isinstance(value, np.ndarray):  # NumPy gives the bytes of a non-.npy member
                raise bad(f"is corrupt (the header of its {name!r} array is damaged)")
    except (zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise bad(f"is corrupt (truncated or damaged: {error})") from None
    except ValueError as error:
        if isinstance(error, DigitsFileError):
            raise
        if "Object arrays" in str(error):
            raise bad("holds pickled Python objects, which are refused") from None
        raise bad(f"could not be read ({error})") from None
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (8, 8):
        raise bad(f"has images of dtype {images.dtype} and shape {images.shape}")
    if target.dtype.kind not in "iu" or target.shape != images.shape[:1]:
        raise bad(
            f"has labels of dtype {target.dtype} and shape {target.shape} for {len(images)} images"
        )
    if images.size and images.max() > MAX_PIXEL_VALUE:
        raise bad(f"has pixel values up to {images.max()}")
    if target.size and (target.min() < 0 or target.max() > 9):
        raise bad(f"has labels from {target.min()} to {target.max()}")
    return images, target.astype(np.int64)


def load_digits(scaled=True):
    """Load all 1,797 digits.

    scaled=True (the default) gives float32 images in [0, 1]: the raw counts
    divided by 16. Every value k/16 is exact in float32, so the inputs are the
    same bits on every machine, and [0, 1] is a good range to feed a network.
    scaled=False gives the raw counts, uint8 0..16, as stored.
    The labels are int64, the dtype ``cross_entropy`` expects for class indices.
    """
    images, target = read_digits_file(DATA_FILE)
    if scaled:
        images = images.astype(np.float32) / np.float32(MAX_PIXEL_VALUE)
    return Digits(images=images, target=target)


def split_digits(test_fraction=0.2, seed=0, scaled=True):
    """Split the digits into (train, test), the same way on every run.

    Stratified: each digit gets round(test_fraction * its count) test images,
    so both parts keep the ~10% share of every class. Which images go where
    is drawn by a NumPy Generator seeded with ``seed``. Each part keeps the
    original order of the file (which already mixes the classes); shuffle
    the training part yourself for each epoch of mini-batches.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    digits = load_digits(scaled=scaled)
    rng = np.random.default_rng(seed)
    test_indices = []
    for label in range(10):
        indices_of_label = np.flatnonzero(digits.target == label)
        n_test = round(test_fraction * len(indices_of_label))
        test_indices.append(rng.permutation(indices_of_label)[:n_test])
    is_test = np.zeros(len(digits), dtype=bool)
    is_test[np.concatenate(test_indices)] = True
    train = Digits(images=digits.images[~is_test], target=digits.target[~is_test])
    test = Digits(images=digits.images[is_test], target=digits.target[is_test])
    return train, test
