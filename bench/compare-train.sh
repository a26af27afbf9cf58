#!/usr/bin/env bash
# Side-by-side Fashion-MNIST training, one epoch: PyTorch (../shared/bench/torch_fashion.py) and Ignis
# (bin/ignis bench train), alternating in PAIRS pairs at each given thread count. Prints every run, then
# per thread count each side's median samples/s and test accuracy, the per-pair ratios and their median.
# Usage: bench/compare-train.sh mlp|cnn [pairs] [threads...]   e.g. bench/compare-train.sh cnn 4 2
# (needs Debian's python3-torch and the dataset-fashion-mnist package: shared/bench/setup-reference.sh)
# With IGNIS_BASELINE=DIR (another built checkout, e.g. a worktree of an older commit), each pair also runs
# DIR/bin/ignis, so before and after are measured in the same sitting; ratios are then given to both.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model=${1:?usage: bench/compare-train.sh mlp|cnn [pairs] [threads...]}
pairs=${2:-5}
thread_counts=("${@:3}")
[[ ${#thread_counts[@]} -eq 0 ]] && thread_counts=(1 2)
torch_script="${TORCH_FASHION:-$root/../shared/bench/torch_fashion.py}"
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
for threads in "${thread_counts[@]}"; do
  torch_rate=(); ignis_rate=(); torch_acc=(); ignis_acc=(); ratios=(); base_rate=(); base_ratios=()
  for ((p = 0; p < pairs; p++)); do
    t=$(/usr/bin/python3 "$torch_script" "$model" 1 64 "$threads")
    i=$("$root/bin/ignis" bench train --model "$model" --epochs 1 --batch 64 --threads "$threads" 2>/dev/null | grep '^ignis ')
    echo "$t"
    echo "$i"
    torch_rate+=("$(field train_samples_per_s <<<"$t")"); torch_acc+=("$(field test_acc <<<"$t")")
    ignis_rate+=("$(field train_samples_per_s <<<"$i")"); ignis_acc+=("$(field test_acc <<<"$i")")
    ratios+=("$(awk -v a="${ignis_rate[-1]}" -v b="${torch_rate[-1]}" 'BEGIN {printf "%.3f", a / b}')")
    if [[ -n "${IGNIS_BASELINE:-}" ]]; then
      base=$("$IGNIS_BASELINE/bin/ignis" bench train --model "$model" --epochs 1 --batch 64 --threads "$threads" 2>/dev/null | grep '^ignis ')
      echo "baseline $base"
      base_rate+=("$(field train_samples_per_s <<<"$base")")
      base_ratios+=("$(awk -v a="${base_rate[-1]}" -v b="${torch_rate[-1]}" 'BEGIN {printf "%.3f", a / b}')")
    fi
  done
  echo "model=$model threads=$threads pairs=$pairs torch_median=$(printf '%s\n' "${torch_rate[@]}" | median)" \
    "ignis_median=$(printf '%s\n' "${ignis_rate[@]}" | median) ratios=[${ratios[*]}]" \
    "median_ratio=$(printf '%s\n' "${ratios[@]}" | median) torch_acc=${torch_acc[0]} ignis_acc=${ignis_acc[0]}"
  if [[ -n "${IGNIS_BASELINE:-}" ]]; then
    echo "baseline=$IGNIS_BASELINE baseline_median=$(printf '%s\n' "${base_rate[@]}" | median)" \
      "baseline_ratios=[${base_ratios[*]}] baseline_median_ratio=$(printf '%s\n' "${base_ratios[@]}" | median)"
  fi
done
