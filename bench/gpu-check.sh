#!/usr/bin/env bash
# The prepared GPU check of the cuda device: on a machine with an NVIDIA GPU and PyTorch but no
# Java or Maven, runs the CUDA test suite and the benchmarks beside PyTorch on the same GPU in the
# same run, then the opencl device on NVIDIA's OpenCL, then prints a summary: the suites' counts and
# each ratio against its issue's floor.
#
#   bench/gpu-check.sh --pack   where Java and Maven are: packs .device (the tests module's jars and
#                               test classes, the cuda module's tests, bin/ignis' commands and a
#                               small Java runtime) with ../shared/device/pack.sh (or PACK=path)
#   bench/gpu-check.sh [STEPS]  on the GPU machine, from the repository root (default 100 steps a run)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ "${1:-}" == --pack ]]; then
  # bin/ignis' commands read the heap through java.lang.management
  JLINK_MODULES=java.base,java.logging,jdk.unsupported,java.management \
    "${PACK:-../shared/device/pack.sh}" tests .device --tests --exclude 'openblas|spark|hadoop|scala|archunit|snappy'
  mvn -B -q -pl examples -am package -DskipTests
  cp -r tensor-core/cuda/target/test-classes/. .device/test-classes/
  cp -r tensor-core/opencl/target/test-classes/. .device/test-classes/
  # Aparapi's native jar carries every platform (19 MB, mostly Windows DLLs): keep Linux x86-64's,
  # so that the transfer stays under the device machine's 64 MiB
  zip -q -d "$(ls .device/lib/aparapi-jni-*.jar)" 'win/*' 'osx/*' 'linux/libaparapi_aarch64.so' \
    'linux/libaparapi_armhf.so' 'linux/libaparapi_x86.so'
  cp "$(ls examples/target/ignis-examples-*.jar | grep -v -e -tests -e -sources -e -javadoc | head -n 1)" \
     examples/target/lib/picocli-*.jar .device/lib/
  echo "gpu-check: packed $(du -sh .device | cut -f1) into .device"
  exit 0
fi
if [[ ! -x .device/java ]]; then
  echo "gpu-check: .device is missing; run 'bench/gpu-check.sh --pack' where Java and Maven are first" >&2
  exit 2
