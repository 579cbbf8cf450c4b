package org.circuitbook.widgets.figures;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.widget.BoardModel;
import org.circuitbook.widgets.widget.BoardOptions;
import org.circuitbook.widgets.widget.BoardWidgets;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.LiveFigure;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;

/**
 * Steering the othello world model: add alpha times a direction (a square's probe direction, the mean difference
 * of the residual stream where that square is mine and where it is theirs, or the decoder direction of the SAE
 * latent the build found nearest that mean difference) at a stage, and see the predicted legal moves before and
 * after, with the side effect on the other squares. The live figure is {@code browser.SteeringMount}.
 */
public final class SteeringWidget implements Widget {
    static final String NAME = "steering";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> modelKinds() {
        return List.of("othello");
    }

    @Override
    public String description() {
        return "steering the Othello model along a square's probe, mean-difference or SAE direction with strength alpha at a "
                + "stage: the predicted legal moves before and after, and the off-target change and KL as side effects";
    }

    @Override
    public List<WidgetOption> options() {
        return List.of(BoardOptions.layer(NAME), BoardOptions.moves(NAME));
    }

    @Override
    public int width() {
        return BoardWidgets.WIDE_WIDTH;
    }

    @Override
    public int height() {
        return BoardWidgets.WIDE_HEIGHT;
    }

    /** The chapter's opening, unsteered (alpha 0), the first legal square targeted. */
    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        BoardModel model = ProbeWidget.model(files);
        return model == null ? null : draw(options, model);
    }

    /** The drawing for {@code options} on {@code model}. */
    static Drawing draw(Map<String, String> options, BoardModel model) {
        Othello rules = new Othello(4);
        int stage = BoardWidgets.initialStage(options.get("layer"), model);
        int[] squares = BoardOptions.opening(options.get("moves"), rules.size());
        boolean[] legal = BoardOptions.board(rules, squares, "relative", null, null, -1).legal();
        int target = 0;
        while (target < legal.length - 1 && !legal[target]) {
            target++;
        }
        return BoardWidgets.steeringDrawing(rules, model, squares, "probe", target, stage, 0);
    }

    @Override
    public Controls controls(LiveFigure figure, List<ModelFile> files) {
        BoardModel model = ProbeWidget.model(files);
        return model == null ? Controls.NONE : BoardWidgets.steeringControls(figure, model.layers());
    }

    @Override
    public LiveMount live() {
        return org.circuitbook.widgets.browser.Mounts::steering;
    }
}
