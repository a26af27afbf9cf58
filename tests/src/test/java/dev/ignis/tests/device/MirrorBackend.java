package dev.ignis.tests.device;

import dev.ignis.backend.Availability;
import dev.ignis.backend.Backend;
import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.CounterRandom;
import dev.ignis.backend.ReduceOp;
import dev.ignis.backend.Storage;
import dev.ignis.backend.UnaryOp;
import dev.ignis.backend.View;
import dev.ignis.backend.cpu.CpuBackend;
import dev.ignis.backend.cpu.CpuOptions;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import dev.ignis.tensor.DeviceType;

/**
 * A second device for tests, {@code mirror:0}: its memory is host memory owned by a CPU backend
 * and its primitives are that backend's, but it is a device of its own type that registers no
 * kernels. So it is what a new accelerator looks like on the day it implements the primitives:
 * every kernel family runs its reference on it, tensors move to and from it with {@code to}, and
 * mixing it with the CPU in one op is an error. Found by ServiceLoader in the tests module, ranked
 * below the CPU so it is never the default.
 */
public final class MirrorBackend implements Backend {
    public static final DeviceType TYPE = DeviceType.of("mirror");
    public static final Device DEVICE = new Device(TYPE, 0);

    private final CpuBackend host = new CpuBackend(CpuOptions.javaOnly());

    /** A mirror storage: the host storage that holds its elements. */
    private final class MirrorStorage extends Storage {
        final Storage inner;

        MirrorStorage(Storage inner) {
            super(inner.dtype(), inner.size());
            this.inner = inner;
        }

        @Override
        public Backend backend() {
            return MirrorBackend.this;
        }

        @Override
        public Device device() {
            return DEVICE;
        }
    }

    /** The same window onto the host storage underneath (null stays null). */
    private static View host(View v) {
        if (v == null) {
            return null;
        }
        if (!(v.storage() instanceof MirrorStorage m)) {
            throw new IllegalStateException("mirror: operand " + v + " is not on the mirror device");
        }
        return new View(m.inner, v.shape(), v.strides(), v.offset());
    }

    @Override
    public String name() {
        return "mirror";
    }

    @Override
    public DeviceType deviceType() {
        return TYPE;
    }

    @Override
    public int rank() {
        return -10;
    }

    @Override
    public Availability probe() {
        return Availability.yes("test device: host memory, CPU primitives, no kernels of its own");
    }

    @Override
    public Storage allocate(DType dtype, int size, Device device) {
        return new MirrorStorage(host.allocate(dtype, size, Device.CPU));
    }

    @Override
    public Storage fromJavaArray(Object array, DType dtype, Device device) {
        return new MirrorStorage(host.fromJavaArray(array, dtype, Device.CPU));
    }

    @Override
    public Object toJavaArray(View view) {
        return host.toJavaArray(host(view));
    }

    @Override
    public void copy(View src, View dst) {
        host.copy(host(src), host(dst));
    }

    @Override
    public void fill(View dst, double value) {
        host.fill(host(dst), value);
    }

    @Override
    public void unary(UnaryOp op, View x, double p, double q, View out) {
        host.unary(op, host(x), p, q, host(out));
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) {
        host.binary(op, host(a), host(b), host(out));
    }

    @Override
    public void axpy(double alpha, View x, View y) {
        host.axpy(alpha, host(x), host(y));
    }

    @Override
    public void axpby(double alpha, View x, double beta, View y) {
        host.axpby(alpha, host(x), beta, host(y));
    }

    @Override
    public void where(View cond, View a, View b, View out) {
        host.where(host(cond), host(a), host(b), host(out));
    }

    @Override
    public void reduceRows(ReduceOp op, View x, View out, View indices) {
        host.reduceRows(op, host(x), host(out), host(indices));
    }

    @Override
    public void bmm(View a, View b, View out) {
        host.bmm(host(a), host(b), host(out));
    }

    @Override
    public void gather(View x, int dim, View index, View out) {
        host.gather(host(x), dim, host(index), host(out));
    }

    @Override
    public void indexSelect(View x, int dim, long[] index, View out) {
        host.indexSelect(host(x), dim, index, host(out));
    }

    @Override
    public void indexAdd(View target, int dim, long[] index, View src) {
        host.indexAdd(host(target), dim, index, host(src));
    }

    @Override
    public void scatterAdd(View target, int dim, View index, View src) {
        host.scatterAdd(host(target), dim, host(index), host(src));
    }

    @Override
    public void fillRandom(View dst, CounterRandom.Distribution distribution, long seed) {
        host.fillRandom(host(dst), distribution, seed);
    }
}
