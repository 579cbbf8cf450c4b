package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The circuits widget's tables on a one-layer, one-head model built to be read by eye: embedding,
 * unembedding, W_V and W_O are identities, so the direct path and the full OV circuit are the identity
 * (a perfect copier) and W_Q = 2 W_K makes the full QK circuit 2 I / sqrt(3).
 */
@DisplayName("Circuits view")
class CircuitsViewTest {
    static HookedTransformer model() {
        TransformerConfig cfg = new TransformerConfig(1, 3, 3, 1, 0, 3, 3, 4, null, true, null, "standard");
        Map<String, Tensor> w = new LinkedHashMap<>();
        HookedTransformer.parameterShapes(cfg).forEach((name, shape) -> w.put(name, Tensor.zeros(shape)));
        for (int i = 0; i < 3; i++) {
            w.get("embed.W_E").set(i, i, 1);
            w.get("unembed.W_U").set(i, i, 1);
            w.get("blocks.0.attn.W_V").data()[i * 3 + i] = 1;
            w.get("blocks.0.attn.W_O").data()[i * 3 + i] = 1;
            w.get("blocks.0.attn.W_Q").data()[i * 3 + i] = 2;
            w.get("blocks.0.attn.W_K").data()[i * 3 + i] = 1;
        }
        return new HookedTransformer(cfg, w);
    }

    @Test
    @DisplayName("bigram, OV and QK tables hold the direct path, W_E W_V W_O W_U and W_E W_Q W_K^T W_E^T / sqrt(d_head)")
    void tables() {
        CircuitsView.Circuit bigram = CircuitsView.circuit(model(), "bigram", -1, null);
        CircuitsView.Circuit ov = CircuitsView.circuit(model(), "ov", 0, null);
        CircuitsView.Circuit qk = CircuitsView.circuit(model(), "qk", 0, null);
        float s = (float) (2 / Math.sqrt(3));
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, bigram.values().data());
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, ov.values().data());
        assertArrayEquals(new float[] {s, 0, 0, 0, s, 0, 0, 0, s}, qk.values().data(), 1e-6f);
        assertEquals("after \"be\": logit 1.00 for \"be\", probability 0.576", CircuitsView.readout(bigram, 1, 1));
        assertEquals("attending to \"ba\" raises the logit of \"bi\" by 0.00", CircuitsView.readout(ov, 0, 2));
        assertEquals("attending to \"bi\" raises the logit of \"bi\" by 1.00 (copying)", CircuitsView.readout(ov, 2, 2));
        assertEquals("query \"ba\" scores key \"ba\" at 1.15", CircuitsView.readout(qk, 0, 0));
        assertEquals("Head 0.0 full OV circuit: what attending to a token writes, a 3 by 3 heatmap (rows: attended "
                + "token; columns: next-token logit; red positive, blue negative, up to 1.0). Its largest entry in a row "
                + "is the attended token itself for 3 of 3 tokens.", CircuitsView.describe(ov));
    }

    @Test
    @DisplayName("maps drawing coordinates to cells, and refuses a head or view the model does not have")
    void cellsAndErrors() {
        CircuitsView.Circuit ov = CircuitsView.circuit(model(), "ov", 0, null);
        assertArrayEquals(new int[] {0, 0}, CircuitsView.cellAt(ov, 63, 71));
        assertArrayEquals(new int[] {2, 1}, CircuitsView.cellAt(ov, 62 + 500 / 3.0 * 1.5, 70 + 500 / 3.0 * 2.5));
        assertNull(CircuitsView.cellAt(ov, 10, 100));
        assertNull(CircuitsView.cellAt(ov, 100, 600));
        assertEquals("head 1 is not in [0, 1)", assertThrows(IllegalArgumentException.class,
                () -> CircuitsView.circuit(model(), "ov", 1, null)).getMessage());
        assertEquals("unknown circuits view \"vo\" (known: bigram, ov, qk)", assertThrows(IllegalArgumentException.class,
                () -> CircuitsView.circuit(model(), "vo", 0, null)).getMessage());
        SvgPainter svg = new SvgPainter(CircuitsView.WIDTH, CircuitsView.HEIGHT);
        CircuitsView.paint(svg, ov, 1, 2);
        assertTrue(svg.toSvg("t").contains("attending to &quot;be&quot; raises the logit of &quot;bi&quot; by 0.00"));
    }

    @Test
    @DisplayName("lists a row's three largest entries, and shares one colour scale among tables on request")
    void topAndSharedScale() {
        CircuitsView.Circuit ov = CircuitsView.circuit(model(), "ov", 0, null);
        CircuitsView.Circuit qk = CircuitsView.circuit(model(), "qk", 0, null);
        assertArrayEquals(new int[] {1, 0, 2}, CircuitsView.topInRow(ov, 1), "the diagonal, then ties in column order");
        assertEquals("Attending to \"be\" raises most: \"be\" 1.00, \"ba\" 0.00, \"bi\" 0.00",
                CircuitsView.topText(ov, 1));
        assertEquals("Query \"ba\" scores highest: \"ba\" 1.15, \"be\" 0.00, \"bi\" 0.00", CircuitsView.topText(qk, 0));
        double shared = CircuitsView.sharedRange(java.util.List.of(ov, qk));
        assertEquals(2 / Math.sqrt(3), shared, 1e-6);
        assertEquals(CircuitsView.describe(qk), CircuitsView.describe(qk, CircuitsView.range(qk)), "its own scale: as before");
        assertEquals(CircuitsView.describe(ov) + " Colours on the scale shared by all tables, up to 1.2.",
                CircuitsView.describe(ov, shared));
        SvgPainter own = new SvgPainter(CircuitsView.WIDTH, CircuitsView.HEIGHT);
        CircuitsView.paint(own, ov, -1, -1);
        SvgPainter same = new SvgPainter(CircuitsView.WIDTH, CircuitsView.HEIGHT);
        CircuitsView.paint(same, ov, -1, -1, shared);
        assertTrue(!own.toSvg("t").equals(same.toSvg("t")), "the shared scale draws the OV table paler");
    }
}
