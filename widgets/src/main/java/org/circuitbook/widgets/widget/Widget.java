package org.circuitbook.widgets.widget;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.weights.WeightNames;

/**
 * What a widget is, in one place, for every side that needs it: the build's check (its name, the model kinds it
 * runs, its options and how each is checked against the model), the static drawing and preview image (drawn on
 * the JVM from the trained files), the figure's {@code data-*} attributes (its options), and the live figure in
 * the browser ({@link #live()}). One class per widget and one line in {@code org.circuitbook.widgets.figures.Widgets}.
 *
 * <p>Implementations hold no DOM code: {@link #live()} hands back the browser mount as a {@link LiveMount}, which
 * only the browser bundle calls.
 */
public interface Widget {
    /** The name a chapter writes: {@code :::{widget} NAME}. */
    String name();

    /** The model kinds it can run ({@code :model:} must name a spec of one of them). */
    List<String> modelKinds();

    /** One sentence on what it shows, for the README and the known-widgets list. */
    String description();

    /**
     * Its {@code :key:} options besides {@code :model:} and the figure options every widget takes ({@code label},
     * {@code name}, {@code class}, {@code height}). Each is passed to the live figure as {@code data-KEY}.
     */
    List<WidgetOption> options();

    /**
     * Whether the live figure fetches the spec's weight file called {@code fileName} (as trained, without its
     * content hash: {@code final.safetensors}, {@code checkpoint-STEP.safetensors}). The figure's
     * {@code data-weights} lists only these, so a page sends a reader no file its widget does not read. By
     * default, the final weights alone; a widget that scrubs through training takes the checkpoints too.
     */
    default boolean usesFile(String fileName) {
        return fileName.equals(WeightNames.FINAL);
    }

    /** The drawing's size in CSS pixels at which its views lay out (the static drawing's too). */
    int width();

    int height();

    /**
     * The height, in rem, that the live figure's controls take above the drawing on a phone (a page under 700 px
     * wide), which the static figure keeps free so that mounting does not move the page; 0 for the stylesheet's
     * default (13 rem). A widget with more controls than that wraps into says so here.
     */
    default double phoneControlsRem() {
        return 0;
    }

    /**
     * A problem with the model as a whole for this widget (e.g. "has no attention layer"), or null. Runs after the
     * model's kind is known to be one of {@link #modelKinds()}.
     */
    default WidgetOption.Problem checkModel(ModelInfo model) {
        return null;
    }

    /**
     * The widget's initial state for {@code options} (the chapter's values; absent keys take their defaults),
     * drawn from the spec's trained files; null when these files hold nothing to draw.
     */
    Drawing draw(Map<String, String> options, List<ModelFile> files);

    /**
     * The live figure's controls for the model in {@code files} (the spec's trained files, as {@link #draw} gets
     * them) and the chapter's options ({@code figure.option}), as data: the browser's generic mount builds them,
     * restores them from the URL fragment and saves them there, and tests read them. The widget's live mount
     * declares them through the same code from what it loaded. None by default, and when the files hold no model.
     */
    default Controls controls(LiveFigure figure, List<ModelFile> files) {
        return Controls.NONE;
    }

    /** The live figure; null for a widget that has only its static drawing. Called only in the browser. */
    LiveMount live();
}
