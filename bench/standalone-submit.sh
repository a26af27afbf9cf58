#!/usr/bin/env bash
# Submits an Ignis job with spark-submit to a real Spark standalone cluster on this machine: one
# master, one worker (2 cores), executors in their own JVMs, all on 127.0.0.1. Spark comes from
# the Maven jars the build already has (no Spark tarball); Ignis travels as the cluster jar
# (spark-connector's ignis-spark-connector-<version>-all.jar, shaded), the way a user submits it to
# their own cluster:
#   bench/standalone-submit.sh train [TrainJob options, e.g. --data DIR --epochs 1 --output DIR]
#       dev.ignis.spark.TrainJob, from the cluster jar alone (spark-submit --class ... ALL_JAR ...)
#   bench/standalone-submit.sh [bench spark options, e.g. --partitions 2 --epochs 1 --data DIR]
#       `ignis bench spark`: the examples' jar as the application, the cluster jar in --jars
#   bench/standalone-submit.sh run 'COMMAND'
#       runs COMMAND with bash, `spark-submit` on its PATH and SPARK_MASTER naming the cluster
#       (how ReadmeCommandsTest runs the README's spark-submit line)
# IGNIS_WORKER_GPUS=N gives the worker N GPU addresses (a discovery script that reports 0..N-1)
# and asks for one GPU per executor and task, to exercise the executors' device choice through
# Spark's resource scheduling on a machine with or without real GPUs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="$root/examples/target/lib"
app=$(ls "$root"/examples/target/ignis-examples-*.jar 2>/dev/null | grep -v -e '-tests.jar' -e '-sources.jar' -e '-javadoc.jar' | head -n 1 || true)
cluster=$(ls "$root"/spark-connector/target/ignis-spark-connector-*-all.jar 2>/dev/null | head -n 1 || true)
if [[ -z "$app" || -z "$cluster" || ! -d "$lib" ]]; then
  (cd "$root" && mvn -q -DskipTests package -pl examples -am) >&2
  app=$(ls "$root"/examples/target/ignis-examples-*.jar | grep -v -e '-tests.jar' -e '-sources.jar' -e '-javadoc.jar' | head -n 1)
  cluster=$(ls "$root"/spark-connector/target/ignis-spark-connector-*-all.jar | head -n 1)
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# SPARK_HOME/jars: Spark and its dependencies only; what Ignis adds is shipped with the job.
export SPARK_HOME="$work/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
mkdir -p "$SPARK_HOME/jars"
ship=("$cluster")
for jar in "$lib"/*.jar; do
  case "$(basename "$jar")" in
    picocli-*) ship+=("$jar") ;;   # the examples' CLI, not part of the cluster jar
    ignis-*|javacpp-*|openblas-*|jcuda*|aparapi*|bcel-*|jna-*) ;;   # inside the cluster jar
    *) ln -s "$jar" "$SPARK_HOME/jars/" ;;
  esac
done
jars=$(IFS=,; echo "${ship[*]}")
mode=bench
if [[ ${1:-} == train || ${1:-} == run ]]; then
  mode=$1
  shift
fi
if [[ $mode == train ]]; then
  job=(--class dev.ignis.spark.TrainJob "$cluster")
else
  job=(--class dev.ignis.examples.IgnisCli --jars "$jars" "$app" bench spark)
fi

port=$((20000 + RANDOM % 20000))
java -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
  --webui-port 0 > "$work/master.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do grep -q "I have been elected leader" "$work/master.log" && break; sleep 0.5; done
worker_opts=()
gpu_conf=()
gpus=${IGNIS_WORKER_GPUS:-0}
if [[ $gpus -gt 0 ]]; then
  addresses=$(seq -s '","' 0 $((gpus - 1)))
  printf '#!/usr/bin/env bash\necho '"'"'{"name": "gpu", "addresses": ["%s"]}'"'"'\n' "$addresses" > "$work/gpus.sh"
  chmod +x "$work/gpus.sh"
  worker_opts=(-Dspark.worker.resource.gpu.amount="$gpus" -Dspark.worker.resource.gpu.discoveryScript="$work/gpus.sh")
  gpu_conf=(--conf spark.executor.resource.gpu.amount=1 --conf spark.task.resource.gpu.amount=1)
fi
java "${worker_opts[@]}" -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$port" --host 127.0.0.1 \
  --cores 2 --memory 5g --webui-port 0 --work-dir "$work/worker" > "$work/worker.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do grep -q "Successfully registered with master" "$work/worker.log" && break; sleep 0.5; done
echo "standalone cluster: master spark://127.0.0.1:$port, worker with 2 cores and $gpus GPU address(es)" >&2

# The driver runs in this JVM (client mode); Spark adds the module opens to the executors itself.
opens=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED)
quiet=(-Dorg.slf4j.simpleLogger.log.org.apache.spark=warn -Dorg.slf4j.simpleLogger.log.org.apache.hadoop=warn
  -Dorg.slf4j.simpleLogger.log.org.sparkproject=warn)
# The training JVM options (bin/jvm-options.sh) for the driver and, through Spark, the executors.
# shellcheck source=../bin/jvm-options.sh
source "$root/bin/jvm-options.sh"
# spark-submit is Spark's SparkSubmit class with the cluster's settings
submit=(java "${ignis_jvm_opts[@]}" "${opens[@]}" "${quiet[@]}" -Dignis.home="$root" -cp "$SPARK_HOME/jars/*"
  org.apache.spark.deploy.SparkSubmit "${gpu_conf[@]}" --conf spark.executor.extraJavaOptions="${ignis_jvm_opts[*]}"
  --conf spark.executor.memory=2g --conf spark.executor.cores=1 --conf spark.ui.enabled=false)
status=0
if [[ $mode == run ]]; then
  mkdir -p "$work/bin"
  { echo '#!/usr/bin/env bash'; printf 'exec'; printf ' %q' "${submit[@]}"; echo ' "$@"'; } > "$work/bin/spark-submit"
  chmod +x "$work/bin/spark-submit"
  PATH="$work/bin:$PATH" SPARK_MASTER="spark://127.0.0.1:$port" bash -c "$1" || status=$?
else
  "${submit[@]}" --master "spark://127.0.0.1:$port" "${job[@]}" "$@" || status=$?
fi
echo "executors' device choices (from their logs):" >&2
find "$work/worker" -name stderr -exec grep -h "ignis task device" {} + 2>/dev/null | sed 's/^.*INFO/ /' | sort | uniq -c >&2 || true
if [[ $status -ne 0 ]]; then
  echo "spark-submit failed ($status); executor logs:" >&2
  find "$work/worker" -name stderr -exec tail -n 30 {} \; >&2 || true
fi
exit $status
