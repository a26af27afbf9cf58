#!/usr/bin/env bash
# Compiles ignis_kernels.cu to the PTX the CUDA backend loads (committed beside this source, so a
# build needs no CUDA toolkit). PTX for compute_75 (Turing and later); the driver's JIT compiles
# it for the GPU it runs on. The ISA version nvcc writes is lowered to 7.8 (CUDA 12.0), which every
# instruction these kernels use exists in, so CUDA 12 drivers load it too; CudaPtxTest assembles the
# result with CUDA 12.6's nvPTXCompiler for sm_75 and sm_90.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/../resources/dev/ignis/backend/cuda/ignis_kernels.ptx"
nvcc -ptx -arch=compute_75 -O3 "$here/ignis_kernels.cu" -o "$out"
sed -i 's/^\.version [0-9.]*/.version 7.8/' "$out"
grep -m1 '^\.version' "$out"
