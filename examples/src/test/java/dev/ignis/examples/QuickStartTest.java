package dev.ignis.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.nn.Safetensors;
import dev.ignis.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java example: the page shows the code of {@link QuickStart}, which learns Fashion-MNIST. */
class QuickStartTest {

    @Test
    void theReadmeShowsTheQuickStartsCode() throws Exception {
        List<String> pieces = DocSnippets.marked(
                DocSnippets.ROOT.resolve("examples/src/main/java/dev/ignis/examples/QuickStart.java"), "readme");
        assertEquals(1, pieces.size());
        DocSnippets.assertShown("README.md", "java", pieces.get(0));
    }

    @Test
    void theQuickStartLearnsTheSubsetAndSavesItsWeights(@TempDir Path dir) {
        String weights = dir.resolve("quickstart.safetensors").toString();
        PrintStream previous = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status;
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            status = IgnisCli.commandLine().execute("example", "quickstart", "--data",
                    DocSnippets.ROOT.resolve(FashionMnist.SUBSET_DIR).toString(), "--output", weights);
        } finally {
            System.setOut(previous);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text);
        Matcher m = Pattern.compile("quickstart test_acc=([0-9.]+) samples=1000").matcher(text);
        assertTrue(m.find(), text);
        assertTrue(Double.parseDouble(m.group(1)) >= 0.80, "3 epochs on 4,000 images: " + m.group());
        Map<String, Tensor> saved = Safetensors.load(weights);
        assertEquals(java.util.Set.of("0.weight", "0.bias", "4.weight", "4.bias"), saved.keySet(),
                "the state dict under PyTorch's keys for Sequential(conv, relu, pool, flatten, linear)");
    }
}
