package org.circuitbook.widgets.widget;

/** The colour scales the widgets share, so the same quantity looks the same in every figure. */
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
        String cached = DIVERGING[level];
        if (cached == null) {
            cached = divergingExact(level / 255.0 - 1);
            DIVERGING[level] = cached;
        }
        return cached;
    }

    private static final String[] DIVERGING = new String[511];
    private static final String[] SEQUENTIAL = new String[256];

    private static String divergingExact(double v) {
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
        double v = Math.max(0, Math.min(1, t));
        // interpolate between #fde725 (viridis yellow) and #440154 (viridis purple) through #21918c (teal)
        if (v < 0.5) {
            double s = v / 0.5;
            return Fmt.rgb(lerp(0xfd, 0x21, s), lerp(0xe7, 0x91, s), lerp(0x25, 0x8c, s));
        }
        double s = (v - 0.5) / 0.5;
        return Fmt.rgb(lerp(0x21, 0x44, s), lerp(0x91, 0x01, s), lerp(0x8c, 0x54, s));
    }

    /**
     * A sequential white-to-dark-blue scale for values in [0, 1] such as attention weights: lightness falls
     * monotonically, so the order reads the same in greyscale and for colour-blind readers.
     */
    public static String sequential(double t) {
        int level = (int) Math.round((Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t))) * 255);
        String cached = SEQUENTIAL[level];
        if (cached == null) {
            double v = level / 255.0;
            cached = Fmt.rgb(lerp(0xff, 0x08, v), lerp(0xff, 0x30, v), lerp(0xff, 0x6b, v));
            SEQUENTIAL[level] = cached;
        }
        return cached;
    }

    private static double lerp(int a, int b, double s) {
        return (a + (b - a) * s) / 255.0;
    }
}
