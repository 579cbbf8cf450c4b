package org.circuitbook.generator.cite;

import de.undercouch.citeproc.csl.CSLName;
import de.undercouch.citeproc.csl.CSLNameBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a BibTeX name list ({@code A and B and C}) into CSL names, BibTeX's way: "First von Last",
 * "von Last, First" or "von Last, Jr, First", a lower-case word starts the "von" part, and braces
 * hold words together ({@code {Barack Obama}} is one name, {@code de la {Vallée Poussin}} one family).
 * Takes the output of {@link LatexText#names}: LaTeX already decoded, groups still in braces.
 * citeproc-java's own name parser cuts a family name at a brace inside it and drops digits.
 * Runs in time linear in the list's length, however many names it holds.
 */
final class BibNames {
    private BibNames() {
    }

    private static final String COMMA = ",";

    static CSLName[] parse(String list) {
        List<CSLName> names = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String token : tokens(list)) {
            if (token.equalsIgnoreCase("and")) {
                add(current, names);
                current = new ArrayList<>();
            } else {
                current.add(token);
            }
        }
        add(current, names);
        return names.toArray(new CSLName[0]);
    }

    /** Words and commas at brace depth 0; a word keeps its groups' braces. */
    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (depth == 0 && (Character.isWhitespace(c) || c == ',')) {
                if (!word.isEmpty()) {
                    out.add(word.toString());
                    word.setLength(0);
                }
                if (c == ',') {
                    out.add(COMMA);
                }
                continue;
            }
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth = Math.max(0, depth - 1);
            }
            word.append(c);
        }
        if (!word.isEmpty()) {
            out.add(word.toString());
        }
        return out;
    }

    private static void add(List<String> tokens, List<CSLName> names) {
        List<List<String>> parts = new ArrayList<>();
        parts.add(new ArrayList<>());
        for (String t : tokens) {
            if (t == COMMA) { // identity: a word "," cannot come out of tokens()
                parts.add(new ArrayList<>());
            } else {
                parts.get(parts.size() - 1).add(t);
            }
        }
        parts.removeIf(List::isEmpty);
        if (parts.isEmpty()) {
            return;
        }
        CSLNameBuilder b = new CSLNameBuilder();
        List<String> first = List.of();
        List<String> jr = List.of();
        List<String> vonLast;
        if (parts.size() == 1) { // First von Last
            List<String> w = parts.get(0);
            if (w.size() == 1 && wholeGroup(w.get(0))) {
                if (!plain(w.get(0)).isEmpty()) { // "{}" names nobody
                    names.add(b.literal(plain(w.get(0))).build());
                }
                return;
            }
            int von = -1;
            for (int i = 0; i < w.size() - 1 && von < 0; i++) {
                von = lowerCase(w.get(i)) ? i : -1;
            }
            int split = von < 0 ? w.size() - 1 : von;
            first = w.subList(0, split);
            vonLast = w.subList(split, w.size());
        } else { // von Last, First  or  von Last, Jr, First
            vonLast = parts.get(0);
            if (parts.size() == 2) {
                first = parts.get(1);
            } else {
                jr = parts.get(1);
                first = new ArrayList<>();
                for (List<String> p : parts.subList(2, parts.size())) {
                    first.addAll(p);
                }
            }
        }
        int lastVon = -1; // the von part runs to its last lower-case word; Last keeps at least one word
        if (!vonLast.isEmpty() && lowerCase(vonLast.get(0))) {
            for (int i = 0; i < vonLast.size() - 1; i++) {
                if (lowerCase(vonLast.get(i))) {
                    lastVon = i;
                }
            }
        }
        String family = join(vonLast.subList(lastVon + 1, vonLast.size()));
        if (family.isEmpty() && join(first).isEmpty()) {
            return;
        }
        b.family(family);
        if (lastVon >= 0) {
            b.nonDroppingParticle(join(vonLast.subList(0, lastVon + 1)));
        }
        if (!first.isEmpty()) {
            b.given(join(first));
        }
        if (!jr.isEmpty()) {
            b.suffix(join(jr));
        }
        names.add(b.build());
    }

    /** BibTeX's "von" test: the first letter outside braces is lower case; a word opening with a group is not. */
    private static boolean lowerCase(String word) {
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '{') {
                return false;
            }
            if (Character.isLetter(c)) {
                return Character.isLowerCase(c);
            }
        }
        return false;
    }

    private static boolean wholeGroup(String word) {
        if (!word.startsWith("{") || !word.endsWith("}")) {
            return false;
        }
        int depth = 0;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (depth == 0 && i < word.length() - 1) {
                return false; // {A} {B}-like: closes before the end
            }
        }
        return true;
    }

    private static String join(List<String> words) {
        return plain(String.join(" ", words));
    }

    private static String plain(String s) {
        return s.replace("{", "").replace("}", "").trim();
    }
}
