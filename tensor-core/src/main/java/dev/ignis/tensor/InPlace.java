package dev.ignis.tensor;

import dev.ignis.autograd.GradMode;
import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.UnaryOp;

/**
 * In-place ops (optimizer math, buffer updates). They write through the view into shared storage
 * and bump its version counter, so a backward that saved this storage detects the change. While
 * recording, in-place ops on tensors that require grad are refused: Ignis does not rewrite the
 * graph around them.
 */
final class InPlace {
    private InPlace() {
    }

    private static void checkWritable(String op, Tensor self, Tensor other) {
        if (GradMode.isEnabled() && (self.requiresGrad() || (other != null && other.requiresGrad()))) {
            if (self.isLeaf() && self.requiresGrad()) {
                throw new IllegalStateException(op + ": a leaf Variable that requires grad is being used in an in-place"
                        + " operation. Wrap the update in GradMode.noGrad().");
            }
            throw new IllegalStateException(op + ": in-place operations on tensors that take part in autograd are not"
                    + " supported while recording; use the out-of-place op or GradMode.noGrad()");
        }
    }

    /** Broadcasts {@code other} to self's shape (never the other way round). */
    private static Tensor broadcastTo(String op, Tensor self, Tensor other) {
        int[] shape = self.shape();
        int[] broadcast = Shape.broadcast(op, shape, other.shape());
        if (!java.util.Arrays.equals(broadcast, shape)) {
            throw new IllegalArgumentException(op + ": output with shape " + Shape.format(shape)
                    + " doesn't match the broadcast shape " + Shape.format(broadcast));
        }
        Pointwise.checkSameDevice(op, self, other);
        return Views.expandRaw(Pointwise.castRaw(other, self.dtype()), shape);
    }

    static Tensor binary(String op, BinaryOp kernel, Tensor self, Tensor other) {
        checkWritable(op, self, other);
        if (kernel == BinaryOp.DIV && !self.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": result type Float can't be cast to the desired output type "
                    + self.dtype());
        }
        Tensor o = broadcastTo(op, self, other);
        self.backend().binary(kernel, self.asView(), o.asView(), self.asView());
        self.storage().bumpVersion();
        return self;
    }

    /** self += alpha·other, rounded once. */
    static Tensor axpy(String op, Tensor self, Tensor other, double alpha) {
        checkWritable(op, self, other);
        Tensor o = broadcastTo(op, self, other);
        self.backend().axpy(alpha, o.asView(), self.asView());
        self.storage().bumpVersion();
        return self;
    }

    /** self ← beta·self + alpha·other in one pass. */
    static Tensor axpby(String op, Tensor self, double beta, Tensor other, double alpha) {
        checkWritable(op, self, other);
        Tensor o = broadcastTo(op, self, other);
        self.backend().axpby(alpha, o.asView(), beta, self.asView());
        self.storage().bumpVersion();
        return self;
    }

    static Tensor unary(String op, UnaryOp kernel, Tensor self, double p, double q) {
        checkWritable(op, self, null);
        self.backend().unary(kernel, self.asView(), p, q, self.asView());
        self.storage().bumpVersion();
        return self;
    }

    static Tensor copy(Tensor self, Tensor src) {
        checkWritable("copy_", self, src);
        Tensor s = src.device().equals(self.device()) ? src : src.detach().to(self.device());
        int[] shape = self.shape();
        int[] broadcast = Shape.broadcast("copy_", shape, s.shape());
        if (!java.util.Arrays.equals(broadcast, shape)) {
            throw new IllegalArgumentException("copy_: source of shape " + Shape.format(s.shape())
                    + " cannot be broadcast to destination of shape " + Shape.format(shape));
        }
        self.backend().copy(Views.expandRaw(s, shape).asView(), self.asView());
        self.storage().bumpVersion();
        return self;
    }

    static Tensor fill(Tensor self, double value) {
        checkWritable("fill_", self, null);
        self.backend().fill(self.asView(), value);
        self.storage().bumpVersion();
        return self;
    }
}
