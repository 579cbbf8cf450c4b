package org.circuitbook.generator.cite;

import org.jbibtex.BibTeXDatabase;
import org.jbibtex.BibTeXEntry;
import org.jbibtex.BibTeXParser;
import org.jbibtex.BibTeXString;
import org.jbibtex.CrossReferenceValue;
import org.jbibtex.Key;
import org.jbibtex.ParseException;
import org.jbibtex.Token;
import org.jbibtex.TokenMgrException;
import org.jbibtex.Value;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses a .bib text chunk by chunk (see {@link BibScanner}) and reports problems with positions. */
final class BibParser extends BibTeXParser {

    /** A parsed entry and the 1-based line and column of its '@'. */
    record Parsed(BibTeXEntry entry, int line, int column) {
    }

    /** The BibTeX fields that citeproc-java maps to variables the APA style prints. */
    private static final Set<String> PRINTED_FIELDS = Set.of("author", "editor", "title", "booktitle", "journal",
            "journaltitle", "publisher", "address", "location", "edition", "series", "volume", "number", "issue",
            "pages", "institution", "organization", "school", "type", "chapter", "howpublished", "year", "month",
            "date", "status", "revision");

    private static final Pattern LEXICAL_AT = Pattern.compile("line (\\d+), column (\\d+)\\.\\s*(.*)", Pattern.DOTALL);

    private final BibScanner scanner;
    private final Consumer<BibProblem> problems;
    private BibScanner.Chunk chunk;
    /** The undefined @string names used in the current chunk: reported once, as such. */
    private final Set<String> undefined = new java.util.HashSet<>();

    private BibParser(String text, Consumer<BibProblem> problems) throws ParseException {
        this.scanner = new BibScanner(text);
        this.problems = problems;
    }

    /** Returns the entries by lower-cased key (BibTeX keys are case-insensitive), in file order. */
    static Map<String, Parsed> parse(String text, Consumer<BibProblem> problems) {
        BibParser p;
        try {
            p = new BibParser(text, problems);
        } catch (ParseException e) {
            throw new IllegalStateException(e); // parsing the empty string never fails
        }
        Map<String, Parsed> entries = new LinkedHashMap<>();
        for (BibScanner.Chunk c : p.scanner.scan(problems)) {
            p.chunk = c;
            p.undefined.clear();
            p.parseChunk(entries);
        }
        p.inheritCrossrefs(entries);
        return entries;
    }

    private void parseChunk(Map<String, Parsed> entries) {
        int line = scanner.line(chunk.offset());
        int column = scanner.column(chunk.offset());
        String what = chunk.key() != null && !chunk.key().isEmpty() ? "Entry '" + chunk.key() + "'" : "@" + chunk.type();
        if (!chunk.closed()) {
            String next = chunk.nextEntryOffset() < scanner.length()
                    ? "before the next entry on line " + scanner.line(chunk.nextEntryOffset()) : "before the end of the file";
            report(line, column, what + " is not closed", "A '}' is missing " + next + "; this entry is skipped.");
            return;
        }
        if (chunk.tooDeepAt() >= 0) {
            report(scanner.line(chunk.tooDeepAt()), scanner.column(chunk.tooDeepAt()),
                    "Braces nested more than " + BibScanner.MAX_BRACE_DEPTH + " deep in " + lowerFirst(what),
                    "One pair of braces keeps a word as written, e.g. {GPU}; this entry is skipped.");
            return;
        }
        BibTeXDatabase db;
        try {
            db = parse(new StringReader(chunk.text()));
        } catch (ParseException e) {
            reportSyntax(e, what);
            return;
        } catch (TokenMgrException e) {
            Matcher m = LEXICAL_AT.matcher(String.valueOf(e.getMessage()));
            boolean at = m.find();
            reportAt(at ? Integer.parseInt(m.group(1)) : 1, at ? Integer.parseInt(m.group(2)) : 1,
                    "Unexpected character" + (at ? " " + m.group(3).trim() : ""), what + " is skipped.");
            return;
        }
        for (BibTeXString s : db.getStrings().values()) {
            addMacro(s); // later chunks see earlier @string definitions, as in BibTeX
        }
        if (chunk.type().equals("string")) {
            checkValues(null, null);
        }
        for (BibTeXEntry e : db.getEntries().values()) {
            if (chunk.key() == null || chunk.key().isEmpty()) {
                report(line, column, "@" + chunk.type() + " entry has no citation key",
                        "Write @" + chunk.type() + "{key, ...}; this entry is skipped.");
                continue;
            }
            String key = e.getKey().getValue();
            Parsed first = entries.get(key.toLowerCase(Locale.ROOT));
            if (first != null) {
                report(scanner.line(chunk.keyOffset()), scanner.column(chunk.keyOffset()),
                        "Duplicate citation key '" + key + "'",
                        "First defined on line " + first.line() + "; this entry is ignored.");
                continue;
            }
            entries.put(key.toLowerCase(Locale.ROOT), new Parsed(e, line, column));
            checkValues(key, e);
        }
    }

