package org.circuitbook.widgets.weights;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file written byte by byte with any dtype, as other writers ({@code safetensors.torch.save_file})
 * make them: for reading tests. Tensors are laid out in the order added, with no padding between them.
 */
public final class RawSafeTensors {
    private final Map<String, Object> header = new LinkedHashMap<>();
    private final List<byte[]> data = new ArrayList<>();
    private long offset;

    public RawSafeTensors metadata(Map<String, String> metadata) {
        header.put(SafeTensors.METADATA_KEY, new LinkedHashMap<String, Object>(metadata));
        return this;
    }

    /** Adds tensor {@code name} of {@code dtype} and {@code shape} whose raw little-endian bytes are {@code bytes}. */
    public RawSafeTensors add(String name, String dtype, long[] shape, byte[] bytes) {
        List<Object> dims = new ArrayList<>();
        for (long d : shape) {
            dims.add(d);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("dtype", dtype);
        info.put("shape", dims);
        info.put("data_offsets", List.of(offset, offset + bytes.length));
        header.put(name, info);
        data.add(bytes);
        offset += bytes.length;
        return this;
    }

    /** The file: 8-byte header length, the JSON header padded with spaces to a multiple of 8, the data. */
    public byte[] bytes() {
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[8 + padded + (int) offset];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) ((long) padded >>> (8 * i));
        }
        System.arraycopy(json, 0, out, 8, json.length);
        for (int i = json.length; i < padded; i++) {
            out[8 + i] = ' ';
        }
        int p = 8 + padded;
        for (byte[] d : data) {
            System.arraycopy(d, 0, out, p, d.length);
            p += d.length;
        }
        return out;
    }

    public static byte[] f32(float... values) {
        byte[] out = new byte[4 * values.length];
        for (int i = 0; i < values.length; i++) {
            little(out, 4 * i, Float.floatToRawIntBits(values[i]), 4);
        }
        return out;
    }

    public static byte[] f64(double... values) {
        byte[] out = new byte[8 * values.length];
        for (int i = 0; i < values.length; i++) {
            little(out, 8 * i, Double.doubleToRawLongBits(values[i]), 8);
        }
        return out;
    }

    /** 16-bit elements (F16 or BF16) from their bit patterns. */
    public static byte[] bits16(int... values) {
        byte[] out = new byte[2 * values.length];
        for (int i = 0; i < values.length; i++) {
            little(out, 2 * i, values[i], 2);
        }
        return out;
    }

    public static byte[] bool(boolean... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) (values[i] ? 1 : 0);
        }
        return out;
    }

    private static void little(byte[] out, int at, long value, int width) {
        for (int i = 0; i < width; i++) {
            out[at + i] = (byte) (value >>> (8 * i));
        }
    }
}
