#!/usr/bin/env python3
"""Writes data/fashion-mnist-samples: the first test image of each class of the bundled
Fashion-MNIST subset as a 28x28 grayscale PNG named after its true class, for `bin/ignis predict`.
Standard library only (the PNG is written by hand: signature, IHDR, one zlib IDAT, IEND)."""
import gzip
import os
import struct
import zlib

ROOT = os.path.dirname(os.path.abspath(__file__))
SUBSET = os.path.join(ROOT, "fashion-mnist-subset")
OUT = os.path.join(ROOT, "fashion-mnist-samples")
CLASSES = ["t-shirt-top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
           "ankle-boot"]


def idx(name):
    with gzip.open(os.path.join(SUBSET, name)) as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)


def png(path, pixels, width, height):
    rows = b"".join(b"\x00" + pixels[r * width:(r + 1) * width] for r in range(height))  # filter 0 per row
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def main():
    (n, h, w), images = idx("t10k-images-idx3-ubyte.gz")
    _, labels = idx("t10k-labels-idx1-ubyte.gz")
    os.makedirs(OUT, exist_ok=True)
    for c, name in enumerate(CLASSES):
        i = labels.index(bytes([c]))
        png(os.path.join(OUT, "%04d-%s.png" % (i, name)), images[i * h * w:(i + 1) * h * w], w, h)


if __name__ == "__main__":
    main()
