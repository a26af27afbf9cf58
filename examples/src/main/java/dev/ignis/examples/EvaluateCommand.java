package dev.ignis.examples;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.nn.Module;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ignis evaluate}: a model that {@code ignis train --output} wrote, run over a Fashion-MNIST
 * style test set (IDX files), normalised as the model was trained: the per-class precision,
 * recall, F1 and support, the confusion matrix, and one line {@code ignis evaluate model=DIR
 * test_acc=A test_loss=L samples=N}. The architecture comes from the model directory
 * ({@link SavedModel}), so only the directory is needed.
 */
@Command(name = "evaluate", description = "Evaluate a model saved by 'ignis train --output' on the Fashion-MNIST"
        + " test set: accuracy, per-class precision and recall, confusion matrix.")
final class EvaluateCommand implements Runnable {
    @Option(names = "--model", defaultValue = "${sys:ignis.model}", description = "the model directory 'ignis train"
            + " --output DIR' wrote, DIR/model: model.json and model.safetensors; any Hadoop path (default: bin/ignis"
            + " train's, ${DEFAULT-VALUE})")
    String modelDir;

    @Mixin
    FashionOptions options;

    @Override
    public void run() {
        options.validate();
        IntraOpPool.setThreads(options.threads);
        SavedModel saved = SavedModel.read(modelDir, !options.noFuse, options.command, "--model");
        if (!java.util.Arrays.equals(saved.inputShape(), new int[] {1, 28, 28})) {
            throw new picocli.CommandLine.ParameterException(options.command.commandLine(), "--model " + modelDir
                    + " takes samples of shape " + java.util.Arrays.toString(saved.inputShape())
                    + ", not Fashion-MNIST's [1, 28, 28]");
        }
        Module net = saved.model();
        FashionMnist ds = FashionMnist.load(options.dataDir(), (float) saved.mean()[0], (float) saved.std()[0]);
        ClassificationReport report = new ClassificationReport(saved.classes());
        int m = ds.testX().size(0);
        double loss = ds.overTestSet(net, dev.ignis.tensor.Device.CPU, options.batch,
                (logits, y) -> report.add(y.toLongArray(), logits.argmax(1, false).toLongArray()));
        System.out.printf("model %s on %s: %d test images%n", modelDir, options.dataDir(), m);
        System.out.print(report.table());
        System.out.printf("ignis evaluate model=%s test_acc=%.4f test_loss=%.4f samples=%d%n", modelDir, report.accuracy(),
                loss, m);
    }
}
