"""PyTorch's side of `bin/ignis bench gemm --device cuda` in bench/gpu-check.sh: an N×N float32
matmul on the GPU, median of 5 timed rounds after a warm-up, with TF32 off (fp32) or on.
Usage: python3 bench/gpu_gemm_torch.py N fp32|tf32. Prints: torch <version> gemm size=N math=M gflops=G"""
import statistics
import sys
import time

import torch

n, math = int(sys.argv[1]), sys.argv[2]
torch.backends.cuda.matmul.allow_tf32 = math == "tf32"
a = torch.randn(n, n, device="cuda")
b = torch.randn(n, n, device="cuda")
for _ in range(10):
    a @ b
torch.cuda.synchronize()
reps = max(3, int(4e12 / (2 * n ** 3)))
rounds = []
for _ in range(5):
    start = time.perf_counter()
    for _ in range(reps):
        c = a @ b
    torch.cuda.synchronize()
    rounds.append(2 * n ** 3 * reps / (time.perf_counter() - start) / 1e9)
print(f"torch {torch.__version__} gemm size={n} math={math} gflops={statistics.median(rounds):.1f}")
