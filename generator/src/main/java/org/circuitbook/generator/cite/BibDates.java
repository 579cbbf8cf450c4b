package org.circuitbook.generator.cite;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which year, month and date values an entry may have. citeproc-java's date parser throws on some
 * ({@code 2000/x}, {@code 2000-13-45}, eleven digits) and silently misreads others ({@code 2000 2001}
 * becomes "ca. 2001", {@code x--2000} becomes 2000), so only these reach it; the rest are reported.
 */
final class BibDates {
    private BibDates() {
    }

    private static final Pattern YEAR = Pattern.compile("\\d{4}(?:\\s*(?:--?|\u2013|/)\\s*\\d{4})?");
    private static final Pattern DATE = Pattern.compile("(\\d{4})(?:-(\\d{2})(?:-(\\d{2}))?)?");
    private static final Set<String> MONTHS = Set.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
            "oct", "nov", "dec", "january", "february", "march", "april", "june", "july", "august", "september",
            "october", "november", "december", "sept");

    /** A problem with {@code value} of date field {@code field} as {message, hint}, or null if it is fine. */
    static String[] problem(String field, String value) {
        String v = value.replaceAll("[{}]", "").trim();
        return switch (field) {
            case "year" -> YEAR.matcher(v).matches() || v.equalsIgnoreCase("n.d.") ? null : new String[] {
                "has year '" + value + "', which is not a year",
                "Write four digits, e.g. year = {2020}, or a range, e.g. {2019--2020}; for an undated work, {n.d.}."};
            case "month" -> month(v) ? null : new String[] {
                "has month '" + value + "', which is not a month",
                "Write month = jan (or feb, ..., dec), or a number from 1 to 12."};
            case "date" -> date(v) ? null : new String[] {
                "has date '" + value + "', which is not a date",
                "Write YYYY, YYYY-MM or YYYY-MM-DD, e.g. date = {2020-05-17}, or two of them joined by '/'."};
            default -> null;
        };
    }

    static boolean valid(String field, String value) {
        return problem(field, value) == null;
    }

    private static boolean month(String v) {
        String m = v.toLowerCase(Locale.ROOT);
        m = m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
        if (m.matches("\\d{1,2}")) {
            int n = Integer.parseInt(m);
            return n >= 1 && n <= 12;
        }
        return MONTHS.contains(m);
    }

    private static boolean date(String v) {
        String[] parts = v.split("/", -1);
        if (parts.length > 2) {
            return false;
        }
        for (String part : parts) {
            Matcher m = DATE.matcher(part.trim());
            if (!m.matches()) {
                return false;
            }
            try {
                LocalDate.of(Integer.parseInt(m.group(1)), m.group(2) == null ? 1 : Integer.parseInt(m.group(2)),
                        m.group(3) == null ? 1 : Integer.parseInt(m.group(3)));
            } catch (DateTimeException e) {
                return false;
            }
        }
        return true;
    }
}
