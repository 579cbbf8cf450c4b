package org.circuitbook.generator.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.circuitbook.generator.BuildPipeline;
import org.junit.jupiter.api.Test;

/**
 * Not a test (surefire's default pattern does not match the name): a rerunnable timing harness.
 * Generates a 200-chapter book of ~2,000-word chapters with math, citations, cross-references,
 * directives, footnotes and code; builds it once cold (empty math cache, fresh JVM state) and then
 * warm several times; prints pages per second and each stage's share of the time.
 *
 * <pre>mvn -q -pl generator test -Dtest=BuildBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class BuildBenchmark {
    static final int CHAPTERS = Integer.getInteger("bench.chapters", 200);
    static final int WARM_RUNS = Integer.getInteger("bench.warmRuns", 5);
    static final String[] WORDS = ("the model learns features in superposition when they are sparse and the residual "
            + "stream carries information between layers attention heads move it across positions").split(" ");

    @Test
    void run() throws Exception {
        Path root = Files.createTempDirectory("bench");
        write(root);
        List<Map<String, Long>> runs = new ArrayList<>();
        for (int i = 0; i <= WARM_RUNS; i++) {
            Map<String, Long> stages = new LinkedHashMap<>();
            long start = System.nanoTime();
            new BuildPipeline(BuildPipeline.Options.defaults(root), line -> {
                String[] parts = line.strip().split("\\s+");
                if (line.endsWith(" ms") && !line.startsWith(" ")) {
                    stages.put(parts[0], Long.parseLong(parts[parts.length - 2]));
                }
            }).run();
            stages.put("total", (System.nanoTime() - start) / 1_000_000);
            runs.add(stages);
        }
        Map<String, Long> cold = runs.get(0);
        List<Map<String, Long>> warm = runs.subList(1, runs.size());
        System.out.printf(Locale.ROOT, "%n%d chapters (+ landing page), ~2,000 words each%n", CHAPTERS);
        System.out.printf(Locale.ROOT, "cold: %d ms total, %.0f pages/s%n", cold.get("total"), pages(cold.get("total")));
        long warmTotal = median(warm, "total");
        System.out.printf(Locale.ROOT, "warm (median of %d): %d ms total, %.0f pages/s%n", warm.size(), warmTotal, pages(warmTotal));
        System.out.printf(Locale.ROOT, "%-8s %10s %8s %10s %8s%n", "stage", "cold ms", "share", "warm ms", "share");
        for (String stage : List.of("load", "check", "train", "render", "write")) {
            long c = cold.get(stage);
            long w = median(warm, stage);
            System.out.printf(Locale.ROOT, "%-8s %10d %7.1f%% %10d %7.1f%%%n", stage, c, 100.0 * c / cold.get("total"),
                    w, 100.0 * w / warmTotal);
        }
    }

    private static double pages(long ms) {
        return (CHAPTERS + 1) * 1000.0 / ms;
    }

    private static long median(List<Map<String, Long>> runs, String key) {
        List<Long> values = new ArrayList<>(runs.stream().map(r -> r.get(key)).sorted().toList());
        return values.get(values.size() / 2);
    }

    static void write(Path root) throws Exception {
        Path chapters = Files.createDirectories(root.resolve("content/chapters"));
        Files.writeString(root.resolve("content/site.yaml"), "title: Benchmark\n");
        Files.writeString(root.resolve("content/references.bib"), """
                @article{elhage2022, title = {Toy Models of Superposition}, author = {Elhage, Nelson and Hume, Tristan and Olah, Chris},
                  journal = {Transformer Circuits Thread}, year = {2022}, url = {https://transformer-circuits.pub/2022/toy_model/index.html}}
                @article{olah2020, title = {Zoom In}, author = {Olah, Chris and Cammarata, Nick}, journal = {Distill}, year = {2020},
                  doi = {10.23915/distill.00024.001}}
                """);
        Random random = new Random(42);
        for (int c = 1; c <= CHAPTERS; c++) {
            StringBuilder md = new StringBuilder("---\ntitle: Chapter " + c + "\nsummary: Generated.\n---\n\n");
            for (int section = 1; section <= 5; section++) {
                md.append("## Section ").append(section).append("\n\n");
                for (int p = 0; p < 4; p++) {
                    for (int w = 0; w < 90; w++) {
                        md.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
                        if (w == 30) {
                            md.append("$x_{").append(c).append("} + W_{").append(section).append("}^\\top h$ ");
                        }
                        if (w == 60) {
                            md.append(random.nextBoolean() ? "[@elhage2022, p. " + (p + 1) + "] " : "@olah2020 ");
                        }
                    }
                    md.append("\n\n");
                }
                md.append("$$ L_{").append(c).append(",").append(section).append("} = \\sum_i I_i (x_i - x'_i)^2 $$ (eq-")
                        .append(c).append('-').append(section).append(")\n\n");
                md.append(":::{note}\nSee {eq}`eq-").append(c).append('-').append(section).append("` and the footnote.[^n")
                        .append(section).append("]\n:::\n\n[^n").append(section).append("]: A note.\n\n");
                md.append("```python\ndef f(x):\n    return x + ").append(section).append("\n```\n\n");
            }
            Files.writeString(chapters.resolve(String.format(Locale.ROOT, "%03d-chapter-%d.md", c, c)), md);
        }
    }
}
