package dev.ignis.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.tensor.DType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import org.junit.jupiter.api.Test;

class FunctionTest {

    /** y = x³ with the derivative written by hand. */
    static class Cube extends Function {
        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            ctx.saveForBackward(in[0]);
            return new Tensor[] {in[0].pow(3)};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... gradOut) {
            Tensor x = ctx.savedTensors()[0];
            return new Tensor[] {gradOut[0].mul(x.pow(2)).mul(3)};
        }
    }

    /** (a·b, a + 2b) and the argmax of a·b (not differentiable); scale kept in the context. */
    static final class ProductAndSum extends Function {
        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            ctx.saveForBackward(in[0], in[1]);
            ctx.put("scale", 2.0);
            Tensor product = in[0].mul(in[1]);
            Tensor index = product.argmax(0, false);
            ctx.markNonDifferentiable(index);
            return new Tensor[] {product, in[0].add(in[1].mul(2.0)), index};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... g) {
            Tensor[] s = ctx.savedTensors();
            double scale = ctx.get("scale");
            Tensor ga = ctx.needsInputGrad(0) ? g[0].mul(s[1]).add(g[1]) : null;
            Tensor gb = ctx.needsInputGrad(1) ? g[0].mul(s[0]).add(g[1].mul(scale)) : null;
            return new Tensor[] {ga, gb};
        }
    }

    private static Tensor leaf(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape).to(DType.FLOAT64).requiresGrad(true);
    }

    @Test
    void gradcheckPassesForAUserFunctionComposedWithBuiltInOps() {
        Tensor x = leaf(1, 3, 2);
        GradCheck.check(in -> new Cube().apply(in[0].mul(2.0)).sum(1, false).exp(), x);
        Tensor y = new Cube().apply(x);
        assertEquals("CubeBackward", y.gradFn().name());
    }

    @Test
    void gradcheckPassesForEveryOutputOfAMultiOutputFunction() {
        Tensor a = leaf(2, 4);
        Tensor b = leaf(3, 4);
        GradCheck.check(in -> new ProductAndSum().applyAll(in)[0], a, b);
        GradCheck.check(in -> new ProductAndSum().applyAll(in)[1], a, b);
        GradCheck.check(in -> {
            Tensor[] out = new ProductAndSum().applyAll(in);
            return out[0].mul(out[1]);
        }, a, b);
        Tensor[] out = new ProductAndSum().applyAll(a, b);
        assertFalse(out[2].requiresGrad(), "the marked output has no grad_fn");
        assertEquals(DType.INT64, out[2].dtype());
    }

    @Test
    void withoutGradOrWithoutGradInputsNothingIsRecorded() {
        Tensor x = Tensor.randn(new Generator(4), 3);
        assertFalse(new Cube().apply(x).requiresGrad());
        Tensor w = leaf(5, 3);
        try (var ignored = GradMode.noGrad()) {
            assertFalse(new Cube().apply(w).requiresGrad());
        }
    }

    @Test
    void onlyInputsThatNeedGradGetOne() {
        Tensor a = leaf(6, 4);
        Tensor b = Tensor.randn(new Generator(7), 4).to(DType.FLOAT64);
        new ProductAndSum().applyAll(a, b)[0].sum().backward();
        assertArrayEquals(b.toDoubleArray(), a.grad().toDoubleArray(), 1e-12);
        assertNull(b.grad());
    }

    @Test
    void savedTensorsAreCheckedForInPlaceChanges() {
        Tensor x = leaf(8, 3);
        Tensor h = x.mul(1.0);
        Tensor y = new Cube().apply(h);
        try (var ignored = GradMode.noGrad()) {
            h.add_(Tensor.ones(3).to(DType.FLOAT64));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().startsWith("one of the variables needed for gradient computation has been modified by an"
                + " inplace operation"), e.getMessage());
    }

    @Test
    void wrongGradientsFromBackwardAreReportedLikePyTorch() {
        Function tooFew = new Function() {
            @Override
            protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
                return new Tensor[] {in[0].add(in[1])};
            }

            @Override
            protected Tensor[] backward(FunctionContext ctx, Tensor... g) {
                return new Tensor[] {g[0]};
            }

            @Override
            protected String name() {
                return "TooFewBackward";
            }
        };
        Tensor a = leaf(9, 2);
        Tensor b = leaf(10, 2);
        assertEquals("function TooFewBackward returned an incorrect number of gradients (expected 2, got 1)",
                assertThrows(IllegalStateException.class, () -> tooFew.apply(a, b).sum().backward()).getMessage());
        Function wrongShape = new Cube() {
            @Override
            protected Tensor[] backward(FunctionContext ctx, Tensor... g) {
                return new Tensor[] {g[0].sum()};
            }
        };
        assertTrue(assertThrows(IllegalStateException.class, () -> wrongShape.apply(a).sum().backward()).getMessage()
                .contains("returned an invalid gradient at index 0 - got [] but expected shape compatible with [2]"));
    }

    @Test
    void anInputReturnedAsIsBecomesANewOutput() {
        Function identity = new Function() {
            @Override
            protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
                return in;
            }

            @Override
            protected Tensor[] backward(FunctionContext ctx, Tensor... g) {
                return g;
            }
        };
        Tensor x = leaf(11, 2);
        Tensor y = identity.apply(x);
        assertFalse(y == x);
        y.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {3, 3}, x.grad().toDoubleArray(), 0);
    }
}
