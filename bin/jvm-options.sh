# Sourced by bin/ignis and bench/standalone-submit.sh: the JVM options that training runs fastest
# with, in one place. Sets ignis_jvm_opts (an array) from IGNIS_JAVA_OPTS: each of the defaults
# below is left out where IGNIS_JAVA_OPTS already chooses it.
# Training allocates every op's result, so the collector is chosen for it:
# - the parallel (throughput) collector: its eden is one fixed range, so after the first pass the
#   training thread allocates in memory already paged in; G1 took fresh regions whenever it grew the
#   heap (page faults on the training thread) and costs more per reference store;
# - a fixed young generation: G1's default sizing grew it past a gigabyte and halved the MLP's speed;
#   256 MB holds a CNN step's activations (at 64 MB the parallel collector copied them every step).
# The JDK's bytecode writer (ASM's Frame.execute, busy while the first training step links its
# lambdas) was the C2 compiler's first job when training began: 0.27 s of compiling, during which the
# kernels' loops waited in C1 code; it stays interpreted (MLP epoch about 9% faster, Spark too).
# Spark executors are JVMs of their own: bin/ignis and bench/standalone-submit.sh hand them the same
# options as spark.executor.extraJavaOptions unless that is set already.
ignis_jvm_opts=()
gc="-XX:+UseParallelGC"
young="-Xmn256m"
for opt in ${IGNIS_JAVA_OPTS:-}; do
  case "$opt" in
    -XX:+Use*GC) gc="" ;;
    -Xmn*|*NewSize*) young="" ;;
  esac
done
[[ -n "$gc" ]] && ignis_jvm_opts+=("$gc")
[[ -n "$young" ]] && ignis_jvm_opts+=("$young")
ignis_jvm_opts+=(-XX:CompileCommand=quiet "-XX:CompileCommand=exclude,jdk.internal.org.objectweb.asm.Frame::execute")
unset gc young
