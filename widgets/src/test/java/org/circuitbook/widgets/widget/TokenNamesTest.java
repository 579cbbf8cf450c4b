package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.weights.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A transformer's token names: its language's, its vocab's or its ids, and prompts written and read with them. */
@DisplayName("Token names")
class TokenNamesTest {
    private static TransformerConfig cfg(int vocab, int vocabOut) {
        return new TransformerConfig(1, 8, 2, 4, 0, vocab, vocabOut, 8, "relu", true, null, "standard");
    }

    @Test
    @DisplayName("a file with a language: the language's names, as the book's widgets have always shown them")
    void language() {
        String json = "{\"vocab\": 12, \"successors\": 2, \"noise\": 0.05, \"repeat_probability\": 1.0, \"segment_min\": 2, "
                + "\"segment_max\": 4, \"seed\": 3}";
        TokenNames names = TokenNames.of(Map.of("language", json, "vocab", Json.write(List.of("x"))), cfg(12, 12));
        assertArrayEquals(SyntheticLanguage.tokenNames(12), names.names());
        assertTrue(names.hasLanguage());
        assertEquals(SyntheticLanguage.fromJson(json).settings(), names.language().settings());
        int[] prompt = {0, 5, 11};
        assertEquals(AttentionView.format(prompt), names.format(prompt));
        assertArrayEquals(prompt, names.parse(names.format(prompt)));
        assertEquals(assertThrows(IllegalArgumentException.class, () -> AttentionView.parse("ba zz", 12)).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> names.parse("ba zz")).getMessage());
    }

    @Test
    @DisplayName("a file with a vocab: its strings; a string that cannot be a word is written #ID, and any token may be")
    void vocab() {
        TokenNames names = TokenNames.of(Map.of("vocab", Json.write(List.of("a", " the", "a.b", "x", "x", "", "#3", "\n", "é", "j"))),
                cfg(10, 10));
        assertFalse(names.hasLanguage());
        assertNull(names.language());
        assertArrayEquals(new String[] {"a", " the", "a.b", "x", "x", "", "#3", "\\n", "é", "j"}, names.names());
        int[] all = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertEquals("a #1 #2 #3 #4 #5 #6 \\n é j", names.format(all));
        assertArrayEquals(all, names.parse(names.format(all)));
        assertArrayEquals(new int[] {0, 9, 9}, names.parse("a  j #9"));
        assertEquals("\"b\" is not a token (tokens: a to j, or #0 to #9 by id)",
                assertThrows(IllegalArgumentException.class, () -> names.parse("a b")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> names.parse("#10"));
        assertThrows(IllegalArgumentException.class, () -> names.parse("#"));
        assertThrows(IllegalArgumentException.class, () -> names.parse("#99999999999"));
    }

    @Test
    @DisplayName("a file with neither: the ids; an output vocabulary larger than the input's is named but not typed")
    void ids() {
        TokenNames names = TokenNames.of(Map.of(), cfg(4, 6));
        assertArrayEquals(new String[] {"0", "1", "2", "3", "4", "5"}, names.names());
        assertArrayEquals(new int[] {3, 0, 2}, names.parse("3 0 #2"));
        assertEquals("3 0 2", names.format(new int[] {3, 0, 2}));
        assertEquals("\"4\" is not a token (tokens: 0 to 3, or #0 to #3 by id)",
                assertThrows(IllegalArgumentException.class, () -> names.parse("4")).getMessage());
        TokenNames shortVocab = TokenNames.of(Map.of("vocab", "[\"a\", \"b\"]"), cfg(3, 3));
        assertArrayEquals(new String[] {"a", "b", "2"}, shortVocab.names(), "a vocab too short: ids for the rest");
        assertArrayEquals(new String[] {"0", "1", "2"}, TokenNames.of(Map.of("vocab", "{"), cfg(3, 3)).names(), "not JSON: ids");
    }
}
