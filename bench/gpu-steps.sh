#!/usr/bin/env bash
# Training steps on a GPU, Ignis (packed, see ../shared/device/pack.sh tests .device --tests) beside
# PyTorch on the same GPU in the same run: the Fashion MLP and CNN at batch 64 and 512, data already
# on the device, eager PyTorch. Prints each side's samples/s and the ratio.
# Usage (on the GPU machine, from the repository root): bench/gpu-steps.sh [STEPS]
set -euo pipefail
steps=${1:-200}
cp=".device/test-classes:$(ls .device/lib/*.jar | tr '\n' ':')"
for model in mlp cnn; do
  for batch in 64 512; do
    t=$(python3 bench/gpu_step_torch.py "$model" "$batch" "$steps" 2>&1 | grep '^torch ' || echo "torch $model batch=$batch failed")
    i=$(.device/java -cp "$cp" dev.ignis.tests.device.GpuStepBench "$model" "$batch" "$steps" 2>&1 | grep -v ' INFO ' \
        | grep '^ignis \|Exception' | head -3 || true)
    echo "$t"
    echo "$i"
    ts=$(sed -n 's/.*samples_per_s=\([0-9]*\).*/\1/p' <<<"$t")
    is=$(sed -n 's/.*samples_per_s=\([0-9]*\).*/\1/p' <<<"$i")
    [[ -n "$ts" && -n "$is" ]] && echo "ratio $model batch=$batch ignis/torch=$(awk -v a="$is" -v b="$ts" 'BEGIN {printf "%.3f", a / b}')"
  done
done
