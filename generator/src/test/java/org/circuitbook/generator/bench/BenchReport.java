package org.circuitbook.generator.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the benchmark harnesses print: Markdown tables with aligned columns, and the machine's state. */
final class BenchReport {
    private BenchReport() {
    }

    /** {@code rows} (the first is the header) as the lines of a Markdown table, each column as wide as its widest cell. */
    static List<String> table(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length && i < width.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < rows.size(); k++) {
            StringBuilder b = new StringBuilder("|");
            for (int i = 0; i < width.length; i++) {
                String cell = i < rows.get(k).length ? rows.get(k)[i] : "";
                b.append(' ').append(cell).append(" ".repeat(width[i] - cell.length())).append(" |");
            }
            lines.add(b.toString());
            if (k == 0) {
                StringBuilder rule = new StringBuilder("|");
                for (int w : width) {
                    rule.append("-".repeat(w + 2)).append('|');
                }
                lines.add(rule.toString());
            }
        }
        return lines;
    }

    /** The 1, 5 and 15 minute load averages (Linux), so a reader sees how busy the machine was. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The version of /usr/bin/chromium, or "?". */
    static String chromiumVersion() {
        try {
            Process p = new ProcessBuilder("/usr/bin/chromium", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)").matcher(out);
            return m.find() ? m.group(1) : "?";
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }
}
