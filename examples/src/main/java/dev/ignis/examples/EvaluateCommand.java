package dev.ignis.examples;

import dev.ignis.backend.IntraOpPool;
import dev.ignis.nn.Module;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code ignis evaluate}: a model that {@code ignis train --output} wrote, run over a test set —
 * the t10k pair of a Fashion-MNIST style IDX directory, or an image folder (a folder per class, as
 * torchvision's ImageFolder reads it, on any Hadoop path) — normalised as the model was trained:
 * the per-class precision, recall, F1 and support, the confusion matrix, and one line
 * {@code ignis evaluate model=DIR test_acc=A test_loss=L samples=N}. The architecture comes from the
 * model directory ({@link SavedModel}), so only the directory is needed.
 */
@Command(name = "evaluate", description = "Evaluate a model saved by 'ignis train --output' on a test set (IDX"
        + " files or an image folder): accuracy, per-class precision and recall, confusion matrix.")
final class EvaluateCommand implements Runnable {
    @Option(names = "--model", defaultValue = "${sys:ignis.model}", description = "the model directory 'ignis train"
            + " --output DIR' wrote, DIR/model: model.json and model.safetensors; any Hadoop path (default: bin/ignis"
            + " train's, ${DEFAULT-VALUE})")
    String modelDir;

    @Option(names = "--format", defaultValue = "idx", description = "idx (the t10k images and labels of --data) or"
            + " image-folder (--data holds a folder of images per class; any Hadoop path) (default ${DEFAULT-VALUE})")
    String format;

    @Mixin
    FashionOptions options;

    @Override
    public void run() {
        IntraOpPool.setThreads(options.threads);
        if (format.equals("image-folder")) {
            options.validateCounts();
            if (options.data == null) {
                throw new ParameterException(options.command.commandLine(), "--format image-folder needs --data,"
                        + " the folder that holds a folder of images per class");
            }
            SavedModel saved = SavedModel.read(modelDir, !options.noFuse, options.command, "--model");
            ImageFolderEvaluation.run(saved, options.data, options.batch, modelDir, options.command);
            return;
        }
        if (!format.equals("idx")) {
            throw new ParameterException(options.command.commandLine(), "--format: expected idx or image-folder, got '"
                    + format + "'");
        }
        options.validate();
        SavedModel saved = SavedModel.read(modelDir, !options.noFuse, options.command, "--model");
        if (!java.util.Arrays.equals(saved.inputShape(), new int[] {1, 28, 28})) {
            throw new ParameterException(options.command.commandLine(), "--model " + modelDir
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
        report.print(modelDir, loss);
    }
}
