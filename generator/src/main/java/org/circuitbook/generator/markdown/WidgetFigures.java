package org.circuitbook.generator.markdown;

import java.util.Map;
import org.circuitbook.widgets.widget.Painter;

/**
 * What the renderer needs to know about a widget directive that only later stages know: the
 * {@code data-*} attributes of its figure (for example the URLs of the weights the train stage
 * published), and its static fallback drawn from the trained model. Called from several threads at once: the
 * chapters render side by side.
 */
@FunctionalInterface
public interface WidgetFigures {
    /** The figure's attributes, in order, without the {@code data-} prefix. */
    Map<String, String> attributes(DirectiveBlock widget);

    /**
     * The widget's initial state drawn at build time, for readers without JavaScript, for print and for the
     * moment before the bundle loads; null when the widget has none.
     */
    default Fallback fallback(DirectiveBlock widget) {
        return null;
    }

    /**
     * The widest the drawing may be shown, in CSS pixels, so that it is no taller than the chapter's
     * {@code :height:} (its width follows from the widget's aspect ratio); null when there is no cap.
     */
    default Integer maxWidth(DirectiveBlock widget) {
        return null;
    }

    /**
     * Whether the widget has a live part for the browser to mount ({@code Widget.live()} is not null); a
     * static-only widget's figure is marked {@code data-static} and keeps its build-time drawing.
     */
    default boolean live(DirectiveBlock widget) {
        return true;
    }

    /**
     * The widget's drawing size in CSS pixels ({@code Widget.width()} and {@code height()}: {@code {width, height}}),
     * from which the stylesheet reserves the figure's box before the live figure mounts; null when unknown.
     */
    default int[] drawingSize(DirectiveBlock widget) {
        return null;
    }

    /** The rem its live controls take on a phone ({@code Widget.phoneControlsRem()}), or null for the default. */
    default Double phoneControlsRem(DirectiveBlock widget) {
        return null;
    }

    /**
     * What the figure's "About this model" note says, as HTML (a {@code <dl>}): the spec, its settings, the
     * trainer, the expectations the build checked, and the weight files the figure loads with their hashes;
     * null when the figure runs no trained model.
     */
    default String provenance(DirectiveBlock widget) {
        return null;
    }

    /**
     * A static drawing ({@code <svg>}) and its text description; {@code drawing}, when not null, paints the same
     * picture again on any {@link Painter} (the social preview image rasterises it), {@code width} by
     * {@code height} CSS pixels. {@code narrowSvg} is the widget's narrow arrangement of the same state
     * ({@code org.circuitbook.widgets.widget.Arrangement}), {@code narrowSize} its size ({@code {width, height}}); both
     * null for a widget drawn wide at every width.
     */
    record Fallback(String svg, String description, Drawing drawing, String narrowSvg, int[] narrowSize) {
        public Fallback(String svg, String description) {
            this(svg, description, null, null, null);
        }

        public Fallback(String svg, String description, Drawing drawing) {
            this(svg, description, drawing, null, null);
        }
    }

    /** A drawing that can be repeated on another surface. */
    record Drawing(int width, int height, java.util.function.Consumer<Painter> paint) {
    }
}
