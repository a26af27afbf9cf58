package dev.ignis.backend;

import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.Storage;
import dev.ignis.tensor.Tensor;

/**
 * A backend that is never available (registered for tests only), standing in for an accelerator
 * whose driver is missing: discovery must list it, skip it with its reason, and refuse it when
 * requested explicitly. Its kernels are never reached.
 */
public final class UnavailableTestBackend implements Backend {
    @Override
    public String name() {
        return "unavailable-test";
    }

    @Override
    public String deviceType() {
        return "testdev";
    }

    @Override
    public int rank() {
        return 100;
    }

    @Override
    public Availability probe() {
        return Availability.no("test double: no such device");
    }

    private static UnsupportedOperationException never() {
        return new UnsupportedOperationException("unavailable-test backend runs no kernels");
    }

    @Override
    public Storage allocate(DType dtype, int size, Device device) {
        throw never();
    }

    @Override
    public Storage fromJavaArray(Object array, DType dtype, Device device) {
        throw never();
    }

    @Override
    public Object toJavaArray(Tensor view) {
        throw never();
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        throw never();
    }

    @Override
    public void fill(Tensor dst, double value) {
        throw never();
    }

    @Override
    public void unary(UnaryOp op, Tensor x, double p, double q, Tensor out) {
        throw never();
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        throw never();
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        throw never();
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        throw never();
    }

    @Override
    public void reduceRows(ReduceOp op, Tensor x, Tensor out, Tensor indices) {
        throw never();
    }

    @Override
    public void bmm(Tensor a, Tensor bm, Tensor out) {
        throw never();
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        throw never();
    }

    @Override
    public void indexSelect(Tensor x, int dim, long[] index, Tensor out) {
        throw never();
    }

    @Override
    public void indexAdd(Tensor target, int dim, long[] index, Tensor src) {
        throw never();
    }

    @Override
    public void scatterAdd(Tensor target, int dim, Tensor index, Tensor src) {
        throw never();
    }
}
