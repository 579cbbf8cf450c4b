package org.circuitbook.generator.training;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.circuitbook.widgets.weights.Json;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test (surefire's default pattern does not match the name): a rerunnable timing harness for the matrix
 * products the book's training steps are made of, in ND4J's two paths and in PyTorch, on this machine, one thread
 * each. Run it with {@code bench/gemm}. It explains where {@code bench/train}'s ratios come from on a given CPU:
 * <ul>
 *   <li>ND4J's {@code Mmul} op (SameDiff's "matmul", and {@link AttentionOnlyStep}'s products): a rank-2 product
 *       goes to oneDNN (the oneDNN build's platform helper), a batched rank-3 product to libnd4j's own loops;</li>
 *   <li>{@code INDArray.mmul}, which calls the bundled OpenBLAS (0.3.19) directly;</li>
 *   <li>PyTorch's {@code torch.matmul} ({@code interop/bench_gemm.py}: MKL or oneDNN, as PyTorch dispatches).</li>
 * </ul>
 * Each shape is timed in blocks for {@code bench.seconds} (default 1) per side; the median block's GFLOP/s counts.
 * It prints the table and writes it to {@code generator/target/bench/gemm.md}. It never fails on a time.
 */
class GemmBenchmark {
    static final double SECONDS = Double.parseDouble(System.getProperty("bench.seconds", "1"));

    /** [batch, m, k, n], batch 0 for a plain [m, k] x [k, n] product. */
    static final int[][] SHAPES = {
            {0, 1024, 1024, 1024},  // a reference size
            {0, 2048, 64, 192},     // attn-only-2l: every head's q, k, v from the residual stream (64 sequences x 32)
            {0, 2048, 192, 64},     // attn-only-2l: the residual stream's gradient from q, k, v's
            {0, 2048, 64, 64},      // attn-only-2l: W_O
            {0, 1044, 128, 512},    // modular-addition-p59: the MLP's W_in over the full batch
            {256, 32, 16, 32},      // attn-only-2l: scores, q k^T for each of 64 sequences x 4 heads
            {256, 32, 32, 16},      // attn-only-2l: the pattern times the values
            {16, 1024, 20, 5},      // superposition-20x5: x W^T for its 16 instances
    };

    @Test
    void gemm() throws Exception {
        Path root = TrainBenchmark.repositoryRoot();
        String python = System.getProperty("circuitbook.python", root.resolve(".venv/bin/python").toString());
        String load = TrainBenchmark.loadAverage();
        Path out = Files.createDirectories(root.resolve("generator/target/bench"));
        Path jobFile = out.resolve("gemm-job.json");
        List<Object> shapes = new ArrayList<>();
        for (int[] s : SHAPES) {
            shapes.add(List.of(s[0], s[1], s[2], s[3]));
        }
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("shapes", shapes);
        job.put("seconds", SECONDS);
        Files.writeString(jobFile, Json.write(job), StandardCharsets.UTF_8);

        double[] op = new double[SHAPES.length];
        double[] blas = new double[SHAPES.length];
        for (int i = 0; i < SHAPES.length; i++) {
            op[i] = nd4j(SHAPES[i], true);
            blas[i] = SHAPES[i][0] == 0 ? nd4j(SHAPES[i], false) : Double.NaN;
        }
        Map<?, ?> torch = TrainBenchmark.python(python, root, "interop/bench_gemm.py", jobFile);
        List<?> torchGflops = (List<?>) torch.get("gflops");

        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "matrix products, GFLOP/s (median block), one thread each; %s; PyTorch "
                + "%s; load average at the start %s%n%n", cpu(), torch.get("torch"), load));
        table.append("| product [batch] m x k x n | ND4J Mmul op | ND4J INDArray.mmul (OpenBLAS) | PyTorch matmul "
                + "| time, Mmul op / PyTorch |\n");
        table.append("|---|---|---|---|---|\n");
        for (int i = 0; i < SHAPES.length; i++) {
            int[] s = SHAPES[i];
            double t = ((Number) torchGflops.get(i)).doubleValue();
            table.append(String.format(Locale.ROOT, "| %s%d x %d x %d | %.1f | %s | %.1f | %.2fx |%n",
                    s[0] == 0 ? "" : "[" + s[0] + "] ", s[1], s[2], s[3], op[i],
                    Double.isNaN(blas[i]) ? "-" : String.format(Locale.ROOT, "%.1f", blas[i]), t, t / op[i]));
        }
        System.out.println(table);
        Files.writeString(out.resolve("gemm.md"), table.toString(), StandardCharsets.UTF_8);
    }

    /** The median block's GFLOP/s of one product shape, by the Mmul op ({@code op}) or INDArray.mmul. */
    private static double nd4j(int[] s, boolean op) {
        long[] aShape = s[0] == 0 ? new long[] {s[1], s[2]} : new long[] {s[0], s[1], s[2]};
        long[] bShape = s[0] == 0 ? new long[] {s[2], s[3]} : new long[] {s[0], s[2], s[3]};
        long[] cShape = s[0] == 0 ? new long[] {s[1], s[3]} : new long[] {s[0], s[1], s[3]};
        Nd4j.getRandom().setSeed(0);
        INDArray a = Nd4j.rand(DataType.FLOAT, aShape);
        INDArray b = Nd4j.rand(DataType.FLOAT, bShape);
        INDArray c = Nd4j.zeros(DataType.FLOAT, cShape);
        Mmul mmul = new Mmul(a, b, c, 1.0, 0.0, MMulTranspose.builder().build());
        Runnable product = op ? () -> Nd4j.exec(mmul) : () -> a.mmul(b, c);
        double flop = 2.0 * Math.max(s[0], 1) * s[1] * s[2] * s[3];
        int reps = (int) Math.max(1, 2e8 / flop);
        for (int i = 0; i < reps; i++) {
            product.run();
        }
        List<Double> blocks = new ArrayList<>();
        long end = System.nanoTime() + (long) (SECONDS * 1e9);
        while (System.nanoTime() < end || blocks.size() < 5) {
            long start = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                product.run();
            }
            blocks.add(flop * reps / (System.nanoTime() - start));
        }
        return TrainBenchmark.median(blocks.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The CPU's model name and its AVX-512 support, from /proc/cpuinfo where there is one. */
    private static String cpu() {
        try {
            String info = Files.readString(Path.of("/proc/cpuinfo"));
            String model = info.lines().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("an unnamed CPU");
            return model + (info.contains(" avx512f") ? " (AVX-512)" : info.contains(" avx2") ? " (AVX2)" : "");
        } catch (java.io.IOException e) {
            return System.getProperty("os.arch");
        }
    }
}
