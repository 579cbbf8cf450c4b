package org.circuitbook.widgets.widget;

/**
 * What the othello widgets ({@code probe}, {@code steering}) ask of the model, at the last position of a game
 * prefix ({@code tokens}, the moves so far): its predicted next-move probabilities per square (softmax over the
 * squares of its legal-move logits), the probe's read-out per square at a stage, the same prediction after an
 * intervention (a square's probe read-out set to a class) or after steering (alpha times a direction added to the
 * residual stream at a stage), and the named directions. The widgets and their views depend only on this, so they
 * are tested with a model built by hand; the trained model (OthelloModel) is adapted to it in one small class.
 */
public interface BoardModel {
    /** The number of blocks (stages run 0 to this). */
    int layers();

    /** The predicted next-move probability per square. */
    double[] moves(int[] tokens);

    /** The build-time probe's class per square ({@code labelling} relative or colour) at {@code stage}. */
    int[] readout(int[] tokens, String labelling, int stage);

    /** The predicted next-move probabilities after editing {@code square} to read as {@code newClass} at {@code stage}. */
    double[] edit(int[] tokens, int stage, int square, int newClass);

    /** The predicted next-move probabilities after adding {@code alpha * direction} at {@code stage}. */
    double[] steer(int[] tokens, int stage, float[] direction, float alpha);

    /** The direction called {@code name} (one of {@link BoardWidgets#DIRECTIONS}) for {@code square} at {@code stage}. */
    float[] direction(String name, int stage, int square);
}
