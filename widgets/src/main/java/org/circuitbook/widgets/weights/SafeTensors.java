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
 * A safetensors file: named float32 tensors plus string metadata (other floating dtypes and BOOL are read into
 * float32, {@link #fromBytes}).
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
        Map<String, int[]> shapes = new LinkedHashMap<>();
        long data = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            shapes.put(e.getKey(), e.getValue().shape());
            data += 4L * e.getValue().size();
        }
        byte[] head = header(metadata, shapes);
        byte[] out = new byte[head.length + (int) data];
        System.arraycopy(head, 0, out, 0, head.length);
        int p = head.length;
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

    /**
     * What a safetensors file starts with, before its data: the header's length (8 bytes, little-endian), then the
     * header, mapping {@code metadata} (when not empty) and each tensor of {@code shapes}, in its order, to F32, its
     * shape and its data offsets (the tensors' float32 data follow one after another, in the same order), padded
     * with spaces to a multiple of 8 bytes. {@link #toBytes} writes it; so does a writer that streams the data.
     */
    public static byte[] header(Map<String, ?> metadata, Map<String, int[]> shapes) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(METADATA_KEY, new LinkedHashMap<String, Object>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            List<Object> shape = new ArrayList<>();
            long size = 1;
            for (int d : e.getValue()) {
                shape.add((long) d);
                size *= d;
            }
            long end = offset + 4L * size;
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, end));
            header.put(e.getKey(), info);
            offset = end;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[8 + padded];
        writeLong(out, 0, padded);
        System.arraycopy(json, 0, out, 8, json.length);
        for (int i = json.length; i < padded; i++) {
            out[8 + i] = ' ';
        }
        return out;
    }

    /** The dtypes {@link #fromBytes} reads, each into float32 (the project's models compute in float32). */
    public static final List<String> READ_DTYPES = List.of("F32", "F16", "BF16", "F64", "BOOL");

    /**
     * Parses a safetensors file after {@link SafeTensorsValidator} has checked all of it; throws
     * {@link IllegalArgumentException} saying what is malformed. Every tensor becomes float32: F32 as it is; F16,
     * BF16 and BOOL (as 0 and 1) exactly; F64 rounded to the nearest float (what computing in float32 does with it).
     * Shapes may be [] (a scalar, one element), as TransformerLens's {@code IGNORE} buffer. The integer and 8-bit
     * float dtypes are refused, naming the tensor. {@link #toBytes} writes every tensor back as F32.
     */
    public static SafeTensors fromBytes(byte[] bytes) {
        SafeTensorsValidator.Header header = SafeTensorsValidator.validate(bytes);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (SafeTensorsValidator.Entry e : header.tensors()) {
            if (!READ_DTYPES.contains(e.dtype())) {
                throw new IllegalArgumentException("safetensors: tensor \"" + e.name() + "\" has dtype " + e.dtype()
                        + "; only " + String.join(", ", READ_DTYPES) + " are supported (read as float32)");
            }
            int[] shape = new int[e.shape().length];
            for (int i = 0; i < shape.length; i++) {
                if (e.shape()[i] > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("safetensors: tensor \"" + e.name() + "\" has dimension "
                            + e.shape()[i] + ", too large for this reader");
                }
                shape[i] = (int) e.shape()[i];
            }
            // the validator checked that the range lies in the file and holds exactly the shape's elements
            int width = SafeTensorsValidator.dtypeSize(e.dtype());
            long count = (e.end() - e.begin()) / width;
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("safetensors: tensor \"" + e.name() + "\" has " + count
                        + " elements, too many for this reader");
            }
            float[] data = new float[(int) count];
            int p = header.dataStart() + (int) e.begin();
            for (int i = 0; i < data.length; i++, p += width) {
                data[i] = element(bytes, p, e.dtype());
            }
            tensors.put(e.name(), Tensor.of(data, shape));
        }
        return new SafeTensors(tensors, header.metadata());
    }

    /** The element of {@code dtype} (one of {@link #READ_DTYPES}) at byte {@code p}, little-endian, as a float. */
    private static float element(byte[] b, int p, String dtype) {
        switch (dtype) {
            case "F32":
                return Float.intBitsToFloat((b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16
                        | (b[p + 3] & 0xff) << 24);
            case "BF16": // the top half of a float32
                return Float.intBitsToFloat(((b[p] & 0xff) | (b[p + 1] & 0xff) << 8) << 16);
            case "F16":
                return halfToFloat((b[p] & 0xff) | (b[p + 1] & 0xff) << 8);
            case "F64": {
                long bits = 0;
                for (int i = 7; i >= 0; i--) {
                    bits = bits << 8 | (b[p + i] & 0xff);
                }
                return (float) Double.longBitsToDouble(bits);
            }
            case "BOOL":
                return b[p] != 0 ? 1f : 0f;
            default:
                throw new IllegalStateException("dtype " + dtype + " passed the check but has no reader");
        }
    }

    /** IEEE 754 binary16 to float, exactly (subnormals, infinities and NaN included). */
    static float halfToFloat(int h) {
        int sign = (h >>> 15) & 1;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        float magnitude;
        if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f; // subnormal: mantissa * 2^-24, exact in float
        } else if (exponent == 31) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            magnitude = Float.intBitsToFloat((exponent - 15 + 127) << 23 | mantissa << 13);
        }
        return sign == 1 ? -magnitude : magnitude;
    }

    private static void writeLong(byte[] out, int at, long value) {
        for (int i = 0; i < 8; i++) {
            out[at + i] = (byte) (value >>> (8 * i));
        }
    }
}
