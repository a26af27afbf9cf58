"""PyTorch's side of bench/gpu-steps.sh: the Fashion MLP and CNN (as torch_fashion.py), batch B,
SGD with momentum, random data already on the GPU, eager mode; prints samples/s over timed steps
after a warm-up. Usage: python3 bench/gpu_step_torch.py mlp|cnn BATCH STEPS"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

kind, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
dev = torch.device("cuda")
torch.manual_seed(0)
if kind == "mlp":
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
else:
    net = nn.Sequential(nn.Conv2d(1, 32, 3, 1, 1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(32, 64, 3, 1, 1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
net = net.to(dev)
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
x = torch.randn(batch, 1, 28, 28, device=dev)
y = torch.randint(0, 10, (batch,), device=dev)


def step():
    opt.zero_grad()
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
    return loss


for _ in range(20):
    step()
torch.cuda.synchronize()
start = time.perf_counter()
for _ in range(steps):
    loss = step()
loss.item()
seconds = time.perf_counter() - start
print(f"torch {kind} batch={batch} steps={steps} samples_per_s={batch * steps / seconds:.0f}")
