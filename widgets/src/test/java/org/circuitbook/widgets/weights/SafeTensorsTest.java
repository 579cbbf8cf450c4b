package org.circuitbook.widgets.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SafeTensorsTest {

    @Test
    @DisplayName("a written file matches the safetensors format byte for byte")
    void byteForByte() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", Tensor.of(new float[] {1.0f}, 1));
        tensors.put("a", Tensor.of(new float[] {0.5f, -2.0f}, 2, 1));
        byte[] actual = new SafeTensors(tensors, Map.of("k", "v")).toBytes();

        // JSON header: metadata first, then tensors sorted by name, offsets into the data section
        String json = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        int padded = (json.length() + 7) / 8 * 8; // spaces pad the header to a multiple of 8
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 8; i++) {
            expected.write((int) ((long) padded >>> (8 * i)) & 0xff); // u64 little-endian
        }
        expected.writeBytes(json.getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(" ".repeat(padded - json.length()).getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(new byte[] {0, 0, 0, 0x3f});               // 0.5f  = 0x3f000000, little-endian
        expected.writeBytes(new byte[] {0, 0, 0, (byte) 0xc0});        // -2.0f = 0xc0000000
        expected.writeBytes(new byte[] {0, 0, (byte) 0x80, 0x3f});     // 1.0f  = 0x3f800000
        assertArrayEquals(expected.toByteArray(), actual);
        assertEquals(0, (actual.length - 8 - 12) % 8, "the data section starts 8-byte aligned");
    }

    @Test
    @DisplayName("tensors and metadata survive a round trip exactly, including NaN and signed zero")
    void roundTrip() {
        float[] odd = {Float.NaN, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, 1e-30f, 3.14159f};
        Map<String, Tensor> tensors = Map.of("W", Tensor.of(odd, 2, 3), "empty", Tensor.zeros(0));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("spec", "{\"n\": 5, \"quote\": \"\\\"\"}");
        meta.put("unicode", "W\u1d40W \u2192 \u00e9");
        SafeTensors read = SafeTensors.fromBytes(new SafeTensors(tensors, meta).toBytes());
        assertEquals(meta, read.metadata());
        Tensor w = read.tensor("W");
        assertArrayEquals(new int[] {2, 3}, w.shape());
        for (int i = 0; i < odd.length; i++) {
            assertEquals(Float.floatToRawIntBits(odd[i]), Float.floatToRawIntBits(w.data()[i]), "element " + i);
        }
        assertEquals(0, read.tensor("empty").size());
    }

    @Test
    @DisplayName("reads a header written by another writer: spaces, any key order, no metadata")
    void readsForeignHeader() {
        String json = "{ \"x\" : { \"shape\": [2], \"data_offsets\": [0, 8], \"dtype\": \"F32\" } }";
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (int i = 0; i < 8; i++) {
            file.write((int) ((long) json.length() >>> (8 * i)) & 0xff);
        }
        file.writeBytes(json.getBytes(StandardCharsets.US_ASCII));
        file.writeBytes(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40}); // 1.0f, 2.0f
        SafeTensors read = SafeTensors.fromBytes(file.toByteArray());
        assertArrayEquals(new float[] {1, 2}, read.tensor("x").data());
        assertEquals(Map.of(), read.metadata());
    }

    @Test
    @DisplayName("malformed files are rejected with a message saying what is wrong")
    void malformed() {
        assertEquals("safetensors: file is 3 bytes, shorter than the 8-byte header length",
                assertThrows(IllegalArgumentException.class, () -> SafeTensors.fromBytes(new byte[3])).getMessage());
        byte[] good = new SafeTensors(Map.of("x", Tensor.of(new float[] {1, 2}, 2)), Map.of()).toBytes();
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 4);
        assertEquals("safetensors: tensor \"x\" data_offsets [0, 8] fall outside the 4-byte data section",
                assertThrows(IllegalArgumentException.class, () -> SafeTensors.fromBytes(truncated)).getMessage());
        byte[] hugeHeader = good.clone();
        hugeHeader[7] = 0x7f;
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.fromBytes(hugeHeader));
        String f16 = new String(good, StandardCharsets.ISO_8859_1).replace("F32", "F16");
        assertEquals("safetensors: tensor \"x\" has 8 bytes of data but its shape [2] of F16 needs 4",
                assertThrows(IllegalArgumentException.class,
                        () -> SafeTensors.fromBytes(f16.getBytes(StandardCharsets.ISO_8859_1))).getMessage());
    }

    @Test
    @DisplayName("asking for a missing tensor names the ones the file has")
    void missingTensor() {
        SafeTensors file = new SafeTensors(Map.of("W", Tensor.zeros(1), "b_final", Tensor.zeros(1)), Map.of());
        assertEquals("no tensor \"W_E\" in weights (has: W, b_final)",
                assertThrows(IllegalArgumentException.class, () -> file.tensor("W_E")).getMessage());
    }

    @Test
    @DisplayName("JSON parses and writes nested values, escapes and numbers")
    void json() {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, true, null], \"s\": \"q\\\"\\u00e9\\n\"} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(java.util.Arrays.asList(1L, -2500.0, true, null), m.get("a"));
        assertEquals(1L, ((List<?>) m.get("a")).get(0));
        assertEquals(-2500.0, ((List<?>) m.get("a")).get(1));
        assertEquals("q\"\u00e9\n", m.get("s"));
        assertEquals("{\"a\":[1,-2500,true,null],\"s\":\"q\\\"\u00e9\\n\"}", Json.write(v));
        assertEquals("JSON at offset 7: expected ',' or '}'",
                assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1 \"b\":2}")).getMessage());
    }
}
