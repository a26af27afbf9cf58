package dev.ignis.examples;

import dev.ignis.autograd.GradMode;
import dev.ignis.data.DataLoader;
import dev.ignis.data.vision.ImageFolder;
import dev.ignis.nn.F;
import dev.ignis.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code ignis evaluate --format image-folder}: a saved model over an image folder (a folder of
 * images per class, any Hadoop path), each image decoded, resized and normalised as
 * {@code ignis predict} does. The folder's classes are the model's by name where every folder is
 * named after one of the model's classes; otherwise, with as many folders as the model has classes,
 * by position in sorted order (torchvision's ImageFolder targets), which is printed.
 */
final class ImageFolderEvaluation {
    private ImageFolderEvaluation() {
    }

    static void run(SavedModel saved, String data, int batch, String modelDir, CommandSpec spec) {
        ImageFolder folder;
        try {
            folder = new ImageFolder(data, new ImageFolder.Options().mode(saved.imageMode())
                    .transform(saved.imageTransform()));
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "--data " + data + ": " + e.getMessage());
        }
        long[] toModel = classMapping(folder.classes(), saved.classes(), data, spec);
        ClassificationReport report = new ClassificationReport(saved.classes());
        double lossSum = 0;
        try (DataLoader<Object> loader = DataLoader.of(folder).batchSize(batch).build();
             var ignored = GradMode.noGrad()) {
            for (Object b : loader) {
                Object[] xy = (Object[]) b;
                long[] folderTargets = ((Tensor) xy[1]).toLongArray();
                long[] targets = new long[folderTargets.length];
                for (int i = 0; i < targets.length; i++) {
                    targets[i] = toModel[(int) folderTargets[i]];
                }
                Tensor logits = saved.model().call((Tensor) xy[0]);
                lossSum += F.crossEntropy(logits, Tensor.fromArray(targets)).item() * targets.length;
                report.add(targets, logits.argmax(1, false).toLongArray());
            }
        }
        System.out.printf("model %s on %s: %d images in %d class folders%n", modelDir, data, report.total(),
                folder.classes().size());
        report.print(modelDir, lossSum / report.total());
    }

    /**
     * For each of the folder's classes (sorted, as ImageFolder numbers them), the model's class
     * index: by name where every folder name is a model class, else by position when the counts agree.
     *
     * @throws ParameterException naming both lists when neither applies
     */
    static long[] classMapping(List<String> folders, List<String> model, String data, CommandSpec spec) {
        long[] out = new long[folders.size()];
        if (model.containsAll(folders)) {
            for (int i = 0; i < out.length; i++) {
                out[i] = model.indexOf(folders.get(i));
            }
            return out;
        }
        if (folders.size() != model.size()) {
            throw new ParameterException(spec.commandLine(), "--data " + data + ": its class folders " + folders
                    + " are neither the model's classes " + model + " by name nor as many of them");
        }
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            out[i] = i;
            pairs.add(folders.get(i) + " = " + model.get(i));
        }
        System.out.println("class folders are not named after the model's classes; taken in sorted order: "
                + String.join(", ", pairs));
        return out;
    }
}
