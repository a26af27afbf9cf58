#!/usr/bin/env bash
# Side-by-side float32 GEMM: PyTorch (../shared/bench/torch_gemm.py) and Ignis (bin/ignis bench gemm),
# alternating, ROUNDS times per thread count; prints each side's median GFLOPS and the ratio.
# Usage: bench/compare-gemm.sh [size] [rounds]   (needs Debian's python3-torch: shared/bench/setup-reference.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size=${1:-1024}
rounds=${2:-5}
torch_script="${TORCH_GEMM:-$root/../shared/bench/torch_gemm.py}"
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for threads in 1 2; do
  torch_runs=(); ignis_runs=()
  for ((r = 0; r < rounds; r++)); do
    torch_runs+=("$(/usr/bin/python3 "$torch_script" "$size" "$threads" | sed 's/.*gflops=//')")
    ignis_runs+=("$("$root/bin/ignis" bench gemm --size "$size" --threads "$threads" 2>/dev/null | sed 's/.*gflops=//')")
  done
  t=$(printf '%s\n' "${torch_runs[@]}" | median)
  i=$(printf '%s\n' "${ignis_runs[@]}" | median)
  echo "size=$size threads=$threads torch_runs=[${torch_runs[*]}] ignis_runs=[${ignis_runs[*]}] torch_median=$t ignis_median=$i ratio=$(awk -v a="$i" -v b="$t" 'BEGIN {printf "%.2f", a / b}')"
done
