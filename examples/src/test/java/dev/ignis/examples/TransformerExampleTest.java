package dev.ignis.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.spark.cli.CliErrors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ignis example transformer} learns: its printed exact-sequence accuracy of greedy
 * decoding on held-out sequences reaches 0.95 (with fewer held-out sequences than the default, to
 * keep CI short).
 */
class TransformerExampleTest {

    @Test
    void theSeq2SeqTransformerReversesHeldOutSequencesExactly() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            code = IgnisCli.commandLine()
                    .execute("example", "transformer", "--test-size", "300");
        } finally {
            System.setOut(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertEquals(0, code, text);
        Matcher m = Pattern.compile("exact-sequence accuracy on 300 held-out sequences: ([0-9.]+)").matcher(text);
        assertTrue(m.find(), text);
        assertTrue(Double.parseDouble(m.group(1)) >= 0.95, "accuracy " + m.group(1));
    }
}
