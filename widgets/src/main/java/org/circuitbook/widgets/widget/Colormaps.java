package org.circuitbook.widgets.widget;

/**
 * The colour scales the widgets share, so the same quantity looks the same in every figure. Each has a light
 * and a dark form ({@link Theme}): zero is always the paper colour or closest to it, and the magnitude
 * always moves away from the ground in lightness, so the scales read in greyscale, for colour-blind readers
 * and on either ground.
 */
public final class Colormaps {
    private Colormaps() {
    }

    /**
     * Diverging blue-white-red for signed values: -1 is blue, 0 white, +1 red (clamped), as interpretability
     * papers draw W^T W and attention-weight matrices.
     */
    public static String diverging(double t) {
        // quantised to 511 levels and cached: a heatmap asks for thousands of colours per frame
        double c = Double.isNaN(t) ? 0 : Math.max(-1, Math.min(1, t));
        int level = (int) Math.round((c + 1) * 255);
        String[] cache = Theme.isDark() ? DIVERGING_DARK : DIVERGING;
        String cached = cache[level];
        if (cached == null) {
            cached = divergingExact(level / 255.0 - 1, Theme.isDark());
            cache[level] = cached;
        }
        return cached;
    }

    private static final String[] DIVERGING = new String[511];
    private static final String[] DIVERGING_DARK = new String[511];
    private static final String[] SEQUENTIAL = new String[256];
    private static final String[] SEQUENTIAL_DARK = new String[256];

    private static String divergingExact(double v, boolean dark) {
        if (dark) {
            // from the dark paper (#16181d) out to a light red (#f4a582) or a light blue (#92c5de)
            return v >= 0 ? Fmt.rgb(lerp(0x16, 0xf4, v), lerp(0x18, 0xa5, v), lerp(0x1d, 0x82, v))
                    : Fmt.rgb(lerp(0x16, 0x92, -v), lerp(0x18, 0xc5, -v), lerp(0x1d, 0xde, -v));
        }
        if (v >= 0) {
            return Fmt.rgb(1 - 0.2 * v, 1 - 0.8 * v, 1 - 0.8 * v);
        }
        return Fmt.rgb(1 + 0.8 * v, 1 + 0.65 * v, 1 + 0.1 * v);
    }

    /**
     * A sequential yellow-to-purple scale for feature importance, as Elhage et al. (2022) colour features:
     * 1 (most important) is dark purple, 0 light yellow.
     */
    public static String importance(double t) {
        // on dark paper the scale runs the other way, so the most important feature is the brightest
        double v = Theme.isDark() ? 1 - Math.max(0, Math.min(1, t)) : Math.max(0, Math.min(1, t));
        // interpolate between #fde725 (viridis yellow) and #440154 (viridis purple) through #21918c (teal)
        if (v < 0.5) {
            double s = v / 0.5;
            return Fmt.rgb(lerp(0xfd, 0x21, s), lerp(0xe7, 0x91, s), lerp(0x25, 0x8c, s));
        }
        double s = (v - 0.5) / 0.5;
        return Fmt.rgb(lerp(0x21, 0x44, s), lerp(0x91, 0x01, s), lerp(0x8c, 0x54, s));
    }

    /**
     * A sequential white-to-dark-blue scale for values in [0, 1] such as attention weights (on dark paper,
     * paper to pale blue): lightness moves monotonically, so the order reads the same in greyscale and for colour-blind readers.
     */
    public static String sequential(double t) {
        int level = (int) Math.round((Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t))) * 255);
        String[] cache = Theme.isDark() ? SEQUENTIAL_DARK : SEQUENTIAL;
        String cached = cache[level];
        if (cached == null) {
            double v = level / 255.0;
            cached = Theme.isDark() ? Fmt.rgb(lerp(0x16, 0xde, v), lerp(0x18, 0xeb, v), lerp(0x1d, 0xf7, v))
                    : Fmt.rgb(lerp(0xff, 0x08, v), lerp(0xff, 0x30, v), lerp(0xff, 0x6b, v));
            cache[level] = cached;
        }
        return cached;
    }

    private static double lerp(int a, int b, double s) {
        return (a + (b - a) * s) / 255.0;
    }
}
