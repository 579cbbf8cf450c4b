package org.circuitbook.generator.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.weights.Json;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Not a test (surefire's default pattern does not match the name): a rerunnable timing harness, the book's training
 * step in ND4J SameDiff against the same step in PyTorch, on this machine, one thread each. Run it with
 * {@code bench/train} (which also pins OMP_NUM_THREADS=1), or:
 *
 * <pre>mvn -o -q -pl generator -am test -Dtest=TrainBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * <p>The spec ({@code bench.spec}, a path from the repository root; kinds modular-addition, attention-only and
 * toy-superposition) is trained with the trainer's own graph ({@link ModularAdditionTrainer#graph},
 * {@link AttentionOnlyTrainer#graph}, {@link ToySuperpositionTrainer#graph}:
 * the same parameters, initialisation, data, loss and optimiser the build uses). First the JVM is warmed up by one
 * untimed run of {@code bench.jvmWarmup} steps (SameDiff does much of each step in Java, which the JIT compiles over
 * the first hundred or so steps; a build's training runs thousands). Then, for {@code bench.rounds} rounds, it trains
 * from the initial weights for {@code bench.warmup} + {@code bench.steps} steps in this JVM, and runs
 * {@code interop/bench_train.py} on the same job (the same data, batch by batch) for the same steps (the interpreter:
 * {@code circuitbook.python}, default {@code .venv/bin/python}, which {@code interop/venv} makes), alternating which
 * side goes first (ABBA). A Java step is the time between consecutive {@code iterationDone} calls of a SameDiff
 * listener (so it includes everything {@code fit} does per step, the attention-only batch's drawing too); a PyTorch
 * step is zero_grad, forward, loss, backward and the optimiser step. The first {@code bench.warmup} steps of each run
 * are not counted. Each step's training-thread CPU time is recorded beside its wall time (both sides compute on that
 * one thread), a measure less disturbed by whatever else the machine runs.
 *
 * <p>It prints the median and p95 of every timed step of every round for each side, the ratio of the medians (ND4J /
 * PyTorch), the CPU time's medians and ratio, each round's medians, and each side's loss at the initial weights and
 * after all the steps (computed by a forward pass outside the timed steps), and writes the table to
 * {@code generator/target/bench/train.md} (every step's time to {@code train-steps.json}). It never fails on a time.
 */
class TrainBenchmark {
    static final String SPEC = System.getProperty("bench.spec", "content/models/modular-addition-p59.yaml");
    static final int STEPS = Integer.getInteger("bench.steps", 100);
    static final int WARMUP = Integer.getInteger("bench.warmup", 10);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 4);
    /** Steps trained once, untimed, before the rounds: the JIT compiles SameDiff's per-op Java code meanwhile. */
    static final int JVM_WARMUP = Integer.getInteger("bench.jvmWarmup", 300);
    /** With true, one more Java run after the rounds, untimed by the table, sums the time inside each op. */
    static final boolean PROFILE = Boolean.getBoolean("bench.profile");
    /** How many ops the profile lists, the costliest first. */
    static final int PROFILE_TOP = Integer.getInteger("bench.profileTop", 12);

    /**
     * One side's run: the timed steps in ms (wall clock) and the training thread's CPU time in each (what the step
     * cost, whatever else the machine ran), the loss at the initial weights and after all the steps.
     */
    record Run(double[] ms, double[] cpuMs, double lossFirst, double lossLast) {
    }

    /** What one kind's benchmark needs: the Java run and the job the Python side reads. */
    interface Workload {
        String describe();

        String javaInit();

        /** What the losses are measured on. */
        String lossData();

        /** The PyTorch side's job: the model, the optimiser, the data of {@code totalSteps} steps, a seed. */
        Map<String, Object> job(int totalSteps);

        /** Trains warmup + steps steps from the initial weights; {@code ops} (or null) also listens. */
        Run java(int warmup, int steps, OpTimes ops);

        /** The ND4J side's row label: how its trainer steps. */
        default String javaSide() {
            return "ND4J 1.0.0-M2.1 SameDiff";
        }
    }

    @Test
    void run() throws Exception {
        Path root = repositoryRoot();
        Path specFile = root.resolve(SPEC);
        String name = specFile.getFileName().toString().replaceFirst("\\.yaml$", "");
        Problems problems = new Problems("load");
        ModelSpec spec = ModelSpec.parse(name, SPEC, Files.readString(specFile), problems);
        problems.throwIfAny();
        Workload workload = switch (spec.kind()) {
            case ModularAdditionSpec.KIND -> new ModularAddition((ModularAdditionSpec) spec.settings());
            case AttentionOnlySpec.KIND -> new AttentionOnly((AttentionOnlySpec) spec.settings());
            case ToySuperpositionSpec.KIND -> new Superposition((ToySuperpositionSpec) spec.settings());
            default -> throw new IllegalArgumentException("no training benchmark for kind " + spec.kind()
                    + " yet (modular-addition, attention-only, toy-superposition)");
        };
        Path out = Files.createDirectories(root.resolve("generator/target/bench"));
        Path jobFile = out.resolve("train-job.json");
        Map<String, Object> job = new LinkedHashMap<>(workload.job(WARMUP + STEPS));
        job.put("warmup", WARMUP);
        job.put("steps", STEPS);
        Files.writeString(jobFile, Json.write(job));
        String python = System.getProperty("circuitbook.python", root.resolve(".venv/bin/python").toString());
        String load = loadAverage();

        if (JVM_WARMUP > 0) {
            System.out.printf(Locale.ROOT, "warming up the JVM: %d steps, untimed%n", JVM_WARMUP);
            workload.java(1, JVM_WARMUP, null);
        }
        List<Run> javaRuns = new ArrayList<>();
        List<Run> pythonRuns = new ArrayList<>();
        Map<?, ?> pythonInfo = null;
        for (int r = 0; r < ROUNDS; r++) {
            boolean javaFirst = r % 2 == 0;   // rounds alternate: J P, P J, J P, ... (ABBA)
            for (int side = 0; side < 2; side++) {
                if ((side == 0) == javaFirst) {
                    javaRuns.add(workload.java(WARMUP, STEPS, null));
                } else {
                    Map<?, ?> result = python(python, root, "interop/bench_train.py", jobFile);
                    pythonInfo = result;
                    pythonRuns.add(new Run(doubles((List<?>) result.get("ms")), doubles((List<?>) result.get("cpu_ms")),
                            ((Number) result.get("loss_first")).doubleValue(),
                            ((Number) result.get("loss_last")).doubleValue()));
                }
            }
            System.out.printf(Locale.ROOT, "round %d/%d: ND4J %.2f ms/step, PyTorch %.2f ms/step%n", r + 1, ROUNDS,
                    median(javaRuns.get(r).ms()), median(pythonRuns.get(r).ms()));
        }

        double[] javaMs = pooled(javaRuns);
        double[] pythonMs = pooled(pythonRuns);
        double ratio = median(javaMs) / median(pythonMs);
        int total = WARMUP + STEPS;
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%s (%s): %d rounds (ABBA), %d warm-up + %d timed steps per run, "
                + "one thread each; load average at the start %s", name, workload.describe(), ROUNDS, WARMUP, STEPS, load));
        lines.add("");
        double[] javaCpu = pooledCpu(javaRuns);
        double[] pythonCpu = pooledCpu(pythonRuns);
        double cpuRatio = median(javaCpu) / median(pythonCpu);
        lines.add(String.format(Locale.ROOT, "| %-26s | %-14s | %-8s | %-16s | %-15s | %-9s | %-12s | %-15s |", "side",
                "ms/step median", "p95", "ratio ND4J/torch", "CPU ms/step p50", "CPU ratio", "loss at init",
                "loss after " + total));
        lines.add("|" + "-".repeat(28) + "|" + "-".repeat(16) + "|" + "-".repeat(10) + "|" + "-".repeat(18) + "|"
                + "-".repeat(17) + "|" + "-".repeat(11) + "|" + "-".repeat(14) + "|" + "-".repeat(17) + "|");
        lines.add(row(workload.javaSide(), javaMs, String.format(Locale.ROOT, "%.2fx", ratio), javaCpu,
                String.format(Locale.ROOT, "%.2fx", cpuRatio), javaRuns));
        lines.add(row("PyTorch " + (pythonInfo == null ? "?" : pythonInfo.get("torch")), pythonMs, "", pythonCpu, "",
                pythonRuns));
        lines.add("");
        StringBuilder perRound = new StringBuilder("per round (ND4J / PyTorch medians, ms):");
        for (int r = 0; r < ROUNDS; r++) {
            perRound.append(String.format(Locale.ROOT, " %s%.2f/%.2f (%.2fx)", r % 2 == 0 ? "J>P " : "P>J ",
                    median(javaRuns.get(r).ms()), median(pythonRuns.get(r).ms()),
                    median(javaRuns.get(r).ms()) / median(pythonRuns.get(r).ms())));
        }
        lines.add(perRound.toString());
        lines.add("initialisation: ND4J: " + workload.javaInit() + "; PyTorch: "
                + (pythonInfo == null ? "?" : pythonInfo.get("init")) + " (same distributions, different values)");
        lines.add("losses: " + workload.lossData() + ", by a forward pass outside the timed steps (round 1's; "
                + "each side is seeded, so every round repeats them)");
        System.out.println();
        lines.forEach(System.out::println);
        Files.write(out.resolve("train.md"), lines, StandardCharsets.UTF_8);
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("nd4j_ms", javaRuns.stream().map(r -> Arrays.stream(r.ms()).boxed().toList()).toList());
        raw.put("pytorch_ms", pythonRuns.stream().map(r -> Arrays.stream(r.ms()).boxed().toList()).toList());
        Files.writeString(out.resolve("train-steps.json"), Json.write(raw));
        System.out.println("written: " + out.resolve("train.md") + " (every step's time: train-steps.json)");
        if (PROFILE) {
            OpTimes ops = new OpTimes();
            Run run = workload.java(WARMUP, STEPS, ops);
            System.out.println();
            System.out.println(ops.isEmpty() ? "profile: none (this kind's step runs no SameDiff ops)"
                    : ops.report(WARMUP + STEPS, median(run.ms()), PROFILE_TOP));
        }
    }

    private static String row(String side, double[] ms, String ratio, double[] cpu, String cpuRatio, List<Run> runs) {
        return String.format(Locale.ROOT, "| %-26s | %-14.2f | %-8.2f | %-16s | %-15.2f | %-9s | %-12.4f | %-15.4f |",
                side, median(ms), percentile(ms, 0.95), ratio, median(cpu), cpuRatio, runs.get(0).lossFirst(),
                runs.get(0).lossLast());
    }

    /**
     * Runs a PyTorch side ({@code script}, from the repository root) on the job, one thread; its standard error
     * passes through, standard output is its JSON.
     */
    static Map<?, ?> python(String python, Path root, String script, Path jobFile) throws IOException,
            InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(python, root.resolve(script).toString(),
                jobFile.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("MKL_NUM_THREADS", "1");
        Process process = pb.start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        if (status != 0) {
            throw new IllegalStateException(python + " " + script + " exited with " + status + " (make the "
                    + "interpreter with interop/venv, or name one with -Dcircuitbook.python=...)");
        }
        return (Map<?, ?>) Json.parse(stdout.strip());
    }

    /** The one-layer modular-addition transformer, full batch, as {@link ModularAdditionTrainer} trains it. */
    static final class ModularAddition implements Workload {
        private final ModularAdditionSpec spec;
        private final TransformerConfig cfg;
        private final ModularAdditionTrainer.Split split;

        ModularAddition(ModularAdditionSpec spec) {
            this.spec = spec;
            this.cfg = ModularAdditionTrainer.config(spec);
            this.split = ModularAdditionTrainer.split(spec);
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "p = %d, d_model %d, %d heads of %d, d_mlp %d, full batch of %d pairs, "
                            + "AdamW lr %s, betas (0.9, 0.98), eps 1e-8, weight decay %s", spec.p(), spec.dModel(),
                    spec.nHeads(), spec.dHead(), spec.dMlp(), split.train().length, spec.learningRate(), spec.weightDecay());
        }

        @Override
        public String javaInit() {
            return "every matrix N(0, 1/d_model), W_U N(0, 1/d_vocab) with d_vocab = p + 1, biases zero; "
                    + "java.util.Random(" + spec.seed() + ").nextGaussian in parameterShapes order";
        }

        @Override
        public String lossData() {
            return "the training loss on the full batch (" + split.train().length + " pairs)";
        }

        @Override
        public Map<String, Object> job(int totalSteps) {
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("kind", ModularAdditionSpec.KIND);
            job.put("p", spec.p());
            job.put("d_model", spec.dModel());
            job.put("n_heads", spec.nHeads());
            job.put("d_head", spec.dHead());
            job.put("d_mlp", spec.dMlp());
            job.put("learning_rate", spec.learningRate());
            job.put("betas", List.of(0.9, 0.98));       // ModularAdditionTrainer.graph's Adam
            job.put("eps", 1e-8);
            job.put("weight_decay", spec.weightDecay());
            job.put("seed", spec.seed());
            job.put("train", Arrays.stream(split.train()).boxed().toList());
            return job;
        }

        @Override
        public Run java(int warmup, int steps, OpTimes ops) {
            return Training.quietly(() -> {
                int p = spec.p();
                int[] train = split.train();
                SameDiff sd = ModularAdditionTrainer.graph(spec, cfg);
                StepTimes times = new StepTimes();
                sd.setListeners(listeners(times, ops));
                INDArray[] features = {ModularAdditionTrainer.oneHot(train, p, 0),
                        ModularAdditionTrainer.oneHot(train, p, 1), ModularAdditionTrainer.oneHot(train, p, 2)};
                INDArray labels = ModularAdditionTrainer.labels(train, p);
                Map<String, INDArray> inputs = Map.of("tok0", features[0], "tok1", features[1], "tok2", features[2]);
                double first = StepLosses.crossEntropy(sd.output(inputs, "logits").get("logits"), labels);
                sd.fit(Batches.repeating(warmup + steps,
                        new org.nd4j.linalg.dataset.MultiDataSet(features, new INDArray[] {labels})), 1);
                double last = StepLosses.crossEntropy(sd.output(inputs, "logits").get("logits"), labels);
                return new Run(times.ms(warmup), times.cpuMs(warmup), first, last);
            });
        }
    }

    /**
     * The two-layer (or any depth) attention-only transformer on the synthetic language, a fresh batch of
     * sequences each step, as {@link AttentionOnlyTrainer} trains it ({@link AttentionOnlyStep}). Both sides get the
     * same sequences, drawn before the timed steps (PyTorch's in the job); each side's step embeds its batch's tokens
     * by index.
     */
    static final class AttentionOnly implements Workload {
        private final AttentionOnlySpec spec;
        private final TransformerConfig cfg;
        private final org.circuitbook.widgets.data.SyntheticLanguage language;
        private final int[][] eval;

        AttentionOnly(AttentionOnlySpec spec) {
            this.spec = spec;
            this.cfg = AttentionOnlyTrainer.config(spec);
            this.language = new org.circuitbook.widgets.data.SyntheticLanguage(spec.language());
            this.eval = AttentionOnlyTrainer.probes(spec, language).eval();
        }

        /** The trainer's data stream: a fresh generator each run, so every run (and PyTorch) sees the same batches. */
        private org.circuitbook.widgets.data.Lcg data() {
            return new org.circuitbook.widgets.data.Lcg(spec.seed() * 31 + 7);
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "%d layers, attention only, d_model %d, %d heads of %d, n_ctx %d, vocab %d, "
                            + "batch %d sequences, Adam(W) lr %s, betas (0.9, 0.98), eps 1e-8, weight decay %s",
                    spec.nLayers(), spec.dModel(), spec.nHeads(), spec.dHead(), spec.nCtx(), cfg.d_vocab(),
                    spec.batchSize(), spec.learningRate(), spec.weightDecay());
        }

        @Override
        public String javaInit() {
            return "every matrix N(0, (0.8/sqrt(d_model))^2), biases zero; java.util.Random(" + spec.seed()
                    + ").nextGaussian in parameterShapes order";
        }

        @Override
        public String lossData() {
            return "the mean next-token loss on the trainer's " + eval.length + " held-out sequences";
        }

        @Override
        public Map<String, Object> job(int totalSteps) {
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("kind", AttentionOnlySpec.KIND);
            job.put("n_layers", spec.nLayers());
            job.put("d_model", spec.dModel());
            job.put("n_heads", spec.nHeads());
            job.put("d_head", spec.dHead());
            job.put("n_ctx", spec.nCtx());
            job.put("d_vocab", cfg.d_vocab());
            job.put("learning_rate", spec.learningRate());
            job.put("betas", List.of(0.9, 0.98));       // AttentionOnlyStep's Adam
            job.put("eps", 1e-8);
            job.put("weight_decay", spec.weightDecay());
            job.put("seed", spec.seed());
            org.circuitbook.widgets.data.Lcg data = data();
            List<Object> batches = new ArrayList<>();
            for (int step = 0; step < totalSteps; step++) {
                List<Object> batch = new ArrayList<>();
                for (int i = 0; i < spec.batchSize(); i++) {
                    batch.add(Arrays.stream(language.sample(data, spec.nCtx() + 1)).boxed().toList());
                }
                batches.add(batch);
            }
            job.put("batches", batches);
            job.put("eval", Arrays.stream(eval).map(seq -> Arrays.stream(seq).boxed().toList()).toList());
            return job;
        }

        @Override
        public String javaSide() {
            return "ND4J 1.0.0-M2.1 by hand";
        }

        @Override
        public Run java(int warmup, int steps, OpTimes ops) {
            return Training.quietly(() -> {
                // the trainer's graph gives the parameters and the forward pass; the steps are AttentionOnlyStep's,
                // as in AttentionOnlyTrainer (no SameDiff op runs in them, so bench.profile has nothing to list)
                SameDiff sd = AttentionOnlyTrainer.graph(spec, cfg);
                AttentionOnlyStep step = new AttentionOnlyStep(sd, cfg, spec.batchSize(), spec.learningRate(),
                        spec.weightDecay());
                StepTimes times = new StepTimes();
                INDArray[] xy = AttentionOnlyTrainer.oneHot(eval, cfg);
                double first = StepLosses.crossEntropy(sd.output(Map.of("tokens", xy[0]), "logits").get("logits"), xy[1]);
                // the language's sequences are sampled before the timed steps, as the PyTorch side gets them (job);
                // each step embeds its batch's tokens by index and trains on it
                org.circuitbook.widgets.data.Lcg data = data();
                int[][][] batches = new int[warmup + steps][spec.batchSize()][];
                for (int[][] batch : batches) {
                    for (int i = 0; i < batch.length; i++) {
                        batch[i] = language.sample(data, spec.nCtx() + 1);
                    }
                }
                for (int[][] batch : batches) {
                    step.step(batch);
                    times.iterationDone(sd, null, null, null);
                }
                double last = StepLosses.crossEntropy(sd.output(Map.of("tokens", xy[0]), "logits").get("logits"), xy[1]);
                return new Run(times.ms(warmup), times.cpuMs(warmup), first, last);
            });
        }
    }

    /**
     * A toy-superposition spec as {@link ToySuperpositionTrainer} trains it: every instance (sparsity x restart) in one
     * batched graph, a fresh batch for each instance each step, drawn in the step on each side (Java's from the
     * trainer's per-instance {@code SplittableRandom} streams, PyTorch's from its seeded generator: the same
     * distribution, different values). The losses are the sum over instances of each one's own loss, as the trainer's.
     */
    static final class Superposition implements Workload {
        private final ToySuperpositionSpec toy;
        private final long[] seeds;
        private final double[] sparsity;
        private final INDArray eval;

        Superposition(ToySuperpositionSpec toy) {
            this.toy = toy;
            ToySuperpositionTrainer.Instances all = ToySuperpositionTrainer.instances(toy); // the trainer's seeds and batches
            seeds = all.seeds();
            sparsity = all.sparsity();
            eval = all.eval();
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "%d instances (sparsities %s x %d restarts) batched, n_features %d, "
                            + "d_hidden %d, %s output, importance %s^i, batch %d, Adam lr %s, betas (0.9, 0.999), eps 1e-8",
                    seeds.length, toy.sparsities(), toy.restarts(), toy.nFeatures(), toy.dHidden(),
                    toy.relu() ? "ReLU" : "linear", toy.importanceDecay(), toy.batchSize(), toy.learningRate());
        }

        @Override
        public String javaInit() {
            return "W Xavier normal N(0, 2/(n_features + d_hidden)), b_final zero; instance k from java.util.Random("
                    + "seed_k).nextGaussian, seeds " + seeds[0] + ".." + seeds[seeds.length - 1];
        }

        @Override
        public String lossData() {
            return "the sum over instances of each one's importance-weighted squared error on the trainer's evaluation "
                    + "batch (" + ToySuperpositionTrainer.EVAL_BATCH + " inputs per instance)";
        }

        @Override
        public Map<String, Object> job(int totalSteps) {
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("kind", ToySuperpositionSpec.KIND);
            job.put("n_features", toy.nFeatures());
            job.put("d_hidden", toy.dHidden());
            job.put("relu", toy.relu());
            job.put("importance_decay", toy.importanceDecay());
            List<Object> sparsities = new ArrayList<>();
            for (double v : sparsity) {
                sparsities.add(v);
            }
            job.put("sparsities", sparsities);
            job.put("batch_size", toy.batchSize());
            job.put("learning_rate", toy.learningRate());
            job.put("betas", List.of(0.9, 0.999));      // ND4J's Adam(lr) defaults, ToySuperpositionTrainer.graph's
            job.put("eps", 1e-8);
            job.put("weight_decay", 0.0);
            job.put("seed", seeds[0]);
            List<Object> values = new ArrayList<>();
            for (float v : Training.floats(eval)) {
                values.add((double) v);
            }
            job.put("eval", values);
            return job;
        }

        @Override
        public String javaSide() {
            return "ND4J 1.0.0-M2.1 by hand";
        }

        @Override
        public Run java(int warmup, int steps, OpTimes ops) {
            return Training.quietly(() -> {
                // the trainer's graph gives the parameters and the evaluation; the steps are ToySuperpositionStep's,
                // as in ToySuperpositionTrainer (no SameDiff op runs in them, so bench.profile has nothing to list),
                // each drawing its batch in the step, as the PyTorch side does
                SameDiff sd = ToySuperpositionTrainer.graph(toy, seeds);
                ToySuperpositionStep step = new ToySuperpositionStep(sd, toy, toy.batchSize());
                StepTimes times = new StepTimes();
                double first = sd.output(Map.of("input", eval, "label", eval), "loss").get("loss").getDouble(0);
                SplittableRandom[] data = ToySuperpositionTrainer.instances(toy).streams(); // fresh streams, as the trainer's
                for (int i = 0; i < warmup + steps; i++) {
                    ToySuperpositionTrainer.fillBatches(data, sparsity, step.input());
                    step.step();
                    times.iterationDone(sd, null, null, null);
                }
                double last = sd.output(Map.of("input", eval, "label", eval), "loss").get("loss").getDouble(0);
                return new Run(times.ms(warmup), times.cpuMs(warmup), first, last);
            });
        }
    }

    /**
     * The time of each training step: the nanoTime (and the training thread's CPU time: ND4J runs every op on it
     * with OMP_NUM_THREADS=1) of every {@code iterationDone}, differenced.
     */
    static final class StepTimes extends BaseListener {
        private static final java.lang.management.ThreadMXBean THREADS =
                java.lang.management.ManagementFactory.getThreadMXBean();
        private final List<Long> done = new ArrayList<>();
        private final List<Long> cpu = new ArrayList<>();

        @Override
        public boolean isActive(Operation operation) {
            return operation == Operation.TRAINING;
        }

        @Override
        public void iterationDone(SameDiff sd, At at, MultiDataSet dataSet, Loss loss) {
            done.add(System.nanoTime());
            cpu.add(THREADS.getCurrentThreadCpuTime());
        }

        /** The steps after the first {@code warmup} (warmup >= 1: step i is done[i] - done[i - 1]). */
        double[] ms(int warmup) {
            return differences(done, warmup);
        }

        /** The training thread's CPU time in each of those steps. */
        double[] cpuMs(int warmup) {
            return differences(cpu, warmup);
        }

        private static double[] differences(List<Long> done, int warmup) {
            if (warmup < 1) {
                throw new IllegalArgumentException("bench.warmup must be at least 1 (a step is timed from the one before)");
            }
            double[] ms = new double[done.size() - warmup];
            for (int i = warmup; i < done.size(); i++) {
                ms[i - warmup] = (done.get(i) - done.get(i - 1)) / 1e6;
            }
            return ms;
        }
    }

    private static org.nd4j.autodiff.listeners.Listener[] listeners(StepTimes times, OpTimes ops) {
        return ops == null ? new org.nd4j.autodiff.listeners.Listener[] {times}
                : new org.nd4j.autodiff.listeners.Listener[] {times, ops};
    }

    /**
     * Where a SameDiff step's time goes (bench.profile): the wall time from each op's {@code preOpExecution} to its
     * {@code opExecution}, summed by op, against the whole step. The rest of the step is SameDiff's own work between
     * ops (the session's dependency tracking, array allocation and release, the updater) and the listeners'.
     */
    static final class OpTimes extends BaseListener {
        private final Map<String, long[]> byOp = new java.util.HashMap<>();   // name -> {nanos, count}

        boolean isEmpty() {
            return byOp.isEmpty();
        }
        private long start;

        @Override
        public boolean isActive(Operation operation) {
            return operation == Operation.TRAINING;
        }

        @Override
        public void preOpExecution(SameDiff sd, At at, org.nd4j.autodiff.samediff.internal.SameDiffOp op,
                                   org.nd4j.linalg.api.ops.OpContext opContext) {
            start = System.nanoTime();
        }

        @Override
        public void opExecution(SameDiff sd, At at, MultiDataSet batch, org.nd4j.autodiff.samediff.internal.SameDiffOp op,
                                org.nd4j.linalg.api.ops.OpContext opContext, INDArray[] outputs) {
            long[] t = byOp.computeIfAbsent(op.getOp().opName(), k -> new long[2]);
            t[0] += System.nanoTime() - start;
            t[1]++;
        }

        String report(int steps, double stepMs, int top) {
            double total = byOp.values().stream().mapToLong(t -> t[0]).sum() / 1e6 / steps;
            long count = byOp.values().stream().mapToLong(t -> t[1]).sum() / steps;
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "profile (ND4J, one more run of %d steps, "
                    + "median step %.2f ms): %d ops per step, %.2f ms per step inside them (%.0f%%), the rest between "
                    + "them%n", steps, stepMs, count, total, 100 * total / stepMs));
            byOp.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(top)
                    .forEach(e -> out.append(String.format(Locale.ROOT, "  %-28s %5d per step %8.3f ms per step%n",
                            e.getKey(), e.getValue()[1] / steps, e.getValue()[0] / 1e6 / steps)));
            return out.toString();
        }
    }

    static double[] doubles(List<?> values) {
        return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    static double[] pooled(List<Run> runs) {
        return runs.stream().flatMapToDouble(r -> Arrays.stream(r.ms())).toArray();
    }

    static double[] pooledCpu(List<Run> runs) {
        return runs.stream().flatMapToDouble(r -> Arrays.stream(r.cpuMs())).toArray();
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Nearest rank. */
    static double percentile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.max(0, (int) Math.ceil(q * s.length) - 1)];
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("content/models"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no content/models above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
