package org.circuitbook.widgets.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.widget.BoardWidgetsTest;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.SvgPainter;
import org.circuitbook.widgets.widget.WidgetOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The probe and steering widgets' options and static drawings, on a hand-built model. */
@DisplayName("Probe and steering widgets")
class BoardFiguresTest {
    static final ModelInfo MODEL = new ModelInfo("othello-test", "othello", Map.of("n_layers", 2L));

    static WidgetOption option(List<WidgetOption> options, String name) {
        return options.stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("options: probe takes layer, labelling, moves; steering layer and moves; checks name the problem")
    void options() {
        ProbeWidget probe = new ProbeWidget();
        assertEquals(List.of("layer", "labelling", "moves"), probe.options().stream().map(WidgetOption::name).toList());
        assertEquals(List.of("layer", "moves"), new SteeringWidget().options().stream().map(WidgetOption::name).toList());
        assertEquals("move 1 A1 is not legal for black",
                option(probe.options(), "moves").check().check("A1", MODEL).message());
        assertNull(option(probe.options(), "moves").check().check("B1 A1", MODEL));
        assertEquals(List.of("othello"), probe.modelKinds());
    }

    @Test
    @DisplayName("the probe's static drawing: the chapter's opening at its stage, drawn to SVG")
    void probeDrawing() {
        BoardWidgetsTest.Fake model = new BoardWidgetsTest.Fake();
        Drawing d = ProbeWidget.draw(Map.of("moves", "B1", "layer", "2"), model);
        assertEquals(2, model.lastStage);
        assertTrue(d.description().startsWith("Othello board, white to move."), d.description());
        assertTrue(d.description().endsWith("The relative probe reads 1 of 16 squares right."), d.description());
        SvgPainter svg = new SvgPainter(d.width(), d.height());
        d.paint().accept(svg);
        assertEquals(new ProbeWidget().height(), svg.height());
        assertEquals(new ProbeWidget().width(), svg.width());
        SvgPainter narrow = new SvgPainter(d.width(), d.height(), true);
        d.paint().accept(narrow);
        assertEquals(org.circuitbook.widgets.widget.Arrangement.NARROW_WIDTH, narrow.width(), "narrow: board over bars");
        assertEquals(org.circuitbook.widgets.widget.BoardWidgets.NARROW_HEIGHT, narrow.height());
    }

    @Test
    @DisplayName("the steering widget's static drawing is unsteered: no side effect, the first legal square targeted")
    void steeringDrawing() {
        Drawing d = SteeringWidget.draw(Map.of("moves", "B1"), new BoardWidgetsTest.Fake());
        assertTrue(d.description().contains("Steering with alpha 0.00 on A1: probability of A1 1.000 before, 1.000 after;"
                + " off-target change 0.000, KL 0.000 nats."), d.description());
        SvgPainter svg = new SvgPainter(d.width(), d.height());
        d.paint().accept(svg);
        assertEquals(new SteeringWidget().height(), svg.height());
    }
}
