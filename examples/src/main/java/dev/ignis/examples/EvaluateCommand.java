package dev.ignis.examples;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.nn.Module;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ignis evaluate}: a model that {@code ignis train --save} wrote, run over the Fashion-MNIST
 * test set: the per-class precision, recall, F1 and support, the confusion matrix, and one line
 * {@code ignis evaluate model=K test_acc=A test_loss=L samples=N}. The architecture comes from the
 * file's metadata ({@link SavedModel}), so only the file is needed.
 */
@Command(name = "evaluate", description = "Evaluate a model saved by 'ignis train --save' on the Fashion-MNIST test"
        + " set: accuracy, per-class precision and recall, confusion matrix.")
final class EvaluateCommand implements Runnable {
    @Option(names = "--model-file", required = true, description = "the file 'ignis train --save' wrote"
            + " (safetensors with the architecture in its metadata; any Hadoop path)")
    String modelFile;

    @Mixin
    FashionOptions options;

    @Override
    public void run() {
        options.validate();
        IntraOpPool.setThreads(options.threads);
        SavedModel saved = SavedModel.read(modelFile, !options.noFuse, options.command, "--model-file");
        Module net = saved.model();
        String kind = saved.kind();
        FashionMnist ds = FashionMnist.load(options.dataDir());
        ClassificationReport report = new ClassificationReport(saved.classes());
        int m = ds.testX().size(0);
        double loss = ds.overTestSet(net, dev.ignis.tensor.Device.CPU, options.batch,
                (logits, y) -> report.add(y.toLongArray(), logits.argmax(1, false).toLongArray()));
        System.out.printf("model %s (%s) on %s: %d test images%n", modelFile, kind, options.dataDir(), m);
        System.out.print(report.table());
        System.out.printf("ignis evaluate model=%s test_acc=%.4f test_loss=%.4f samples=%d%n", kind, report.accuracy(),
                loss, m);
    }
}
