package org.circuitbook.widgets.widget;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;

/**
 * What a transformer's tokens are called in a widget, and how a prompt the reader types reads back into token ids: one
 * choice, shared by every widget that shows a transformer's tokens.
 *
 * <ul>
 *   <li>a file with {@code __metadata__["language"]} (the book's models, trained on {@link SyntheticLanguage}): the
 *       language's pronounceable names ({@link SyntheticLanguage#tokenNames});</li>
 *   <li>else a file with {@code __metadata__["vocab"]} (a model trained elsewhere, imported with its tokenizer's
 *       strings): those strings;</li>
 *   <li>else the token ids, {@code "0"}, {@code "1"}, ...</li>
 * </ul>
 *
 * <p>A prompt is written as words separated by spaces (a {@link Control#words} field, whose URL form writes the spaces as
 * dots). A token is written by its name where the name can be a word: not empty, no space, none of {@code . & = # %}
 * (the URL fragment's separators), and no other token's name; any token may also be written {@code #ID} (e.g.
 * {@code #17}), which is how {@link #format} writes a token whose name cannot be a word (a vocab's {@code " the"}). Ids at
 * or above the input vocabulary ({@code d_vocab}) but below {@code d_vocab_out} have names (a prediction may be one)
 * but cannot be typed.
 */
public final class TokenNames {
    private final String[] names;
    private final String[] words;
    private final Map<String, Integer> byWord = new HashMap<>();
    private final int inputs;
    private final String languageJson;
    private final boolean languageNames;

    private TokenNames(String[] names, int inputs, String languageJson, boolean languageNames) {
        this.names = names;
        this.inputs = inputs;
        this.languageJson = languageJson;
        this.languageNames = languageNames;
        words = new String[names.length];
        Map<String, Integer> count = new HashMap<>();
        for (String n : names) {
            count.merge(n, 1, Integer::sum);
        }
        for (int t = 0; t < names.length; t++) {
            boolean word = isWord(names[t]) && count.get(names[t]) == 1;
            words[t] = word ? names[t] : "#" + t;
            if (word && t < inputs) {
                byWord.put(names[t], t);
            }
        }
    }

    /** The names for the model in {@code file} (its config {@code cfg}): its language's, its vocab's, or its ids. */
    public static TokenNames of(SafeTensors file, TransformerConfig cfg) {
        return of(file.metadata(), cfg);
    }

    /** The names for a model whose file's {@code __metadata__} is {@code metadata} and whose config is {@code cfg}. */
    public static TokenNames of(Map<String, String> metadata, TransformerConfig cfg) {
        int n = Math.max(cfg.d_vocab(), cfg.d_vocab_out());
        String language = metadata.get("language");
        if (language != null) {
            return new TokenNames(SyntheticLanguage.tokenNames(n), cfg.d_vocab(), language, true);
        }
        String[] names = new String[n];
        List<?> vocab = vocab(metadata.get("vocab"));
        for (int t = 0; t < n; t++) {
            names[t] = vocab != null && t < vocab.size() && vocab.get(t) instanceof String s ? shown(s) : Integer.toString(t);
        }
        return new TokenNames(names, cfg.d_vocab(), null, false);
    }

    private static List<?> vocab(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.parse(json) instanceof List<?> list ? list : null;
        } catch (RuntimeException e) {
            return null; // a vocab that is not a JSON list: the ids
        }
    }

    /** {@code name} with each control character written out ({@code \\n}, {@code \\t}, {@code \\u0000}): drawable, and valid XML. */
    static String shown(String name) {
        StringBuilder out = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c) && !validSurrogate(name, i)) {
                if (out == null) {
                    out = new StringBuilder(name.substring(0, i));
                }
                String hex = Integer.toHexString(c);
                out.append(c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : "\\u" + "0000".substring(hex.length()) + hex);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? name : out.toString();
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static boolean isWord(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c) || ".&=#%".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the model was trained on the book's synthetic language (its file says which). */
    public boolean hasLanguage() {
        return languageJson != null;
    }

    /** The model's synthetic language, rebuilt from the file's settings; null for a model without one. */
    public SyntheticLanguage language() {
        return languageJson == null ? null : SyntheticLanguage.fromJson(languageJson);
    }

    /**
     * Every token's name, by id: {@code max(d_vocab, d_vocab_out)} of them (a copy); a vocab's control characters are
     * written out ({@link #shown}).
     */
    public String[] names() {
        return names.clone();
    }

    /** Token {@code id}'s name. */
    public String name(int id) {
        return names[id];
    }

    /** Token {@code id} as a prompt field writes it: its name where that can be a word, else {@code #ID}; unique. */
    public String word(int id) {
        return words[id];
    }

    /** {@code tokens} as a prompt field writes them: each token's word, separated by spaces. */
    public String format(int[] tokens) {
        StringBuilder s = new StringBuilder();
        for (int t : tokens) {
            s.append(s.length() == 0 ? "" : " ").append(words[t]);
        }
        return s.toString();
    }

    /**
     * The tokens of {@code text}, words separated by spaces (a name, or {@code #ID}); an {@link IllegalArgumentException}
     * naming the first word that is no token and saying which are.
     */
    public int[] parse(String text) {
        String[] parts = Fmt.split(text, ' ').toArray(new String[0]);
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Integer t = byWord.get(parts[i]);
            out[i] = t != null ? t : id(parts[i]);
            if (out[i] < 0) {
                throw new IllegalArgumentException("\"" + parts[i] + "\" is not a token (tokens: " + range() + ")");
            }
        }
        return out;
    }

    /** The id of a word {@code #ID} below d_vocab, else -1. */
    private int id(String word) {
        if (word.length() < 2 || word.charAt(0) != '#' || word.length() > 11) {
            return -1;
        }
        for (int i = 1; i < word.length(); i++) {
            if (word.charAt(i) < '0' || word.charAt(i) > '9') {
                return -1;
            }
        }
        long id = Long.parseLong(word.substring(1));
        return id < inputs ? (int) id : -1;
    }

    private String range() {
        if (languageNames) { // as the book's widgets have always said it
            return names[0] + " to " + names[inputs - 1];
        }
        return words[0] + " to " + words[inputs - 1] + (words[0].startsWith("#") && words[inputs - 1].startsWith("#")
                ? "" : ", or #0 to #" + (inputs - 1) + " by id");
    }
}
