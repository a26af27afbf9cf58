package dev.ignis.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Code that a documentation page shows and a compiled or executed source holds: the source marks
 * each piece with a {@code // MARKER:name} line before it and {@code // MARKER:end} after it, and the
 * page must show the piece, de-indented, as a fenced block — so the page cannot drift from code the
 * tests run.
 */
final class DocSnippets {
    /** The repository root (tests run in the module's directory). */
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private DocSnippets() {
    }

    /** The de-indented pieces of {@code file} between {@code // marker:...} and {@code // marker:end}, in order. */
    static List<String> marked(Path file, String marker) throws IOException {
        Matcher m = Pattern.compile("// " + marker + ":\\w+\\n(.*?)\\n\\s*// " + marker + ":end", Pattern.DOTALL)
                .matcher(Files.readString(file));
        List<String> pieces = new ArrayList<>();
        while (m.find()) {
            pieces.add(m.group(1).stripIndent().stripTrailing());
        }
        return pieces;
    }

    /** Fails unless {@code page} (relative to the root) shows {@code piece} verbatim as a {@code language} block. */
    static void assertShown(String page, String language, String piece) throws IOException {
        String text = Files.readString(ROOT.resolve(page));
        assertTrue(text.contains("```" + language + "\n" + piece + "\n```"),
                page + " must show this code from the sources verbatim:\n" + piece);
    }
}