    /**
     * Reports LaTeX that {@link LatexText} cannot decode, at its position, in the fields the APA
     * style prints (and in @string values, which any of them may use; other fields are not shown),
     * and a year, month or date that is none.
     */
    private void checkValues(String key, BibTeXEntry entry) {
        Map<String, Integer> firstPiece = new HashMap<>();
        for (BibFields.Piece piece : BibFields.pieces(chunk.text(), key != null)) {
            String field = piece.field().toLowerCase(Locale.ROOT);
            firstPiece.putIfAbsent(field, chunk.offset() + piece.offset());
            if (key != null && !PRINTED_FIELDS.contains(field)) {
                continue;
            }
            String where = key == null ? " in @string '" + piece.field() + "'"
                    : " in field '" + field + "' of entry '" + key + "'";
            LatexText.Problems at = (offset, message, hint) -> {
                int abs = chunk.offset() + piece.offset() + offset;
                report(scanner.line(abs), scanner.column(abs), message + where, hint);
            };
            if (field.equals("author") || field.equals("editor")) {
                LatexText.names(piece.text(), at);
            } else {
                LatexText.text(piece.text(), at);
            }
        }
        if (entry == null) {
            return;
        }
        for (Map.Entry<Key, Value> f : entry.getFields().entrySet()) {
            String field = f.getKey().getValue().toLowerCase(Locale.ROOT);
            String value = f.getValue().toUserString();
            String[] problem = undefined.contains(value.trim()) ? null : BibDates.problem(field, value);
            problem = problem != null || undefined.contains(value.trim()) ? problem : BibNumbers.problem(field, value);
            if (problem != null) {
                int at = firstPiece.getOrDefault(field, chunk.offset());
                report(scanner.line(at), scanner.column(at), "Entry '" + key + "' " + problem[0], problem[1]);
            }
        }
    }

    private static String lowerFirst(String s) {
        return s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }

    private void reportSyntax(ParseException e, String what) {
        Token last = e.currentToken;
        Token bad = last == null ? null : last.next;
        if (bad == null) { // jbibtex ran off the end of the chunk inside a value
            report(scanner.line(chunk.offset()), scanner.column(chunk.offset()), what + " ends inside a field value",
                    "Check for an unbalanced '\"' or '{'; this entry is skipped.");
            return;
        }
        TreeSet<String> expected = new TreeSet<>();
        if (e.expectedTokenSequences != null) {
            for (int[] seq : e.expectedTokenSequences) {
                String img = e.tokenImage[seq[0]];
                String shown = img.startsWith("\"") ? "'" + img.substring(1, img.length() - 1) + "'"
                        : img.equals("<EOF>") ? "end of input" : "a name";
                // a parenthesized entry was rewritten to braces for jbibtex: show what the author wrote
                expected.add(shown.equals("'}'") && chunk.close() == ')' ? "')'" : shown);
            }
        }
        String found = bad.kind == 0 ? "end of entry" : "'" + bad.image + "'";
        List<String> list = new ArrayList<>(expected);
        String exp = list.isEmpty() ? "" : ", expected " + (list.size() == 1 ? list.get(0)
                : String.join(", ", list.subList(0, list.size() - 1)) + " or " + list.get(list.size() - 1));
        String hint;
        if (expected.contains("','") && bad.kind != 0) {
            hint = bad.beginLine > last.endLine ? "Is a ',' missing at the end of line " + absLine(last.endLine, last.endColumn) + "?"
                    : "Is a ',' missing before it?";
        } else if (expected.contains("'='")) {
            hint = "Fields are written as name = {value}.";
        } else {
            hint = null;
        }
        reportAt(bad.beginLine, bad.beginColumn, "Syntax error in " + lowerFirst(what) + ": unexpected " + found + exp,
                hint == null ? "This entry is skipped." : hint + " This entry is skipped.");
    }

