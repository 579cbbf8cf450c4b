package org.circuitbook.widgets.weights;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a whole safetensors file before anything in it is used, wherever it came from: the generator's
 * cache, a file a future {@code imported} model kind brings in, or a download in the browser. Every reader of
 * the project goes through it ({@link SafeTensors#fromBytes} does), so a file is either entirely sound or
 * rejected with one sentence naming the tensor or metadata key at fault and what was expected.
 *
 * <p>What the format (huggingface/safetensors) requires, and this checks: an 8-byte little-endian header
 * length N that fits the file and is at most {@link #MAX_HEADER}; N bytes of UTF-8 JSON that start with
 * {@code '{'}, may be padded at the end with spaces, and hold one object without duplicate keys; each entry a
 * tensor {@code {"dtype", "shape", "data_offsets"}} with a known dtype, non-negative whole dimensions and
 * {@code [begin, end]} inside the data section, {@code end - begin} the shape's size times the dtype's; the
 * tensors' byte ranges neither overlapping nor leaving holes, from the start of the data section to the end
 * of the file (the reference reader's rule: a file with hidden bytes could be two files at once); the
 * optional {@code "__metadata__"} a map of strings to strings.
 *
 * <p>What the project adds, for the metadata it writes and reads back ({@link #JSON_OBJECTS}): the
 * {@code metrics}, {@code config} and {@code language} values are JSON objects, and {@code spec} is either
 * a JSON object or the canonical {@code key=value} lines of a spec.
 *
 * <p>Plain Java with no regex and no {@code String.format}: TeaVM compiles it for the browser.
 */
public final class SafeTensorsValidator {
    /** A header larger than this is rejected rather than read (the reference reader's limit). */
    public static final long MAX_HEADER = 100_000_000L;
    /** The metadata values the project stores as JSON objects. */
    public static final List<String> JSON_OBJECTS = List.of("metrics", "config", "language");
    private static final String[] DTYPES = {"BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16",
        "I32", "U32", "F32", "F64", "I64", "U64"};
    private static final int[] SIZES = {1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 8, 8, 8};

    private SafeTensorsValidator() {
    }

    /** One tensor's entry in the header: its data is bytes [begin, end) of the data section. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        /** How many elements the shape holds. */
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /**
     * A checked header.
     *
     * @param dataStart where the data section starts in the file (8 + N)
     * @param tensors   the entries in header order
     * @param metadata  {@code __metadata__}, in header order (empty when absent)
     */
    public record Header(int dataStart, List<Entry> tensors, Map<String, String> metadata) {
    }

    /**
     * Checks {@code bytes} completely; throws {@link IllegalArgumentException} whose message is
     * "safetensors: " and the first problem found.
     */
    public static Header validate(byte[] bytes) {
        return new Check(bytes).run();
    }

    /** The first problem with {@code bytes} (without the "safetensors: " prefix); null when the file is sound. */
    public static String problem(byte[] bytes) {
        try {
            validate(bytes);
            return null;
        } catch (IllegalArgumentException e) {
            return withoutPrefix(e.getMessage());
        }
    }

    /** A message of {@link #validate}'s exception without its "safetensors: " prefix, as {@link #problem} gives it. */
    public static String withoutPrefix(String message) {
        return message.startsWith(PREFIX) ? message.substring(PREFIX.length()) : message;
    }

    /** The size in bytes of one element of {@code dtype}; -1 for a dtype the format does not define. */
    public static int dtypeSize(String dtype) {
        for (int i = 0; i < DTYPES.length; i++) {
            if (DTYPES[i].equals(dtype)) {
                return SIZES[i];
            }
        }
        return -1;
    }

    private static final String PREFIX = "safetensors: ";

    /** One check of one file. */
    private static final class Check {
        private final byte[] bytes;

        Check(byte[] bytes) {
            this.bytes = bytes;
        }

        Header run() {
            if (bytes.length < 8) {
                throw fail("file is " + bytes.length + " bytes, shorter than the 8-byte header length");
            }
            long n = 0;
            for (int i = 7; i >= 0; i--) {
                n = (n << 8) | (bytes[i] & 0xffL);
            }
            if (n < 0 || n > MAX_HEADER) {
                throw fail("header length " + (n < 0 ? "" : n + " ") + "is over the limit of " + MAX_HEADER + " bytes");
            }
            if (8 + n > bytes.length) {
                throw fail("header length " + n + " does not fit a file of " + bytes.length + " bytes");
            }
            int dataStart = 8 + (int) n;
            if (n == 0 || bytes[8] != '{') {
                throw fail("header does not start with '{'");
            }
            int end = dataStart;
            while (end > 8 && bytes[end - 1] == ' ') {
                end--; // the format allows padding with spaces, and only spaces
            }
            checkUtf8(8, end);
            Object parsed;
            try {
                parsed = Json.parse(new String(bytes, 8, end - 8, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw fail("header is not valid JSON (" + e.getMessage() + ")");
            }
            if (!(parsed instanceof Map<?, ?> header)) {
                throw fail("header is not a JSON object");
            }
            long dataLength = bytes.length - (long) dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> tensors = new ArrayList<>();
            for (Map.Entry<?, ?> e : header.entrySet()) {
                String name = (String) e.getKey();
                if (SafeTensors.METADATA_KEY.equals(name)) {
                    metadata = metadata(e.getValue());
                } else {
                    tensors.add(entry(name, e.getValue(), dataLength));
                }
            }
            checkLayout(tensors, dataLength);
            checkProjectMetadata(metadata);
            return new Header(dataStart, Collections.unmodifiableList(tensors), Collections.unmodifiableMap(metadata));
        }

        /** Strict UTF-8: no stray continuation bytes, overlong forms, surrogates or code points past U+10FFFF. */
        private void checkUtf8(int from, int to) {
            int i = from;
            while (i < to) {
                int b = bytes[i] & 0xff;
                int extra;
                int min;
                if (b < 0x80) {
                    i++;
                    continue;
                } else if (b >= 0xc2 && b <= 0xdf) {
                    extra = 1;
                    min = 0x80;
                } else if (b >= 0xe0 && b <= 0xef) {
                    extra = 2;
                    min = 0x800;
                } else if (b >= 0xf0 && b <= 0xf4) {
                    extra = 3;
                    min = 0x10000;
                } else {
                    throw fail("header is not valid UTF-8 (byte " + (i - 8) + " of the header)");
                }
                int code = b & (0x3f >> extra);
                for (int k = 1; k <= extra; k++) {
                    int c = i + k < to ? bytes[i + k] & 0xff : 0;
                    if ((c & 0xc0) != 0x80) {
                        throw fail("header is not valid UTF-8 (byte " + (i - 8) + " of the header)");
                    }
                    code = (code << 6) | (c & 0x3f);
                }
                if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
                    throw fail("header is not valid UTF-8 (byte " + (i - 8) + " of the header)");
                }
                i += extra + 1;
            }
        }

        private Map<String, String> metadata(Object value) {
            if (!(value instanceof Map<?, ?> meta)) {
                throw fail(SafeTensors.METADATA_KEY + " is " + kind(value) + ", not an object of strings");
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> m : meta.entrySet()) {
                if (!(m.getValue() instanceof String s)) {
                    throw fail(SafeTensors.METADATA_KEY + " value \"" + m.getKey() + "\" is " + kind(m.getValue())
                            + ", not a string");
                }
                out.put((String) m.getKey(), s);
            }
            return out;
        }

        private Entry entry(String name, Object value, long dataLength) {
            if (!(value instanceof Map<?, ?> info)) {
                throw fail("tensor \"" + name + "\" is " + kind(value) + ", not an object with dtype, shape and data_offsets");
            }
            for (Object key : info.keySet()) {
                if (!"dtype".equals(key) && !"shape".equals(key) && !"data_offsets".equals(key)) {
                    throw fail("tensor \"" + name + "\" has an unknown field \"" + key
                            + "\" (a tensor has dtype, shape and data_offsets)");
                }
            }
            if (!(info.get("dtype") instanceof String dtype)) {
                throw fail("tensor \"" + name + "\" has no dtype string");
            }
            int size = dtypeSize(dtype);
            if (size < 0) {
                throw fail("tensor \"" + name + "\" has unknown dtype \"" + dtype + "\" (known: " + String.join(", ", DTYPES) + ")");
            }
            if (!(info.get("shape") instanceof List<?> shapeList)) {
                throw fail("tensor \"" + name + "\" has no shape list");
            }
            long[] shape = new long[shapeList.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(shapeList.get(i) instanceof Long d) || d < 0) {
                    throw fail("tensor \"" + name + "\" has shape " + Json.write(shapeList)
                            + ": dimensions must be whole numbers of at least 0");
                }
                shape[i] = d;
            }
            long needed = containsZero(shape) ? 0 : size;
            for (long d : shape) {
                if (needed != 0 && needed > Long.MAX_VALUE / d) {
                    throw fail("tensor \"" + name + "\" has shape " + Json.write(shapeList) + ", too large to address");
                }
                needed *= d;
            }
            if (!(info.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2
                    || !(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)) {
                throw fail("tensor \"" + name + "\" data_offsets must be [begin, end], whole numbers, got "
                        + (info.containsKey("data_offsets") ? Json.write(info.get("data_offsets")) : "nothing"));
            }
            if (begin < 0 || end < begin || end > dataLength) {
                throw fail("tensor \"" + name + "\" data_offsets [" + begin + ", " + end + "] fall outside the "
                        + dataLength + "-byte data section");
            }
            if (end - begin != needed) {
                throw fail("tensor \"" + name + "\" has " + (end - begin) + " bytes of data but its shape "
                        + Json.write(shapeList) + " of " + dtype + " needs " + needed);
            }
            return new Entry(name, dtype, shape, begin, end);
        }

        /** The byte ranges tile the data section: sorted, no overlap, no hole, ending at the end of the file. */
        private void checkLayout(List<Entry> tensors, long dataLength) {
            List<Entry> sorted = new ArrayList<>(tensors);
            sorted.sort((a, b) -> a.begin() != b.begin() ? Long.compare(a.begin(), b.begin()) : Long.compare(a.end(), b.end()));
            long covered = 0;
            Entry previous = null;
            for (Entry e : sorted) {
                if (e.begin() < covered) {
                    throw fail("tensor \"" + e.name() + "\" (bytes " + e.begin() + " to " + e.end() + ") overlaps tensor \""
                            + previous.name() + "\" (bytes " + previous.begin() + " to " + previous.end() + ")");
                }
                if (e.begin() > covered) {
                    throw fail("bytes " + covered + " to " + e.begin() + " of the data section belong to no tensor ("
                            + (previous == null ? "before the first, \"" + e.name() + "\""
                            : "between \"" + previous.name() + "\" and \"" + e.name() + "\"") + ")");
                }
                if (e.end() > covered || previous == null) {
                    covered = e.end();
                    previous = e;
                }
            }
            if (covered != dataLength) {
                throw fail("bytes " + covered + " to " + dataLength + " of the data section belong to no tensor ("
                        + (previous == null ? "the file has no tensors" : "after the last, \"" + previous.name() + "\"")
                        + ")");
            }
        }

        private void checkProjectMetadata(Map<String, String> metadata) {
            for (String key : JSON_OBJECTS) {
                if (metadata.containsKey(key)) {
                    jsonObject(key, metadata.get(key));
                }
            }
            String spec = metadata.get("spec");
            if (spec == null) {
                return;
            }
            if (spec.startsWith("{")) {
                jsonObject("spec", spec);
                return;
            }
            int line = 1;
            int start = 0;
            while (start < spec.length()) {
                int end = spec.indexOf('\n', start);
                end = end < 0 ? spec.length() : end;
                int eq = spec.indexOf('=', start);
                if (end > start && (eq < 0 || eq > end)) {
                    throw fail(SafeTensors.METADATA_KEY + " \"spec\" line " + line
                            + " is not key=value (a spec is a JSON object or one key=value per line)");
                }
                start = end + 1;
                line++;
            }
        }

        private void jsonObject(String key, String value) {
            Object parsed;
            try {
                parsed = Json.parse(value);
            } catch (IllegalArgumentException e) {
                throw fail(SafeTensors.METADATA_KEY + " \"" + key + "\" is not valid JSON (" + e.getMessage() + ")");
            }
            if (!(parsed instanceof Map)) {
                throw fail(SafeTensors.METADATA_KEY + " \"" + key + "\" is " + kind(parsed) + ", not a JSON object");
            }
        }

        private static boolean containsZero(long[] shape) {
            for (long d : shape) {
                if (d == 0) {
                    return true;
                }
            }
            return false;
        }

        private static String kind(Object value) {
            if (value == null) {
                return "null";
            }
            if (value instanceof Map) {
                return "an object";
            }
            if (value instanceof List) {
                return "a list";
            }
            if (value instanceof String) {
                return "a string";
            }
            if (value instanceof Boolean) {
                return "a boolean";
            }
            return "a number";
        }

        private static IllegalArgumentException fail(String problem) {
            return new IllegalArgumentException(PREFIX + problem);
        }
    }
}
