package dev.ignis.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.autograd.GradCheck;
import dev.ignis.examples.customop.MyAddLayer;
import dev.ignis.examples.customop.MyAddOp;
import dev.ignis.ops.OpRegistry;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The "Add your own op" walkthrough (docs/extending.md): the op works, and the page shows the code that is compiled. */
class CustomOpWalkthroughTest {

    @Test
    void myAddIsFoundByServiceLoaderComputesTwoXPlusYAndPassesGradcheck() {
        assertTrue(OpRegistry.global().contains(MyAddOp.NAME));
        Tensor z = MyAddOp.myAdd(Tensor.fromArray(new float[] {1, 2}), Tensor.fromArray(new float[] {10, 20}));
        assertArrayEquals(new float[] {12, 24}, z.toFloatArray());
        Tensor a = Tensor.randn(new Generator(3), 2, 3).to(DType.FLOAT64).requiresGrad(true);
        Tensor b = Tensor.randn(new Generator(4), 2, 3).to(DType.FLOAT64).requiresGrad(true);
        GradCheck.check(in -> MyAddOp.myAdd(in[0], in[1]).exp(), a, b);
        assertEquals("myops::my_add: y must have the shape of x, [2, 3], got [3]", assertThrows(
                IllegalArgumentException.class, () -> MyAddOp.myAdd(a, Tensor.zeros(3))).getMessage());
    }

    @Test
    void theLayerOnTheOpTrains() {
        MyAddLayer layer = new MyAddLayer(3);
        layer.call(Tensor.randn(new Generator(5), 2, 3)).sum().backward();
        Tensor g = layer.namedParameters().get("linear.weight").grad();
        assertFalse(g == null);
        assertArrayEquals(new int[] {3, 3}, g.shape());
    }

    @Test
    void theExtendingPageShowsTheCompiledWalkthroughCode() throws IOException {
        Path sources = DocSnippets.ROOT.resolve("examples/src/main/java/dev/ignis/examples");
        List<String> snippets = new ArrayList<>();
        for (Path file : List.of(sources.resolve("customop/MyAddOp.java"), sources.resolve("customop/MyAddLayer.java"),
                sources.resolve("MyAddExample.java"))) {
            snippets.addAll(DocSnippets.marked(file, "walkthrough"));
        }
        assertEquals(4, snippets.size(), "walkthrough snippets found in the sources");
        for (String snippet : snippets) {
            DocSnippets.assertShown("docs/extending.md", "java", snippet);
        }
    }
}
