"""Maintainer tool: rebuild ``digits.npz`` from scikit-learn's copy of the data.

Learners never run this. The course reads the finished ``digits.npz`` and
needs neither scikit-learn nor a network connection. This script is here so
anyone can check where the file came from and make it again:

    python -m pip download scikit-learn --no-deps --only-binary=:all: -d /tmp/skl
    cd /tmp/skl && unzip -o scikit_learn-*.whl 'sklearn/datasets/data/digits.csv.gz'
    python autograd_lesson/datasets/make_digits_npz.py \\
        /tmp/skl/sklearn/datasets/data/digits.csv.gz

The csv has one digit per row: 64 pixel counts (0..16, row by row) and then
the label (0..9). We store them as small integers (uint8), which is exact and
keeps the compressed file at about 45 KB.
"""

import argparse
import gzip
from pathlib import Path

import numpy as np

OUTPUT = Path(__file__).with_name("digits.npz")


def read_digits_csv(csv_gz_path):
    """Return (images uint8 (n, 8, 8), target uint8 (n,)) from digits.csv.gz."""
    with gzip.open(csv_gz_path, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    pixels, labels = table[:, :64], table[:, 64]
    # Refuse anything that is not the data set we expect, rather than
    # silently storing a truncated or different file.
    assert table.shape == (1797, 65), table.shape
    assert pixels.min() >= 0 and pixels.max() <= 16
    assert set(labels.tolist()) == set(range(10))
    images = pixels.reshape(-1, 8, 8).astype(np.uint8)
    return images, labels.astype(np.uint8)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_gz", help="path to sklearn/datasets/data/digits.csv.gz")
    args = parser.parse_args()
    images, target = read_digits_csv(args.csv_gz)
    np.savez_compressed(OUTPUT, images=images, target=target)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")
    pixel_sum, label_sum = int(images.sum(dtype=np.int64)), int(target.sum(dtype=np.int64))
    print(f"pixel sum {pixel_sum}, label sum {label_sum}")


if __name__ == "__main__":
    main()
