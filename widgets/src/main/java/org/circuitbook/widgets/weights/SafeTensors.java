package org.circuitbook.widgets.weights;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * A safetensors file: named float32 tensors plus string metadata.
 *
 * <p>The format (huggingface/safetensors): an 8-byte little-endian unsigned header length {@code N};
 * {@code N} bytes of UTF-8 JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets"}}
 * and the optional {@code "__metadata__"} to a string-to-string map; then the raw little-endian tensor
 * data, offsets counted from the end of the header. Like the reference writer, this one sorts tensors by
 * name, writes compact JSON and pads the header with spaces to a multiple of 8 bytes, so files are
 * byte-for-byte reproducible. The one reader/writer of the project: the generator writes with it and
 * the browser reads with it.
 */
public final class SafeTensors {
    public static final String METADATA_KEY = "__metadata__";
    /** A header larger than this is rejected rather than allocated (the reference reader uses 100 MB). */
    static final long MAX_HEADER = 100_000_000L;

    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    /** Tensors are stored sorted by name; metadata keeps the caller's order. */
    public SafeTensors(Map<String, Tensor> tensors, Map<String, String> metadata) {
        for (String name : tensors.keySet()) {
            if (METADATA_KEY.equals(name)) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA_KEY);
            }
        }
        this.tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor called {@code name}; throws naming the tensors the file does have. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor \"" + name + "\" in weights (has: "
                    + String.join(", ", tensors.keySet()) + ")");
        }
        return t;
    }

    /** Serializes to the safetensors byte layout. */
    public byte[] toBytes() {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(METADATA_KEY, new LinkedHashMap<String, Object>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape()) {
                shape.add((long) d);
            }
            long end = offset + 4L * t.size();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, end));
            header.put(e.getKey(), info);
            offset = end;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[8 + padded + (int) offset];
        writeLong(out, 0, padded);
        System.arraycopy(json, 0, out, 8, json.length);
        for (int i = json.length; i < padded; i++) {
            out[8 + i] = ' ';
        }
        int p = 8 + padded;
        for (Tensor t : tensors.values()) {
            for (float f : t.data()) {
                int bits = Float.floatToRawIntBits(f);
                out[p++] = (byte) bits;
                out[p++] = (byte) (bits >>> 8);
                out[p++] = (byte) (bits >>> 16);
                out[p++] = (byte) (bits >>> 24);
            }
        }
        return out;
    }

    /** Parses a safetensors file; throws {@link IllegalArgumentException} saying what is malformed. */
    public static SafeTensors fromBytes(byte[] bytes) {
        if (bytes.length < 8) {
            throw new IllegalArgumentException("safetensors: file is " + bytes.length
                    + " bytes, shorter than the 8-byte header length");
        }
        long headerLength = readLong(bytes, 0);
        if (headerLength < 0 || headerLength > MAX_HEADER || 8 + headerLength > bytes.length) {
            throw new IllegalArgumentException("safetensors: header length " + headerLength
                    + " does not fit a file of " + bytes.length + " bytes");
        }
        int dataStart = 8 + (int) headerLength;
        Object parsed = Json.parse(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8).trim());
        if (!(parsed instanceof Map<?, ?> header)) {
            throw new IllegalArgumentException("safetensors: header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        long dataLength = bytes.length - dataStart;
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (METADATA_KEY.equals(name)) {
                if (!(e.getValue() instanceof Map<?, ?> meta)) {
                    throw new IllegalArgumentException("safetensors: " + METADATA_KEY + " is not an object");
                }
                for (Map.Entry<?, ?> m : meta.entrySet()) {
                    if (!(m.getValue() instanceof String s)) {
                        throw new IllegalArgumentException("safetensors: metadata value \"" + m.getKey()
                                + "\" is not a string");
                    }
                    metadata.put((String) m.getKey(), s);
                }
                continue;
            }
            tensors.put(name, readTensor(name, e.getValue(), bytes, dataStart, dataLength));
        }
        return new SafeTensors(tensors, metadata);
    }

    private static Tensor readTensor(String name, Object infoValue, byte[] bytes, int dataStart, long dataLength) {
        if (!(infoValue instanceof Map<?, ?> info)) {
            throw new IllegalArgumentException("safetensors: entry \"" + name + "\" is not an object");
        }
        Object dtype = info.get("dtype");
        if (!"F32".equals(dtype)) {
            throw new IllegalArgumentException("safetensors: tensor \"" + name + "\" has dtype " + dtype
                    + "; only F32 is supported");
        }
        List<?> shapeList = asList(info.get("shape"), name, "shape");
        List<?> offsets = asList(info.get("data_offsets"), name, "data_offsets");
        int[] shape = new int[shapeList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = asLong(shapeList.get(i), name, "shape");
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("safetensors: tensor \"" + name + "\" has dimension " + d);
            }
            shape[i] = (int) d;
            count *= d;
        }
        if (offsets.size() != 2) {
            throw new IllegalArgumentException("safetensors: tensor \"" + name + "\" data_offsets must be [begin, end]");
        }
        long begin = asLong(offsets.get(0), name, "data_offsets");
        long end = asLong(offsets.get(1), name, "data_offsets");
        if (begin < 0 || end < begin || end > dataLength) {
            throw new IllegalArgumentException("safetensors: tensor \"" + name + "\" data_offsets [" + begin
                    + ", " + end + "] fall outside the " + dataLength + "-byte data section");
        }
        if (end - begin != 4 * count) {
            throw new IllegalArgumentException("safetensors: tensor \"" + name + "\" has " + (end - begin)
                    + " bytes of data but its shape needs " + (4 * count));
        }
        float[] data = new float[(int) count];
        int p = dataStart + (int) begin;
        for (int i = 0; i < data.length; i++) {
            int bits = (bytes[p] & 0xff) | (bytes[p + 1] & 0xff) << 8 | (bytes[p + 2] & 0xff) << 16
                    | (bytes[p + 3] & 0xff) << 24;
            data[i] = Float.intBitsToFloat(bits);
            p += 4;
        }
        return Tensor.of(data, shape);
    }

    private static List<?> asList(Object value, String name, String field) {
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("safetensors: tensor \"" + name + "\" has no " + field + " list");
        }
        return list;
    }

    private static long asLong(Object value, String name, String field) {
        if (!(value instanceof Long l)) {
            throw new IllegalArgumentException("safetensors: tensor \"" + name + "\" " + field
                    + " holds a non-integer " + value);
        }
        return l;
    }

    private static void writeLong(byte[] out, int at, long value) {
        for (int i = 0; i < 8; i++) {
            out[at + i] = (byte) (value >>> (8 * i));
        }
    }

    private static long readLong(byte[] in, int at) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (in[at + i] & 0xffL);
        }
        return value;
    }
}
