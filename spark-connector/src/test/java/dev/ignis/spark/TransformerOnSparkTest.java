package dev.ignis.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.nn.Embedding;
import dev.ignis.nn.F;
import dev.ignis.nn.Linear;
import dev.ignis.nn.Module;
import dev.ignis.nn.TransformerEncoder;
import dev.ignis.nn.TransformerEncoderLayer;
import dev.ignis.nn.TransformerLayerOptions;
import dev.ignis.optim.Adam;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Transformer trains on Spark like any Module: a token-sequence classifier (embedding,
 * Transformer encoder, mean over positions, linear head) fitted by {@link DistributedTrainer} on
 * a DataFrame of token arrays; with one partition the weights equal the local loop's.
 */
class TransformerOnSparkTest {
    private static final int LENGTH = 8;
    private static final int VOCAB = 6;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("ignis-transformer-on-spark-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Tokens [N, L] (carried as floats by the sample format) → class logits [N, 2]. */
    static final class TokenClassifier extends Module {
        private final Embedding embedding;
        private final TransformerEncoder encoder;
        private final Linear head;

        TokenClassifier() {
            Generator gen = new Generator(3);
            embedding = registerModule("embedding", new Embedding(VOCAB, 16, -1, gen));
            encoder = registerModule("encoder", new TransformerEncoder(new TransformerEncoderLayer(16, 2,
                    new TransformerLayerOptions().dimFeedforward(32).dropout(0).batchFirst(true).generator(gen)), 2));
            head = registerModule("head", new Linear(16, 2, true, gen));
        }

        @Override
        public Tensor forward(Tensor tokens) {
            Tensor x = embedding.call(tokens.to(DType.INT64));
            return head.call(encoder.call(x).mean(1, false));
        }
    }

    /** Label 1 when token 1 occurs more often than token 2. */
    static Dataset<Row> sequences(int n) {
        Generator g = new Generator(11);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] tokens = new double[LENGTH];
            int balance = 0;
            for (int j = 0; j < LENGTH; j++) {
                tokens[j] = g.nextLong(VOCAB);
                balance += tokens[j] == 1 ? 1 : tokens[j] == 2 ? -1 : 0;
            }
            rows.add(RowFactory.create(tokens, balance > 0 ? 1.0 : 0.0));
        }
        StructType schema = new StructType().add("tokens", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("label", DataTypes.DoubleType);
        return spark.createDataFrame(rows, schema).coalesce(1);
    }

    @Test
    void onePartitionEqualsTheLocalLoopAndTheLossFalls() {
        OptimizerFactory adam = p -> new Adam(p, new Adam.Options().lr(0.01));
        var samples = SparkDatasets.fromDataFrame(sequences(96), "tokens", "label");
        assertEquals(1, samples.getNumPartitions());
        TrainingResult r = DistributedTrainer.builder().model(TokenClassifier::new).loss(F::crossEntropy)
                .optimizer(adam).batchSize(16).epochs(2).stepsPerRound(3).seed(7).sampleShape(LENGTH).progress(false)
                .replicas(1).build().fit(samples);
        Module local = DistributedTrainerTest.localLoop(TokenClassifier::new, LENGTH, samples.collect(), adam, null, 2,
                16, 7);
        double diff = DistributedTrainerTest.maxDiff(r.model(), local);
        assertTrue(diff <= 1e-6, "max |Δ| between the Spark-trained and the local Transformer: " + diff);
        assertTrue(r.model().stateDict().containsKey("encoder.layers.1.self_attn.in_proj_weight"));
        double first = r.metrics().get(0).loss();
        double last = r.metrics().get(r.metrics().size() - 1).loss();
        assertTrue(last < first, "loss " + first + " -> " + last);
    }
}
