#!/usr/bin/python3
"""PyTorch side of CheckpointInTorchTest: an Ignis checkpoint resumed in PyTorch (or run by hand).

Usage: checkpoint_in_torch.py DIR
DIR/round-000003.safetensors is a checkpoint Ignis wrote of nn.Sequential(BatchNorm1d(4),
Linear(4, 3)) trained with Adam; DIR/io.safetensors holds the input x, and Ignis' model
weights after one more Adam step on mse_loss(model(x), 0) from the checkpoint ("after.<name>").
This loads the model (model.*) and the optimizer's state (optimizer.state.<i>.<key> and the JSON
param_groups) into PyTorch, takes that step, and checks PyTorch's weights equal Ignis'. Exits 0
and prints "checkpoint resumed in torch" on success. Needs only torch: the file is read with
struct and json
(safetensors_roundtrip.py's reader).
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_roundtrip import load, metadata  # noqa: E402 (the format, read with struct and json)


def typed(value):
    """A value of Ignis' typed JSON ({"$double[]": [...]} and the like) as a Python value."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith("$"):
        tag, v = next(iter(value.items()))
        if tag.endswith("[]"):
            return tuple(typed(x) for x in v)
        return float(v) if tag in ("$double", "$float") else int(v)
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return value


def main(d):
    path = d + "/round-000003.safetensors"
    tensors, meta = load(path), metadata(path)
    assert meta["format"] == "ignis.checkpoint/1", meta.get("format")
    doc = json.loads(meta["checkpoint"])
    model = nn.Sequential(nn.BatchNorm1d(4), nn.Linear(4, 3))
    model.load_state_dict({k[len("model."):]: t for k, t in tensors.items() if k.startswith("model.")}, strict=True)
    opt = torch.optim.Adam(model.parameters())
    state = {}
    for key, t in tensors.items():
        if key.startswith("optimizer.state."):
            index, name = key[len("optimizer.state."):].split(".", 1)
            state.setdefault(int(index), {})[name] = t
    groups = opt.state_dict()["param_groups"]
    for group, saved in zip(groups, typed(doc["param_groups"])):
        group.update({k: v for k, v in saved.items() if k in group and k != "params"})
    opt.load_state_dict({"state": state, "param_groups": groups})

    io = load(d + "/io.safetensors")
    model.train()
    opt.zero_grad()
    nn.functional.mse_loss(model(io["x"]), torch.zeros(io["x"].shape[0], 3)).backward()
    opt.step()
    worst = 0.0
    for name, t in model.state_dict().items():
        expected = io["after." + name]
        diff = (t.double() - expected.double()).abs().max().item()
        worst = max(worst, diff)
        if not torch.allclose(t.double(), expected.double(), rtol=1e-5, atol=1e-6):
            print(f"MISMATCH at {name}: PyTorch and Ignis differ by {diff} after the resumed step")
            return 1
    print(f"checkpoint resumed in torch: next_round {doc['next_round']}, lr {groups[0]['lr']},"
          f" weights after one more step agree (max |diff| {worst:.2e})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
