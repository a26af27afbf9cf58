#!/usr/bin/python3
"""PyTorch side of the safetensors round trip (run by SafetensorsRoundTripTest, or by hand).

Usage: safetensors_roundtrip.py DIR
  1. Loads DIR/ignis_model.safetensors (a model Ignis trained) into the same architecture with
     load_state_dict(strict=True) and checks its output on DIR/ignis_io.safetensors' input equals
     the output Ignis recorded there.
  2. Trains the same architecture in PyTorch for a few SGD steps and writes
     DIR/torch_model.safetensors and DIR/torch_io.safetensors (input and PyTorch's output) for
     Ignis to load and check.
Exits 0 and prints "round trip ok" on success. Needs only torch (no safetensors package): the
format is read and written here with struct and json.
"""
import json
import struct
import sys

import torch
import torch.nn as nn

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "BOOL": torch.bool}
CODES = {v: k for k, v in DTYPES.items()}


def model():
    # The architecture SafetensorsRoundTripTest builds in Ignis, key for key.
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(4 * 4 * 4, 16), nn.ReLU(), nn.Linear(16, 3))


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        t = torch.frombuffer(bytearray(data[start:end]), dtype=DTYPES[entry["dtype"]]) if end > start \
            else torch.zeros(0, dtype=DTYPES[entry["dtype"]])
        out[key] = t.reshape(entry["shape"]).clone()
    return out


def metadata(path):
    """The file's __metadata__ (string to string), or {}."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(n)).get("__metadata__", {})


def save(tensors, path):
    header, blobs, offset = {}, [], 0
    for key, t in tensors.items():
        b = t.detach().contiguous().cpu().numpy().tobytes()
        header[key] = {"dtype": CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    js = json.dumps(header).encode()
    js += b" " * ((8 - len(js) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)


def main(d):
    m = model()
    m.load_state_dict(load(d + "/ignis_model.safetensors"), strict=True)
    m.eval()
    io = load(d + "/ignis_io.safetensors")
    with torch.no_grad():
        out = m(io["input"])
    diff = (out - io["output"]).abs().max().item()
    if not torch.allclose(out, io["output"], rtol=1e-4, atol=1e-5):
        print(f"MISMATCH: PyTorch output of the Ignis-trained model differs by {diff}")
        return 1
    print(f"ignis -> torch: outputs agree (max |diff| {diff:.2e})")

    torch.manual_seed(1)
    t = model()
    opt = torch.optim.SGD(t.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(8, 1, 8, 8)
    y = torch.randint(0, 3, (8,))
    for _ in range(5):
        opt.zero_grad()
        nn.functional.cross_entropy(t(x), y).backward()
        opt.step()
    t.eval()
    with torch.no_grad():
        probe = torch.randn(4, 1, 8, 8)
        save(t.state_dict(), d + "/torch_model.safetensors")
        save({"input": probe, "output": t(probe)}, d + "/torch_io.safetensors")
    print("round trip ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
