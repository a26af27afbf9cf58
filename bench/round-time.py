#!/usr/bin/env python3
"""Round time of DistributedTrainer on a cluster, on paper: what averaging every k steps costs as
partitions and network bandwidth grow, from terms measured in local runs (docs/spark.md, "Scaling beyond
one machine"). Standard library only.

One round, one replica per executor, P replicas:
  T(P) = k * step + fixed + cpu_per_mb * MB_driver + (broadcast + aggregate) / bandwidth
  broadcast: each executor needs out = 4W + 4O bytes (weights and float32 optimizer values);
             Spark's torrent broadcast, bounded here by a binomial tree: out * ceil(log2(P + 1))
  aggregate: treeAggregate (depth 2): R partial sums of 8(W + O) bytes (doubles) into the driver,
             R from Spark's rule (RoundAggregation.resultsAtDriver); where R < P a reduce level
             first takes ceil(P / R) float32 results of 4(W + O) bytes into each of R reducers
  MB_driver: what the driver serializes and reads itself: out + R * 8(W + O)
Throughput is P * k * batch / T(P); efficiency k * step / T(P) is the share of a round spent
training. Averaging every k steps "stops paying" at the P where efficiency falls below 1/2:
from there on, another replica adds less than half a replica's worth of samples per second.
"""
import argparse
import math


def results_at_driver(partitions):
    """How many partial aggregates Spark's treeAggregate with depth 2 sends to the driver."""
    n = max(1, partitions)
    scale = max(math.ceil(math.sqrt(n)), 2)
    while n > scale + math.ceil(n / scale):
        n //= scale
    return n


def round_seconds(p, k, a):
    values = a.params + a.optimizer_values
    out = 4 * a.params + 4 * a.optimizer_values
    r = results_at_driver(p)
    reducers_in = 0 if r == p else math.ceil(p / r) * 4 * values
    driver_in = r * 8 * values
    bandwidth = a.gbit * 1e9 / 8
    network = (out * math.ceil(math.log2(p + 1)) + reducers_in + driver_in) / bandwidth if p > 1 else 0.0
    cpu = a.cpu_ms_per_mb / 1e3 * (out + driver_in) / 1e6
    return k * a.step_ms / 1e3 + a.fixed_ms / 1e3 + cpu + network


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--params", type=int, default=421_930, help="model parameters W (default: the Fashion CNN)")
    ap.add_argument("--optimizer-values", type=int, default=None,
                    help="float32 optimizer state values O (default: W, SGD with momentum; 2W for Adam)")
    ap.add_argument("--step-ms", type=float, default=28.0,
                    help="one replica's training step (default: the CNN, batch 64, one core here)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--fixed-ms", type=float, default=23.0,
                    help="per-round cost independent of size: job, task launch, driver bookkeeping")
    ap.add_argument("--cpu-ms-per-mb", type=float, default=1.0,
                    help="serializing and copying one MB of round traffic on the driver")
    ap.add_argument("--steps", type=int, nargs="+", default=[10, 50, 200], help="k: steps per round")
    ap.add_argument("--gbits", type=float, nargs="+", default=[1, 10, 25], help="network bandwidth, Gbit/s")
    ap.add_argument("--partitions", type=int, nargs="+", default=[1, 2, 4, 8, 16, 32, 64, 128, 256])
    a = ap.parse_args()
    if a.optimizer_values is None:
        a.optimizer_values = a.params
    print(f"W={a.params} O={a.optimizer_values} step={a.step_ms} ms fixed={a.fixed_ms} ms "
          f"cpu={a.cpu_ms_per_mb} ms/MB")
    for gbit in a.gbits:
        a.gbit = gbit
        print(f"\n{gbit:g} Gbit/s")
        print("k".rjust(5) + "".join(f"P={p}".rjust(10) for p in a.partitions) + "   stops paying at P>")
        for k in a.steps:
            cells = []
            stop = None
            for p in a.partitions:
                t = round_seconds(p, k, a)
                eff = k * a.step_ms / 1e3 / t
                cells.append(f"{eff:.2f}")
                if stop is None and eff < 0.5:
                    stop = p
            p, limit = 1, None
            while p <= 1 << 20:
                if k * a.step_ms / 1e3 / round_seconds(p, k, a) < 0.5:
                    limit = p
                    break
                p += 1 if p < 64 else max(1, p // 64)
            print(str(k).rjust(5) + "".join(c.rjust(10) for c in cells)
                  + f"   {limit - 1 if limit else 'never'}")
    print("\ncells: efficiency, the share of a round spent training (throughput = P x efficiency x one replica)")


if __name__ == "__main__":
    main()
