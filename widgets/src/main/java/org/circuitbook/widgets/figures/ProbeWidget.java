package org.circuitbook.widgets.figures;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.model.OthelloModel;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.OthelloBoardModel;
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
 * The othello world model's board with a linear probe's read-out per square (Li et al. 2023, Nanda et al. 2023):
 * the true pieces, what the probe at a stage reads (and where it is wrong), the true legal moves and the model's
 * predicted ones. {@link #model} adapts OthelloModel to {@link BoardModel}; the live figure
 * is {@code browser.ProbeMount}.
 */
public final class ProbeWidget implements Widget {
    static final String NAME = "probe";

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
        return "the Othello board with a linear probe's read-out of each square at a chosen stage (mine/theirs or "
                + "black/white), its errors, and the model's predicted legal moves; play moves, train a fresh probe, "
                + "and flip a square along the probe to see the predictions change";
    }

    @Override
    public List<WidgetOption> options() {
        return List.of(BoardOptions.layer(NAME), BoardOptions.labelling(NAME), BoardOptions.moves(NAME));
    }

    @Override
    public int width() {
        return BoardWidgets.WIDE_WIDTH;
    }

    @Override
    public int height() {
        return BoardWidgets.WIDE_HEIGHT;
    }

    /** The trained model in {@code files} (its final weights) as a {@link BoardModel}; null when there is none. */
    static BoardModel model(List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        return file == null ? null : new OthelloBoardModel(OthelloModel.load(file));
    }

    /** The chapter's opening (or the start), read out at its stage and labelling. */
    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        BoardModel model = model(files);
        return model == null ? null : draw(options, model);
    }

    /** The drawing for {@code options} on {@code model}. */
    static Drawing draw(Map<String, String> options, BoardModel model) {
        Othello rules = new Othello(4);
        String labelling = options.getOrDefault("labelling", "relative");
        int stage = BoardWidgets.initialStage(options.get("layer"), model);
        int[] squares = BoardOptions.opening(options.get("moves"), rules.size());
        return BoardWidgets.probeDrawing(rules, model, squares, labelling, stage, -1, -1);
    }

    @Override
    public Controls controls(LiveFigure figure, List<ModelFile> files) {
        BoardModel model = model(files);
        return model == null ? Controls.NONE : BoardWidgets.probeControls(figure, model.layers());
    }

    @Override
    public LiveMount live() {
        return org.circuitbook.widgets.browser.Mounts::probe;
    }
}
