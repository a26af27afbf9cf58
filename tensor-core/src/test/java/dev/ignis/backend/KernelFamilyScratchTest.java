package dev.ignis.backend;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ignis.tensor.DType;
import dev.ignis.tensor.Device;
import org.junit.jupiter.api.Test;

/**
 * A family's reference runs in a scope of its own: the scratch storages it makes are released when
 * it returns (or throws), its caller's storages are not, and what it throws reaches the caller as
 * it was thrown.
 */
class KernelFamilyScratchTest {
    /** A kernel that makes one scratch storage and writes its output. */
    @FunctionalInterface
    public interface Scratchy {
        void run(Backend device, Storage out, Storage[] scratch);
    }

    private static final Backend CPU = Backends.forDevice(Device.CPU);

    private static Storage scratch(Backend device) {
        Storage s = device.allocate(DType.FLOAT32, 4, Device.CPU);
        StorageScope.adopt(s);
        return s;
    }

    @Test
    void aReferencesScratchIsReleasedWhenItReturnsAndItsOutputIsNot() {
        KernelFamily<Scratchy> family = KernelFamily.of("scratchy", Scratchy.class,
                (device, out, made) -> made[0] = scratch(device));
        Storage[] made = new Storage[1];
        try (StorageScope caller = StorageScope.open()) {
            Storage out = CPU.allocate(DType.FLOAT32, 4, Device.CPU);
            StorageScope.adopt(out);
            family.reference().run(CPU, out, made);
            assertTrue(made[0].isReleased(), "the scratch storage went back when the reference returned");
            assertFalse(out.isReleased(), "the output belongs to the caller's scope");
        }
    }

    @Test
    void whatAReferenceThrowsReachesTheCallerAsThrownAndItsScratchIsReleased() {
        IllegalArgumentException thrown = new IllegalArgumentException("bad operand");
        Storage[] made = new Storage[1];
        KernelFamily<Scratchy> family = KernelFamily.of("throwing", Scratchy.class, (device, out, m) -> {
            m[0] = scratch(device);
            throw thrown;
        });
        assertSame(thrown, assertThrows(IllegalArgumentException.class,
                () -> family.reference().run(CPU, null, made)));
        assertTrue(made[0].isReleased());
    }
}
