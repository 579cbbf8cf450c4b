package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both themes: text contrast on the figure's paper, and colour scales that move away from the paper. */
@DisplayName("The widget theme")
class ThemeTest {
    @AfterEach
    void light() {
        Theme.setDark(false);
    }

    @ParameterizedTest(name = "dark = {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("gives text and series colours a WCAG AA contrast (4.5:1) on the paper")
    void contrast(boolean dark) {
        Theme.setDark(dark);
        for (String colour : new String[] {Theme.ink(), Theme.muted(), Theme.off(), Theme.alert(), Theme.corrupted()}) {
            assertTrue(contrast(colour, Theme.paper()) >= 4.5, colour + " on " + Theme.paper() + ": "
                    + contrast(colour, Theme.paper()));
        }
        for (String colour : new String[] {Theme.blue(), Theme.red(), Theme.brown(), Theme.green(), Theme.strongBar()}) {
            assertTrue(contrast(colour, Theme.paper()) >= 3, "a line or bar needs 3:1 (WCAG 1.4.11): " + colour
                    + " on " + Theme.paper() + ": " + contrast(colour, Theme.paper()));
        }
        // the numbers written on the strongest heatmap cells
        assertTrue(contrast(Theme.onStrong(), Colormaps.diverging(1)) >= 3, "on +1: " + Colormaps.diverging(1));
        assertTrue(contrast(Theme.onStrong(), Colormaps.diverging(-1)) >= 3, "on -1: " + Colormaps.diverging(-1));
    }

    @ParameterizedTest(name = "dark = {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("starts its scales at the paper colour and moves away from it in lightness, monotonically")
    void scales(boolean dark) {
        Theme.setDark(dark);
        assertEquals(Theme.paper(), Colormaps.diverging(0), "zero is the paper");
        assertEquals(Theme.paper(), Colormaps.sequential(0), "nothing is the paper");
        double paper = luminance(Theme.paper());
        double lastPos = 0;
        double lastNeg = 0;
        double lastSeq = 0;
        for (int i = 1; i <= 100; i++) {
            double t = i / 100.0;
            double pos = Math.abs(luminance(Colormaps.diverging(t)) - paper);
            double neg = Math.abs(luminance(Colormaps.diverging(-t)) - paper);
            double seq = Math.abs(luminance(Colormaps.sequential(t)) - paper);
            assertTrue(pos >= lastPos && neg >= lastNeg && seq >= lastSeq, "monotonic at " + t);
            lastPos = pos;
            lastNeg = neg;
            lastSeq = seq;
        }
        double first = luminance(Colormaps.importance(0));
        double most = luminance(Colormaps.importance(1));
        assertTrue(Math.abs(most - paper) > Math.abs(first - paper),
                "the most important feature stands out most from the paper");
    }

    static double contrast(String a, String b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    /** WCAG relative luminance of {@code #rrggbb}. */
    static double luminance(String hex) {
        double l = 0;
        double[] weights = {0.2126, 0.7152, 0.0722};
        for (int i = 0; i < 3; i++) {
            double c = Integer.parseInt(hex.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
            l += weights[i] * (c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
        }
        return l;
    }
}
