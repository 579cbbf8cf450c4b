package org.circuitbook.widgets.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Hand-built files, each broken in one way, and the sentence each gets. */
@DisplayName("The safetensors validator")
class SafeTensorsValidatorTest {
    /** Eight bytes of header length, the header, then {@code data}. */
    private static byte[] file(String header, int dataBytes) {
        return file(header.getBytes(StandardCharsets.UTF_8), new byte[dataBytes]);
    }

    private static byte[] file(byte[] header, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 8; i++) {
            out.write((int) ((long) header.length >>> (8 * i)) & 0xff);
        }
        out.writeBytes(header);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static String problem(String header, int dataBytes) {
        return SafeTensorsValidator.problem(file(header, dataBytes));
    }

    private static final String TWO = "\"W_E\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
            + "\"W_pos\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}";

    @Test
    @DisplayName("accepts what the writer writes, another writer's spacing, empty tensors and a file of metadata only")
    void accepts() {
        byte[] written = new SafeTensors(Map.of("b", Tensor.of(new float[] {1, 2}, 2), "empty", Tensor.of(new float[0], 0, 3)),
                Map.of("metrics", "{\"loss\":[1,0.5]}", "spec", "n=5\nd=2\n", "config", "{}")).toBytes();
        SafeTensorsValidator.Header header = SafeTensorsValidator.validate(written);
        assertEquals(List.of("b", "empty"), header.tensors().stream().map(SafeTensorsValidator.Entry::name).toList());
        assertArrayEquals(new long[] {0, 3}, header.tensors().get(1).shape());
        assertNull(problem("{ " + TWO + " , \"__metadata__\" : {\"a\": \"b\"} }   ", 24));
        assertNull(problem("{\"__metadata__\":{\"spec\":\"{\\\"n\\\":5}\"}}", 0));
        assertNull(problem("{\"s\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[0,2]}}", 2), "a scalar");
    }

