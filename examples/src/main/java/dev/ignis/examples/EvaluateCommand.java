package dev.ignis.examples;

import dev.ignis.autograd.GradMode;
import dev.ignis.backend.IntraOpPool;
import dev.ignis.nn.Fusion;
import dev.ignis.nn.Module;
import dev.ignis.nn.Safetensors;
import dev.ignis.tensor.Tensor;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code ignis evaluate}: a model that {@code ignis train --save} wrote, run over the Fashion-MNIST
 * test set: the per-class precision, recall, F1 and support, the confusion matrix, and one line
 * {@code ignis evaluate model=K test_acc=A test_loss=L samples=N}. The architecture comes from the
 * file's metadata ({@link TrainCommand#MODEL_KEY}), so only the file is needed.
 */
@Command(name = "evaluate", description = "Evaluate a model saved by 'ignis train --save' on the Fashion-MNIST test"
        + " set: accuracy, per-class precision and recall, confusion matrix.")
final class EvaluateCommand implements Runnable {
    @Option(names = "--model-file", required = true, description = "the file 'ignis train --save' wrote"
            + " (safetensors with the architecture in its metadata; any Hadoop path)")
    String modelFile;

    @Mixin
    FashionOptions options;

    /**
     * The architecture {@code file}'s metadata names.
     *
     * @throws ParameterException when it names none, or one this command does not know
     */
    private String kind(String file, Configuration conf) {
        String kind = Safetensors.metadata(file, conf).get(TrainCommand.MODEL_KEY);
        if (kind == null || !FashionModels.KINDS.contains(kind)) {
            throw new ParameterException(options.command.commandLine(), "--model-file " + file + ": its metadata "
                    + (kind == null ? "names no model (" + TrainCommand.MODEL_KEY + "); was it written by 'ignis"
                    + " train --save'?" : "names model '" + kind + "', not one of " + String.join(", ",
                    FashionModels.KINDS)));
        }
        return kind;
    }

    @Override
    public void run() {
        options.validate();
        IntraOpPool.setThreads(options.threads);
        Configuration conf = new Configuration();
        String kind = kind(modelFile, conf);
        Module net = FashionModels.create(kind);
        net.loadStateDict(Safetensors.load(modelFile, conf), true);
        if (!options.noFuse) {
            Fusion.fuse(net);
        }
        FashionMnist ds = FashionMnist.load(options.dataDir());
        ClassificationReport report = new ClassificationReport(FashionMnist.CLASSES);
        double lossSum = 0;
        int m = ds.testX().size(0);
        net.eval();
        try (var ignored = GradMode.noGrad()) {
            for (int i = 0; i < m; i += options.batch) {
                int len = Math.min(options.batch, m - i);
                Tensor logits = net.call(ds.testX().narrow(0, i, len));
                Tensor y = ds.testY().narrow(0, i, len);
                lossSum += dev.ignis.nn.F.crossEntropy(logits, y).item() * len;
                report.add(y.toLongArray(), logits.argmax(1, false).toLongArray());
            }
        }
        System.out.printf("model %s (%s) on %s: %d test images%n", modelFile, kind, options.dataDir(), m);
        System.out.print(report.table());
        System.out.printf("ignis evaluate model=%s test_acc=%.4f test_loss=%.4f samples=%d%n", kind, report.accuracy(),
                lossSum / m, m);
    }
}
