package dev.ignis.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.nvptxcompiler.JNvPTXCompiler;
import jcuda.nvptxcompiler.nvPTXCompilerHandle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import dev.ignis.backend.BinaryOp;
import dev.ignis.backend.UnaryOp;

/**
 * The committed PTX assembles, without a GPU or a driver, with CUDA 12.6's ptxas (nvPTXCompiler,
 * inside JCuda's natives) for Turing (sm_75) and Hopper (sm_90): so a CUDA 12 driver's JIT takes
 * it; it holds every kernel the backend launches; and the kernels' op codes follow the enums.
 */
class CudaPtxTest {
    private static byte[] ptx() throws IOException {
        try (InputStream in = CudaDriver.class.getResourceAsStream("ignis_kernels.ptx")) {
            byte[] text = in.readAllBytes();
            return Arrays.copyOf(text, text.length + 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sm_75", "sm_90"})
    void thePtxAssemblesWithCuda12sPtxas(String arch) throws IOException {
        byte[] ptx = ptx();
        nvPTXCompilerHandle handle = new nvPTXCompilerHandle();
        assertEquals(0, JNvPTXCompiler.nvPTXCompilerCreate(handle, ptx.length - 1, ptx));
        try {
            int result = JNvPTXCompiler.nvPTXCompilerCompile(handle, 1, new String[] {"--gpu-name=" + arch});
            long[] size = {0};
            JNvPTXCompiler.nvPTXCompilerGetErrorLogSize(handle, size);
            byte[] log = new byte[(int) size[0] + 1];
            JNvPTXCompiler.nvPTXCompilerGetErrorLog(handle, log);
            assertEquals(0, result, "ptxas for " + arch + ": " + new String(log, StandardCharsets.UTF_8).trim());
            long[] binary = {0};
            JNvPTXCompiler.nvPTXCompilerGetCompiledProgramSize(handle, binary);
            assertNotEquals(0, binary[0]);
        } finally {
            JNvPTXCompiler.nvPTXCompilerDestroy(handle);
        }
    }

    @Test
    void thePtxHoldsEveryKernelAndTargetsAnIsaCuda12Reads() throws IOException {
        String text = new String(ptx(), StandardCharsets.US_ASCII);
        assertTrue(text.contains(".version 7.8"), "PTX ISA 7.8 (CUDA 12.0)");
        for (String kernel : List.of("ew_unary", "ew_binary", "ew_where", "ew_copy", "ew_fill", "ew_axpby",
                "reduce_rows", "bmm", "bmm_f32_tiled", "gather_scatter", "index_select_add", "fill_random")) {
            assertTrue(text.contains(".entry " + kernel + "("), kernel);
        }
    }

    /** The op names the kernel source's switch comments give, in case order. */
    private static List<String> opsInSource(String function) throws IOException {
        String source = Files.readString(Path.of("src/main/cuda/ignis_kernels.cu"));
        int start = source.indexOf("__device__ double " + function + "(");
        String body = source.substring(start, source.indexOf("\n}\n", start));
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(case \\d+|default):.*?// ([A-Z_]+)").matcher(body);
        while (m.find()) {
            names.add(m.group(2));
        }
        return names;
    }

    @Test
    void theUnaryOpCodesFollowTheEnum() throws IOException {
        List<String> names = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            names.add(op.name());
        }
        assertEquals(names, opsInSource("unaryOp"));
        assertEquals(17, BinaryOp.values().length, "binaryOp's switch has 16 cases and a default, in BinaryOp's order");
        assertEquals(List.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.POW, BinaryOp.MAXIMUM,
                BinaryOp.MINIMUM, BinaryOp.MASK_POSITIVE), Arrays.asList(BinaryOp.values()).subList(0, 8));
    }
}