    @Test
    @DisplayName("rejects a header length that does not fit the file or the limit, and a header that is not a JSON object")
    void header() {
        assertEquals("file is 7 bytes, shorter than the 8-byte header length", SafeTensorsValidator.problem(new byte[7]));
        byte[] huge = file("{}", 0);
        huge[4] = 1;
        assertEquals("header length 4294967298 is over the limit of 100000000 bytes", SafeTensorsValidator.problem(huge));
        huge[7] = (byte) 0x80;
        assertEquals("header length is over the limit of 100000000 bytes", SafeTensorsValidator.problem(huge));
        byte[] past = file("{}", 0);
        past[0] = 9;
        assertEquals("header length 9 does not fit a file of 10 bytes", SafeTensorsValidator.problem(past));
        assertEquals("header does not start with '{'", problem(" {}", 0));
        assertEquals("header does not start with '{'", problem("", 0));
        assertEquals("header is not valid JSON (JSON at offset 7: expected ',' or '}')", problem("{\"a\":1 \"b\":2}", 0));
        assertEquals("header is not valid JSON (JSON at offset 118: duplicate key \"W_E\")",
                problem("{" + TWO + ",\"W_E\":{}}", 24));
        assertEquals("header is not valid JSON (JSON at offset 3: unexpected trailing characters)", problem("{}\n}", 0));
        assertEquals("header is not valid JSON (JSON at offset 68: nested deeper than 64 levels)",
                problem("{\"a\":" + "[".repeat(100_000) + "}", 0));
        assertEquals("header is not valid UTF-8 (byte 6 of the header)",
                SafeTensorsValidator.problem(file(new byte[] {'{', '"', '_', '_', '"', ':', (byte) 0xc0, (byte) 0xaf, '}'}, new byte[0])));
        assertEquals("header is not valid UTF-8 (byte 2 of the header)",
                SafeTensorsValidator.problem(file(new byte[] {'{', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'}, new byte[0])),
                "a UTF-16 surrogate");
        assertEquals("header is not valid UTF-8 (byte 1 of the header)",
                SafeTensorsValidator.problem(file(new byte[] {'{', (byte) 0xe2, (byte) 0x82}, new byte[0])), "cut short");
    }

    @Test
    @DisplayName("rejects a tensor entry without a known dtype, a whole shape or [begin, end] offsets")
    void entries() {
        assertEquals("tensor \"W\" is a list, not an object with dtype, shape and data_offsets", problem("{\"W\":[]}", 0));
        assertEquals("tensor \"W\" has an unknown field \"stride\" (a tensor has dtype, shape and data_offsets)",
                problem("{\"W\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"stride\":1}}", 4));
        assertEquals("tensor \"W\" has no dtype string", problem("{\"W\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
        assertEquals("tensor \"W\" has unknown dtype \"F33\" (known: BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16,"
                + " I32, U32, F32, F64, I64, U64)", problem("{\"W\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
        assertEquals("tensor \"W\" has no shape list", problem("{\"W\":{\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,4]}}", 4));
        assertEquals("tensor \"W\" has shape [2,-1]: dimensions must be whole numbers of at least 0",
                problem("{\"W\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,4]}}", 4));
        assertEquals("tensor \"W\" has shape [2.5]: dimensions must be whole numbers of at least 0",
                problem("{\"W\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,4]}}", 4));
        assertEquals("tensor \"W\" has shape [4294967296,4294967296], too large to address",
                problem("{\"W\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", 4));
        assertEquals("tensor \"W\" data_offsets must be [begin, end], whole numbers, got [0]",
                problem("{\"W\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4));
        assertEquals("tensor \"W\" data_offsets must be [begin, end], whole numbers, got nothing",
                problem("{\"W\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4));
        assertEquals("tensor \"W\" data_offsets [4, 0] fall outside the 4-byte data section",
                problem("{\"W\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4));
        assertEquals("tensor \"W\" data_offsets [0, 8] fall outside the 4-byte data section",
                problem("{\"W\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4));
        assertEquals("tensor \"W\" has 8 bytes of data but its shape [3] of F32 needs 12",
                problem("{\"W\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        assertEquals("tensor \"W\" has 4 bytes of data but its shape [0,5] of F32 needs 0",
                problem("{\"W\":{\"dtype\":\"F32\",\"shape\":[0,5],\"data_offsets\":[0,4]}}", 4));
    }

    @Test
    @DisplayName("rejects tensors that overlap or leave bytes of the data section to no tensor")
    void layout() {
        assertEquals("tensor \"W_pos\" (bytes 8 to 16) overlaps tensor \"W_E\" (bytes 0 to 16)",
                problem("{\"W_E\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                        + "\"W_pos\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16));
        assertEquals("tensor \"b\" (bytes 0 to 16) overlaps tensor \"a\" (bytes 0 to 16)",
                problem("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16), "aliased");
        assertEquals("bytes 0 to 8 of the data section belong to no tensor (before the first, \"W_pos\")",
                problem("{\"W_pos\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16));
        assertEquals("bytes 16 to 20 of the data section belong to no tensor (between \"W_E\" and \"W_pos\")",
                problem("{\"W_E\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                        + "\"W_pos\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[20,28]}}", 28));
        assertEquals("bytes 24 to 32 of the data section belong to no tensor (after the last, \"W_pos\")", problem("{" + TWO + "}", 32));
        assertEquals("bytes 0 to 4 of the data section belong to no tensor (the file has no tensors)", problem("{}", 4));
    }

    @Test
    @DisplayName("rejects metadata that is not strings, and project metadata whose JSON does not parse as an object")
    void metadata() {
        assertEquals("__metadata__ is a list, not an object of strings", problem("{\"__metadata__\":[]}", 0));
        assertEquals("__metadata__ value \"step\" is a number, not a string", problem("{\"__metadata__\":{\"step\":3}}", 0));
        assertEquals("__metadata__ \"metrics\" is not valid JSON (JSON at offset 8: unexpected end of input)",
                problem("{\"__metadata__\":{\"metrics\":\"{\\\"loss\\\":\"}}", 0));
        assertEquals("__metadata__ \"metrics\" is a list, not a JSON object",
                problem("{\"__metadata__\":{\"metrics\":\"[1,2]\"}}", 0));
        assertEquals("__metadata__ \"config\" is a string, not a JSON object",
                problem("{\"__metadata__\":{\"config\":\"\\\"d_model\\\"\"}}", 0));
        assertEquals("__metadata__ \"language\" is not valid JSON (JSON at offset 0: unexpected character 'v')",
                problem("{\"__metadata__\":{\"language\":\"vocab=48\"}}", 0));
        assertEquals("__metadata__ \"spec\" is not valid JSON (JSON at offset 8: expected ',' or '}')",
                problem("{\"__metadata__\":{\"spec\":\"{\\\"n\\\": 5 junk}\"}}", 0));
        assertEquals("__metadata__ \"spec\" line 2 is not key=value (a spec is a JSON object or one key=value per line)",
                problem("{\"__metadata__\":{\"spec\":\"n=5\\njunk\\n\"}}", 0));
    }

    @Test
    @DisplayName("is what SafeTensors.fromBytes reads through, so the browser and the generator get the same sentence")
    void readerUsesIt() {
        byte[] overlapping = file("{\"W_E\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"W_pos\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16);
        assertEquals("safetensors: tensor \"W_pos\" (bytes 8 to 16) overlaps tensor \"W_E\" (bytes 0 to 16)",
                assertThrows(IllegalArgumentException.class, () -> SafeTensors.fromBytes(overlapping)).getMessage());
        assertEquals("safetensors: tensor \"h\" has dtype I16; only F32, F16, BF16, F64, BOOL are supported (read as "
                + "float32)", assertThrows(IllegalArgumentException.class, () -> SafeTensors.fromBytes(
                        file("{\"h\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4))).getMessage());
        assertEquals(4, SafeTensorsValidator.dtypeSize("F32"));
        assertEquals(-1, SafeTensorsValidator.dtypeSize("F33"));
    }
}
