package org.circuitbook.generator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares output with an expected file. On mismatch the actual output is written beside the expected
 * one as {@code NAME-changed.EXT} and the failure shows the first differing lines. Run with
 * {@code -Dcircuitbook.updateGolden=true} to accept the new output.
 */
final class Golden {
    private Golden() {
    }

    static void assertMatches(Path expectedFile, String actual) {
        try {
            if (Boolean.getBoolean("circuitbook.updateGolden")) {
                Files.writeString(expectedFile, actual);
                return;
            }
            String expected = Files.readString(expectedFile);
            if (expected.equals(actual)) {
                return;
            }
            String name = expectedFile.getFileName().toString();
            int dot = name.lastIndexOf('.');
            Path changed = expectedFile.resolveSibling(name.substring(0, dot) + "-changed" + name.substring(dot));
            Files.writeString(changed, actual);
            throw new AssertionError("output differs from " + expectedFile + " (actual written to " + changed
                    + ")\n" + firstDifference(expected, actual));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        int i = 0;
        while (i < e.length && i < a.length && e[i].equals(a[i])) {
            i++;
        }
        StringBuilder sb = new StringBuilder("first difference at line " + (i + 1) + ":\n");
        for (int k = Math.max(0, i - 2); k < Math.min(Math.max(e.length, a.length), i + 3); k++) {
            String el = k < e.length ? e[k] : "<end>";
            String al = k < a.length ? a[k] : "<end>";
            if (el.equals(al)) {
                sb.append("    ").append(el).append('\n');
            } else {
                sb.append("  - ").append(el).append('\n').append("  + ").append(al).append('\n');
            }
        }
        return sb.toString();
    }
}
