package org.circuitbook.widgets.widget;

/**
 * Number and colour formatting for widget labels. {@code String.format} pulls a large part of the
 * class library (and regex) into the browser bundle, so these are written out by hand.
 */
public final class Fmt {
    private Fmt() {
    }

    /** {@code value} rounded to {@code digits} decimals, e.g. fixed(0.987, 2) = "0.99", fixed(-0.004, 2) = "0.00". */
    public static String fixed(double value, int digits) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (digits <= 9) {
            // in int arithmetic where it fits: TeaVM emulates long, and a redraw formats dozens of labels
            int intScale = 1;
            for (int i = 0; i < digits; i++) {
                intScale *= 10;
            }
            double r = Math.abs(value) * intScale; // the same product as below: both scales are exact doubles
            if (r < 2e9) {
                double floor = Math.floor(r);
                int scaled = (int) floor + (r - floor >= 0.5 ? 1 : 0); // Math.round: r - floor is exact
                boolean negative = value < 0 && scaled != 0;
                StringBuilder sb = new StringBuilder();
                if (negative) {
                    sb.append('-');
                }
                sb.append(scaled / intScale);
                if (digits > 0) {
                    String frac = Integer.toString(scaled % intScale);
                    sb.append('.');
                    for (int i = frac.length(); i < digits; i++) {
                        sb.append('0');
                    }
                    sb.append(frac);
                }
                return sb.toString();
            }
        }
        long scale = 1;
        for (int i = 0; i < digits; i++) {
            scale *= 10;
        }
        long scaled = Math.round(Math.abs(value) * scale);
        boolean negative = value < 0 && scaled != 0;
        StringBuilder sb = new StringBuilder();
        if (negative) {
            sb.append('-');
        }
        sb.append(scaled / scale);
        if (digits > 0) {
            sb.append('.');
            String frac = Long.toString(scaled % scale);
            for (int i = frac.length(); i < digits; i++) {
                sb.append('0');
            }
            sb.append(frac);
        }
        return sb.toString();
    }

    /**
     * {@code value} to {@code figures} significant figures, in fixed notation, e.g. significant(0.0065071, 3) = "0.00651",
     * significant(16.002, 3) = "16.0", significant(1234.5, 3) = "1235" (no fewer than 0 decimals); 0 is "0".
     */
    public static String significant(double value, int figures) {
        if (Double.isNaN(value) || Double.isInfinite(value) || value == 0) {
            return Double.isNaN(value) ? "NaN" : value == 0 ? "0" : value > 0 ? "Infinity" : "-Infinity";
        }
        int exponent = (int) Math.floor(Math.log10(Math.abs(value)));
        if (Math.abs(value) >= Math.pow(10, exponent + 1)) { // log10 rounded up at a power of ten
            exponent++;
        }
        int digits = Math.max(0, figures - 1 - exponent);
        // rounding may carry into a new leading digit (0.009996 to 3 figures is 0.0100): drop the extra figure
        if (digits > 0 && Math.round(Math.abs(value) * Math.pow(10, digits)) >= Math.pow(10, figures)) {
            digits--;
        }
        return fixed(value, digits);
    }

    /** "#rrggbb" for channel values in [0, 1] (clamped). */
    public static String rgb(double r, double g, double b) {
        return "#" + hex2(r) + hex2(g) + hex2(b);
    }

    /**
     * The colours {@code "#rrggbb"} as RGBA bytes, four per colour, opaque; a null colour is transparent black.
     * Throws IllegalArgumentException for any other form.
     */
    public static byte[] rgba(String[] colors) {
        byte[] out = new byte[colors.length * 4];
        for (int i = 0; i < colors.length; i++) {
            String c = colors[i];
            if (c == null) {
                continue;
            }
            if (c.length() != 7 || c.charAt(0) != '#') {
                throw new IllegalArgumentException("not a #rrggbb colour: " + c);
            }
            for (int k = 0; k < 3; k++) {
                out[i * 4 + k] = (byte) (hexDigit(c.charAt(1 + 2 * k)) * 16 + hexDigit(c.charAt(2 + 2 * k)));
            }
            out[i * 4 + 3] = (byte) 255;
        }
        return out;
    }

    private static int hexDigit(char ch) {
        // by hand: Character.digit (any Unicode digit) costs more under TeaVM, and a heatmap has thousands
        if (ch >= '0' && ch <= '9') {
            return ch - '0';
        }
        if (ch >= 'a' && ch <= 'f') {
            return ch - 'a' + 10;
        }
        if (ch >= 'A' && ch <= 'F') {
            return ch - 'A' + 10;
        }
        throw new IllegalArgumentException("not a hex digit: " + ch);
    }

    private static String hex2(double channel) {
        int v = (int) Math.round(Math.max(0, Math.min(1, channel)) * 255);
        String digits = "0123456789abcdef";
        return "" + digits.charAt(v >> 4) + digits.charAt(v & 15);
    }

    /**
     * The non-empty pieces of {@code text} between separators: whitespace when {@code separator} is ' ',
     * else that character. Written out because {@code String.split} takes a regular expression, and under
     * TeaVM that pulls a regex engine into the bundle.
     */
    public static java.util.List<String> split(String text, char separator) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (text == null) {
            return parts;
        }
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : separator;
            boolean sep = separator == ' ' ? Character.isWhitespace(c) || i == text.length() : c == separator || i == text.length();
            if (sep) {
                if (start >= 0) {
                    parts.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        return parts;
    }
}
