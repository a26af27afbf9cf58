package dev.ignis.backend;

import dev.ignis.backend.Storage;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;


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
    public DeviceType deviceType() {
        return DeviceType.of("testdev");
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
    public Object toJavaArray(View view) {
        throw never();
    }

    @Override
    public void copy(View src, View dst) {
        throw never();
    }

    @Override
    public void fill(View dst, double value) {
        throw never();
    }

    @Override
    public void unary(UnaryOp op, View x, double p, double q, View out) {
        throw never();
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) {
        throw never();
    }

    @Override
    public void axpy(double alpha, View x, View y) {
        throw never();
    }

    @Override
    public void where(View cond, View a, View b, View out) {
        throw never();
    }

    @Override
    public void reduceRows(ReduceOp op, View x, View out, View indices) {
        throw never();
    }

    @Override
    public void bmm(View a, View bm, View out) {
        throw never();
    }

    @Override
    public void gather(View x, int dim, View index, View out) {
        throw never();
    }

    @Override
    public void indexSelect(View x, int dim, long[] index, View out) {
        throw never();
    }

    @Override
    public void indexAdd(View target, int dim, long[] index, View src) {
        throw never();
    }

    @Override
    public void scatterAdd(View target, int dim, View index, View src) {
        throw never();
    }

    @Override
    public void fillRandom(View dst, CounterRandom.Distribution distribution, long seed) {
        throw new UnsupportedOperationException();
    }
}