fi
steps=${1:-100}
out=$(mktemp -d)
cp=".device/test-classes:$(ls .device/lib/*.jar | tr '\n' ':')"
ignis() { .device/java -cp "$cp" dev.ignis.examples.IgnisCli "$@" 2>&1 | grep -v -e ' INFO ' -e '^SLF4J'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
verdict() { awk -v r="$1" -v f="$2" 'BEGIN { print (r >= f ? "meets" : "BELOW") }'; }

echo "== GPU"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || true
python3 -c 'import torch; print("torch", torch.__version__, "CUDA", torch.version.cuda)' 2>&1 || true
echo "== bin/ignis info"
ignis info | sed -n '3,6p'

echo "== CUDA test suite (cuda module, conformance over every device, device mismatch, GPU training, memory flat over 1,000 steps)"
.device/run-tests.sh --select-package dev.ignis.backend.cuda --select-class dev.ignis.tests.ConformanceTest \
  --select-class dev.ignis.tests.device.DeviceMismatchTest --select-class dev.ignis.tests.device.GpuTrainingTest \
  --select-class dev.ignis.tests.device.DeviceMemoryTest >"$out/tests.txt" 2>&1 || true
grep -E '^\[ *[0-9]+ (tests|containers) (found|successful|skipped|failed|aborted)' "$out/tests.txt" | grep tests || true
grep -E -A3 '(MethodSource|✘)' "$out/tests.txt" | head -40 || true
succeeded=$(sed -n 's/^\[ *\([0-9]*\) tests successful.*/\1/p' "$out/tests.txt")
failed=$(sed -n 's/^\[ *\([0-9]*\) tests failed.*/\1/p' "$out/tests.txt")
skipped=$(sed -n 's/^\[ *\([0-9]*\) tests skipped.*/\1/p' "$out/tests.txt")

echo "== GEMM 4096 (float32 inputs; fp32 math, then TF32 allowed on both sides)"
summary=()
for math in fp32 tf32; do
  flag=(); [[ $math == tf32 ]] && flag=(--tf32)
  t=$(python3 bench/gpu_gemm_torch.py 4096 "$math" 2>&1 | grep '^torch ' || echo "torch gemm $math failed")
  i=$(ignis bench gemm --device cuda --size 4096 "${flag[@]}" | grep '^ignis \|Exception\|rror' | head -3 || true)
  echo "$t"; echo "$i"
  tg=$(sed -n 's/.*gflops=\([0-9.]*\).*/\1/p' <<<"$t"); ig=$(sed -n 's/.*gflops=\([0-9.]*\).*/\1/p' <<<"$i")
  if [[ -n "$tg" && -n "$ig" ]]; then
    r=$(ratio "$ig" "$tg")
    summary+=("gemm 4096 $math: ignis ${ig} / torch ${tg} GFLOP/s = ${r}x$([[ $math == fp32 ]] && echo " (floor 0.9x: $(verdict "$r" 0.9))")")
  else
    summary+=("gemm 4096 $math: no result")
  fi
done

echo "== training steps (bench/gpu-steps.sh $steps: data on the GPU, SGD with momentum, eager PyTorch)"
bench/gpu-steps.sh "$steps" | tee "$out/steps.txt"
for model in mlp cnn; do
  for batch in 64 512; do
    r=$(sed -n "s/^ratio $model batch=$batch ignis\/torch=\([0-9.]*\)/\1/p" "$out/steps.txt")
    floor=1.5; [[ $batch == 512 ]] && floor=0.7
    summary+=("train $model batch $batch: ${r:-no result}x eager PyTorch (floor ${floor}x: $([[ -n "$r" ]] && verdict "$r" "$floor" || echo "no result"))")
  done
done

echo "== OpenCL (Aparapi on NVIDIA's OpenCL): opencl module tests, the MLP loss curve, CNN batch 512 beside cuda"
.device/run-tests.sh --select-package dev.ignis.backend.opencl --select-class dev.ignis.tests.device.OpenClTrainingTest \
  >"$out/opencl.txt" 2>&1 || true
grep -E '^\[ *[0-9]+ tests (successful|skipped|failed)' "$out/opencl.txt" || true
grep -E -A3 '(MethodSource|✘)' "$out/opencl.txt" | head -20 || true
cl_failed=$(sed -n 's/^\[ *\([0-9]*\) tests failed.*/\1/p' "$out/opencl.txt")
summary+=("opencl tests: ${cl_failed:-?} failed")
for dev in cuda opencl; do
  # random data already on the device, as bench/gpu-steps.sh (bench train reads Fashion-MNIST
  # through Hadoop's file system, which the pack leaves out)
  timeout 300 .device/java -cp "$cp" dev.ignis.tests.device.GpuStepBench cnn 512 "$steps" "$dev" 2>&1 \
    | grep '^ignis ' >"$out/cnn-$dev.txt" || true
  cat "$out/cnn-$dev.txt"
done
cu=$(sed -n 's/.*samples_per_s=\([0-9.]*\).*/\1/p' "$out/cnn-cuda.txt")
cl=$(sed -n 's/.*samples_per_s=\([0-9.]*\).*/\1/p' "$out/cnn-opencl.txt")
if [[ -n "$cu" && -n "$cl" ]]; then
  r=$(ratio "$cl" "$cu")
  summary+=("cnn batch 512: opencl ${cl} / cuda ${cu} samples/s = ${r}x (floor 0.3x: $(verdict "$r" 0.3))")
else
  summary+=("cnn batch 512 opencl vs cuda: no result")
fi

echo "== summary"
echo "suite: ${succeeded:-?} passed, ${failed:-?} failed, ${skipped:-?} skipped"
printf '%s\n' "${summary[@]}"
[[ "${failed:-1}" == 0 ]]
