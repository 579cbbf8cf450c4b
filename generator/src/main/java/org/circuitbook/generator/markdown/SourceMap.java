package org.circuitbook.generator.markdown;

import java.util.Arrays;

/** Maps character offsets in a chapter's text to 1-based line and column numbers. */
public final class SourceMap {
    private final int[] lineStarts;

    private static final java.util.Map<String, SourceMap> MAPS =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** The map of {@code text}, kept while the text is (a dev server checks unchanged chapters on every save). */
    public static SourceMap of(String text) {
        SourceMap map = MAPS.get(text);
        if (map == null) {
            map = new SourceMap(text);
            MAPS.put(text, map);
        }
        return map;
    }

    public SourceMap(String text) {
        int[] starts = new int[16];
        int n = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                }
                starts[n++] = i + 1;
            }
        }
        lineStarts = Arrays.copyOf(starts, n);
    }

    public int line(int offset) {
        int i = Arrays.binarySearch(lineStarts, offset);
        return (i >= 0 ? i : -i - 2) + 1;
    }

    public int column(int offset) {
        return offset - lineStarts[line(offset) - 1] + 1;
    }
}