    /** Undefined @string macros become their own name (as BibTeX warns and goes on). */
    @Override
    public void checkStringResolution(Key key, BibTeXString string) {
        if (string == null) {
            undefined.add(key.getValue());
            Token t = token;
            reportAt(t == null ? 1 : t.beginLine, t == null ? 1 : t.beginColumn,
                    "Undefined string '" + key.getValue() + "'",
                    "Put the value in braces, e.g. {" + key.getValue() + "}, or define it with @string.");
        }
    }

    /** jbibtex resolves crossrefs within one parse only; they are resolved across chunks below. */
    @Override
    public void checkCrossReferenceResolution(Key key, BibTeXEntry entry) {
    }

    private void inheritCrossrefs(Map<String, Parsed> entries) {
        // jbibtex links a crossref it resolved inside one chunk to the entry itself, and its getField
        // follows that link without end on a self-reference or a cycle (and casts an unresolved one):
        // every crossref becomes an unlinked CrossReferenceValue; the parent's fields are copied below.
        for (Parsed p : entries.values()) {
            Value ref = p.entry().getFields().get(BibTeXEntry.KEY_CROSSREF);
            if (ref != null) {
                Value key = ref instanceof CrossReferenceValue linked ? linked.getValue() : ref;
                p.entry().addField(BibTeXEntry.KEY_CROSSREF, new CrossReferenceValue(key, null));
            }
        }
        for (Parsed p : entries.values()) {
            Value ref = p.entry().getFields().get(BibTeXEntry.KEY_CROSSREF);
            if (ref == null) {
                continue;
            }
            Parsed parent = entries.get(ref.toUserString().trim().toLowerCase(Locale.ROOT));
            if (parent == p) {
                report(p.line(), p.column(), "Entry '" + p.entry().getKey().getValue() + "' has crossref to itself",
                        "Remove the crossref field, or point it at the proceedings or book entry.");
                continue;
            }
            if (parent == null) {
                report(p.line(), p.column(), "Entry '" + p.entry().getKey().getValue() + "' has crossref to unknown key '"
                        + ref.toUserString().trim() + "'", null);
                continue;
            }
            Map<Key, Value> own = p.entry().getFields();
            Value parentTitle = parent.entry().getField(BibTeXEntry.KEY_TITLE);
            if (parentTitle != null && !own.containsKey(BibTeXEntry.KEY_BOOKTITLE)) {
                p.entry().addField(BibTeXEntry.KEY_BOOKTITLE, parentTitle);
            }
            parent.entry().getFields().forEach((k, v) -> {
                if (!own.containsKey(k)) {
                    p.entry().addField(k, v);
                }
            });
        }
    }

    /**
     * The offset in the file of jbibtex's 1-based (line, column) inside the current chunk. jbibtex's lexer ends a
     * line at "\n", "\r\n" or a lone "\r"; this file's positions count "\n" only (BibScanner), so the two
     * differ after a lone "\r", and the position goes through the offset.
     */
    private int fileOffset(int chunkLine, int chunkColumn) {
        String text = chunk.text();
        int i = 0;
        for (int line = 1; line < chunkLine && i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n')) {
                line++;
            }
        }
        return chunk.offset() + Math.min(i + Math.max(chunkColumn, 1) - 1, text.length());
    }

    private int absLine(int chunkLine, int chunkColumn) {
        return scanner.line(fileOffset(chunkLine, chunkColumn));
    }

    /** Converts a position inside the current chunk to one in the file. */
    private void reportAt(int chunkLine, int chunkColumn, String message, String hint) {
        int at = fileOffset(chunkLine, chunkColumn);
        report(scanner.line(at), scanner.column(at), message, hint);
    }

    private void report(int line, int column, String message, String hint) {
        problems.accept(new BibProblem(line, column, message, hint));
    }
}
