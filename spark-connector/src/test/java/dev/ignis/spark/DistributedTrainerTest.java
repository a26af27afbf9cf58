package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.nn.BatchNorm1d;
import dev.ignis.nn.F;
import dev.ignis.nn.Linear;
import dev.ignis.nn.Module;
import dev.ignis.nn.ReLU;
import dev.ignis.nn.Sequential;
import dev.ignis.optim.Adam;
import dev.ignis.optim.Optimizer;
import dev.ignis.optim.ParamGroup;
import dev.ignis.optim.SGD;
import dev.ignis.optim.lr.LRScheduler;
import dev.ignis.optim.lr.OneCycleLR;
import dev.ignis.swa.BatchNormUpdate;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DistributedTrainer on a real local Spark (local[2], up to 4 attempts per task). */
class DistributedTrainerTest {
    static SparkSession spark;
    static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ignis-test");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** 3 classes in 6 features: class c shifts features 2c and 2c+1. */
    static List<Sample> samples(int n) {
        Generator g = new Generator(42);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            float[] f = new float[6];
            for (int j = 0; j < 6; j++) {
                f[j] = (float) (g.nextDouble() - 0.5 + (j / 2 == c ? 1.5 : 0));
            }
            out.add(new Sample(f, c));
        }
        return out;
    }

    static Module net() {
        return new Sequential(new Linear(6, 8, true, new Generator(1)), new BatchNorm1d(8), new ReLU(),
                new Linear(8, 3, true, new Generator(2)));
    }

    static DistributedTrainer.Builder trainer(OptimizerFactory opt) {
        return DistributedTrainer.builder().model(DistributedTrainerTest::net).loss(F::crossEntropy).optimizer(opt)
                .batchSize(16).epochs(2).stepsPerRound(3).seed(7).sampleShape(6).progress(false);
    }

    static final OptimizerFactory SGD_MOMENTUM = p -> new SGD(p, new SGD.Options().lr(0.1).momentum(0.9));
    static final OptimizerFactory ADAM = p -> new Adam(p, new Adam.Options().lr(0.01));

    /** The plain training loop over one partition, visiting samples in the trainer's order. */
    static Module localLoop(List<Sample> data, OptimizerFactory factory, int epochs, int batch, long seed) {
        return localLoop(data, factory, null, epochs, batch, seed);
    }

    /** {@link #localLoop} with a scheduler (or null) stepped after every step. */
    static Module localLoop(List<Sample> data, OptimizerFactory factory, Function<Optimizer, LRScheduler> scheduler,
                            int epochs, int batch, long seed) {
        return localLoop(DistributedTrainerTest::net, 6, data, factory, scheduler, epochs, batch, seed);
    }

    /** {@link #localLoop} of any model over samples of {@code width} features. */
    static Module localLoop(Supplier<Module> net, int width, List<Sample> data, OptimizerFactory factory,
                            Function<Optimizer, LRScheduler> scheduler, int epochs, int batch, long seed) {
        Module model = net.get();
        Optimizer opt = factory.create(model.parameters());
        LRScheduler sched = scheduler == null ? null : scheduler.apply(opt);
        PartitionData d = PartitionData.of(data, 0);
        Tensor x = Tensor.fromArray(d.features()).reshape(d.size(), width);
        Tensor y = Tensor.fromArray(d.labels());
        for (int epoch = 0; epoch < epochs; epoch++) {
            long[] order = Replica.epochOrder(seed, epoch, 0, d.size());
            for (int from = 0; from < d.size(); from += batch) {
                Tensor idx = Tensor.fromArray(Arrays.copyOfRange(order, from, Math.min(d.size(), from + batch)));
                opt.zeroGrad();
                F.crossEntropy(model.call(x.indexSelect(0, idx)), y.indexSelect(0, idx)).backward();
                opt.step();
                if (sched != null) {
                    sched.step();
                }
            }
        }
        return model;
    }

    static double maxDiff(Module a, Module b) {
        double max = 0;
        Map<String, Tensor> sb = b.stateDict();
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
            double[] x = e.getValue().toDoubleArray();
            double[] y = sb.get(e.getKey()).toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }

    @Test
    void onePartitionEqualsTheLocalLoopForSgdWithMomentumAndForAdam() {
        List<Sample> data = samples(90);
        for (OptimizerFactory opt : List.of(SGD_MOMENTUM, ADAM)) {
            TrainingResult r = trainer(opt).replicas(1).build().fit(jsc.parallelize(data, 1));
            Module local = localLoop(data, opt, 2, 16, 7);
            assertTrue(maxDiff(r.model(), local) <= 1e-6, "max |Δ| " + maxDiff(r.model(), local));
            assertEquals(4, r.metrics().size(), "6 steps per epoch in rounds of 3: 2 rounds per epoch");
            assertEquals(12L, r.model().stateDict().get("1.num_batches_tracked").toLongArray()[0]);
        }
    }

    /**
     * Replicas kept on the executor between rounds (LiveReplicas) give the same bits as replicas
     * built anew every round: SGD with momentum and Adam, BatchNorm, two replicas, carried and
     * dropped optimizer state.
     */
    @Test
    void keptReplicasTrainExactlyAsNewOnesEveryRound() {
        JavaRDD<Sample> data = jsc.parallelize(samples(120), 2);
        for (OptimizerFactory opt : List.of(SGD_MOMENTUM, ADAM)) {
            for (boolean carry : new boolean[] {true, false}) {
                TrainingResult kept = trainer(opt).replicas(2).carryOptimizerState(carry).build().fit(data);
                assertEquals(0, LiveReplicas.kept(), "the run's last job drops the replicas it kept");
                LiveReplicas.enabled = false;
                TrainingResult fresh;
                try {
                    fresh = trainer(opt).replicas(2).carryOptimizerState(carry).build().fit(data);
                } finally {
                    LiveReplicas.enabled = true;
                }
                assertEquals(0.0, maxDiff(kept.model(), fresh.model()), "carry optimizer state " + carry);
                assertEquals(fresh.metrics().get(3).loss(), kept.metrics().get(3).loss(), 0.0);
            }
        }
    }

    /** SGD with momentum over two param groups: the first layer at lr 0.1, the rest at 0.02. */
    static final OptimizerFactory TWO_GROUPS = p -> new SGD(List.of(
            new ParamGroup(p.subList(0, 2), Map.of("lr", 0.1)), new ParamGroup(p.subList(2, p.size()), Map.of("lr", 0.02))),
            new SGD.Options().lr(0.05).momentum(0.9));

    @Test
    void everyParamGroupsScheduledLrAndMomentumReachTheReplicas() {
        List<Sample> data = samples(90);
        // 6 steps an epoch, 2 epochs; OneCycleLR cycles each group's lr and the momentum every step
        Function<Optimizer, LRScheduler> oneCycle = o -> new OneCycleLR(o, new double[] {0.2, 0.05},
                new OneCycleLR.Options().totalSteps(12));
        TrainingResult r = trainer(TWO_GROUPS).replicas(1).stepsPerRound(1).scheduler(oneCycle, true).build()
                .fit(jsc.parallelize(data, 1));
        Module local = localLoop(data, TWO_GROUPS, oneCycle, 2, 16, 7);
        assertEquals(0.0, maxDiff(r.model(), local), "1 partition, 1 step a round: the local loop bit for bit");
        assertTrue(r.metrics().get(1).lr() > r.metrics().get(0).lr(), "group 0's lr warms up");
        // the same run without the scheduler's momentum reaching the tasks would differ
        Module constantMomentum = localLoop(data, TWO_GROUPS, o -> new OneCycleLR(o, new double[] {0.2, 0.05},
                new OneCycleLR.Options().totalSteps(12).cycleMomentum(false)), 2, 16, 7);
        assertTrue(maxDiff(constantMomentum, local) > 1e-4, "cycling momentum changes the weights");
    }

    @Test
    void aTaskThatFailsOnceGivesTheSameWeightsAsARunWithoutFailure() {
        JavaRDD<Sample> data = jsc.parallelize(samples(120), 2);
        Module clean = trainer(SGD_MOMENTUM).build().fit(data).model();
        Module retried = trainer(SGD_MOMENTUM).taskHook((round, partition, attempt) -> {
            if (round == 1 && partition == 1 && attempt == 0) {
                throw new IllegalStateException("injected failure");
            }
        }).build().fit(data).model();
        assertEquals(0.0, maxDiff(clean, retried));
    }

    @Test
    void twoPartitionsLearnAndSwaRecomputesBatchNormOverAllPartitions() {
        List<Sample> data = samples(150);
        TrainingResult r = trainer(SGD_MOMENTUM).replicas(2).epochs(3).swa(1, 0.05, 1).build()
                .fit(jsc.parallelize(data, 2));
        RoundMetrics last = r.metrics().get(r.metrics().size() - 1);
        assertTrue(last.accuracy() > 0.8, "training accuracy " + last.accuracy());
        assertNotNull(r.swaModel());
        // updateBn over the same batches on one machine: replica 0's batches, then replica 1's
        Module expected = net();
        expected.loadStateDict(r.swaModel().stateDict(), true);
        List<Tensor> batches = new ArrayList<>();
        for (List<Sample> part : ReplicasTest.dealt(data, 2, 7, 0)) {
            PartitionData d = PartitionData.of(part, 0);
            Tensor x = Tensor.fromArray(d.features()).reshape(d.size(), 6);
            for (int from = 0; from < d.size(); from += 16) {
                batches.add(x.narrow(0, from, Math.min(16, d.size() - from)));
            }
        }
        BatchNormUpdate.updateBn(batches, expected);
        for (String key : List.of("1.running_mean", "1.running_var")) {
            assertArrayEquals(expected.stateDict().get(key).toFloatArray(), r.swaModel().stateDict().get(key).toFloatArray(),
                    1e-5f, key);
        }
    }

    @Test
    void weightsShippedInManyPiecesGiveExactlyTheModelsOfOnePiece() {
        JavaRDD<Sample> data = jsc.parallelize(samples(150), 2);
        jsc.setJobGroup("one-piece", "weights in one piece", false);
        TrainingResult whole = trainer(SGD_MOMENTUM).epochs(3).swa(1, 0.05, 1).build().fit(data);
        jsc.setJobGroup("pieces", "weights in pieces of 50 values", false);
        // 115 weights + 99 momentum values = 5 pieces per round; the SWA BatchNorm pass: 115 values = 3
        TrainingResult pieces = trainer(SGD_MOMENTUM).epochs(3).swa(1, 0.05, 1).maxPieceBytes(50 * 8).build()
                .fit(data);
        jsc.clearJobGroup();
        assertEquals(0.0, maxDiff(whole.model(), pieces.model()));
        assertEquals(0.0, maxDiff(whole.swaModel(), pieces.swaModel()));
        int rounds = whole.metrics().size();
        int oneJobs = jsc.statusTracker().getJobIdsForGroup("one-piece").length;
        int pieceJobs = jsc.statusTracker().getJobIdsForGroup("pieces").length;
        assertEquals(rounds * 4 + 2, pieceJobs - oneJobs, "4 more aggregation jobs per round, 2 more for updateBn");
    }

    @Test
    void threeReplicasSummedAtTheDriverEqualTheirSumsOnTheExecutors() {
        JavaRDD<Sample> data = jsc.parallelize(samples(150), 3);
        // one piece and up to four replicas: each round is one job straight over the partitions,
        // its three results summed at the driver in partition order
        TrainingResult atDriver = trainer(SGD_MOMENTUM).replicas(3).build().fit(data);
        // pieces of 50 values: each round's cached results summed piece by piece by Spark's reduce
        TrainingResult onExecutors = trainer(SGD_MOMENTUM).replicas(3).maxPieceBytes(50 * 8).build().fit(data);
        assertEquals(3, atDriver.replicas());
        // the same double sums, added in another order (Spark's reduce merges tasks as they finish)
        assertTrue(maxDiff(atDriver.model(), onExecutors.model()) < 1e-6);
        assertEquals(onExecutors.metrics().size(), atDriver.metrics().size());
        for (int r = 0; r < atDriver.metrics().size(); r++) {
            assertEquals(onExecutors.metrics().get(r).loss(), atDriver.metrics().get(r).loss(), 1e-6);
        }
        assertTrue(atDriver.epochMetrics().get(1).trainAccuracy() > 0.8, "it learns");
    }

    @Test
    void aNonFiniteLossStopsTrainingNamingRoundAndPartition() {
        List<Sample> bad = samples(40);
        bad.set(35, new Sample(new float[] {Float.NaN, 0, 0, 0, 0, 0}, 0));
        Exception e = assertThrows(Exception.class, () -> trainer(SGD_MOMENTUM).build().fit(jsc.parallelize(bad, 2)));
        String message = String.valueOf(e.getMessage());
        assertTrue(message.contains("non-finite loss") && message.contains("partition 1"), message);
    }

    @Test
    void samplesThatDoNotFitTheShapeNameThePartition() {
        List<Sample> data = samples(20);
        Exception e = assertThrows(Exception.class, () -> trainer(SGD_MOMENTUM).sampleShape(7).build()
                .fit(jsc.parallelize(data, 2)));
        assertTrue(java.util.regex.Pattern.compile("partition [01]: samples have 6 features, but the sample shape \\[7\\]"
                + " needs 7").matcher(String.valueOf(e.getMessage())).find(), e.getMessage());
    }

    @Test
    void streamedPartitionsInSourceOrderEqualTheLocalLoopAndAShuffleBufferStillLearns() {
        List<Sample> data = samples(90);
        TrainingResult r = trainer(SGD_MOMENTUM).replicas(1).streaming(0).build().fit(jsc.parallelize(data, 1));
        Module local = net();
        Optimizer opt = SGD_MOMENTUM.create(local.parameters());
        PartitionData d = PartitionData.of(data, 0);
        Tensor x = Tensor.fromArray(d.features()).reshape(d.size(), 6);
        Tensor y = Tensor.fromArray(d.labels());
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int from = 0; from < d.size(); from += 16) {
                int n = Math.min(16, d.size() - from);
                opt.zeroGrad();
                F.crossEntropy(local.call(x.narrow(0, from, n)), y.narrow(0, from, n)).backward();
                opt.step();
            }
        }
        assertTrue(maxDiff(r.model(), local) <= 1e-6, "max |Δ| " + maxDiff(r.model(), local));

        TrainingResult shuffled = trainer(SGD_MOMENTUM).streaming(32).epochs(3).swa(2, 0.05, 1).build()
                .fit(jsc.parallelize(samples(150), 2));
        RoundMetrics last = shuffled.metrics().get(shuffled.metrics().size() - 1);
        assertTrue(last.accuracy() > 0.8, "training accuracy " + last.accuracy());
        assertNotNull(shuffled.swaModel());
        List<Sample> ten = samples(10);
        List<Integer> first = shuffleOrder(ten, 0);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), first.stream().sorted().toList(), "every sample once");
        assertTrue(!first.equals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)), "the buffer reorders");
        assertEquals(first, shuffleOrder(ten, 0), "seeded by (seed, epoch, partition)");
        assertTrue(!first.equals(shuffleOrder(ten, 1)), "another epoch, another order");
    }

    private static List<Integer> shuffleOrder(List<Sample> data, int epoch) {
        List<Integer> order = new ArrayList<>();
        StreamedPartition.shuffled(data.iterator(), 7, epoch, 0, 4).forEachRemaining(x -> order.add(data.indexOf(x)));
        return order;
    }

    /** What the Spark UI lists for a run's jobs: each job labelled by its part in the run. */
    @Test
    void everyJobOfARunNamesItsRoundEpochOrPurposeAndTheCallersDescriptionReturns() throws Exception {
        List<String> descriptions = new CopyOnWriteArrayList<>();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                descriptions.add(String.valueOf(start.properties().getProperty(DistributedTrainer.JOB_DESCRIPTION)));
            }
        };
        spark.sparkContext().addSparkListener(listener);
        jsc.setJobDescription("my notebook cell");
        DistributedTrainer.builder().model(DistributedTrainerTest::net).loss(F::crossEntropy)
                .optimizer(SGD_MOMENTUM).batchSize(16).epochs(2).stepsPerRound(3).seed(7)
                .sampleShape(6).progress(false).replicas(2).validationSplit(0.25).swa(1, 0.05, 1).build()
                .fit(jsc.parallelize(samples(96), 2));
        jsc.parallelize(List.of(1)).count();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!descriptions.contains("my notebook cell") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(descriptions.contains("ignis: dealing the data to 2 replica(s)"), descriptions.toString());
        List<String> rounds = descriptions.stream().filter(d -> d.startsWith("ignis round ")).toList();
        assertTrue(rounds.size() >= 2, descriptions.toString());
        assertTrue(rounds.get(0).matches("ignis round 1/(\\d+), epoch 1/2"), rounds.toString());
        int total = rounds.size();
        assertEquals("ignis round " + total + "/" + total + ", epoch 2/2", rounds.get(total - 1), rounds.toString());
        assertTrue(descriptions.contains("ignis validation, epoch 2/2"), descriptions.toString());
        assertTrue(descriptions.contains("ignis: the SWA model's BatchNorm statistics over every replica's data"),
                descriptions.toString());
        assertEquals("my notebook cell", descriptions.get(descriptions.size() - 1), descriptions.toString());
        spark.sparkContext().removeSparkListener(listener);
        jsc.setJobDescription(null);
    }
}
