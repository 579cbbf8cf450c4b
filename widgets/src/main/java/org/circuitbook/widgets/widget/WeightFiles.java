package org.circuitbook.widgets.widget;

import java.util.ArrayList;
import java.util.List;

/**
 * A figure's {@code data-weights} for a spec with checkpoints: the URLs of {@code checkpoint-STEP.safetensors}
 * in step order, then {@code final.safetensors} last, as the widgets that scrub through training need them.
 */
public final class WeightFiles {
    private final List<String> urls;
    private final List<Integer> checkpointSteps;

    private WeightFiles(List<String> urls, List<Integer> checkpointSteps) {
        this.urls = urls;
        this.checkpointSteps = checkpointSteps;
    }

    /** Parses the space-separated URLs; returns null when there is no final.safetensors among them. */
    public static WeightFiles parse(String weights) {
        String last = null;
        List<int[]> order = new ArrayList<>(); // {step, index in found}
        List<String> found = new ArrayList<>();
        for (String u : Fmt.split(weights, ' ')) {
            String file = u.substring(u.lastIndexOf('/') + 1);
            if (file.equals("final.safetensors")) {
                last = u;
            } else if (file.startsWith("checkpoint-") && file.endsWith(".safetensors")) {
                order.add(new int[] {Integer.parseInt(file.substring(11, file.length() - 12)), found.size()});
                found.add(u);
            }
        }
        if (last == null) {
            return null;
        }
        order.sort((x, y) -> Integer.compare(x[0], y[0]));
        List<String> urls = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        for (int[] o : order) {
            urls.add(found.get(o[1]));
            steps.add(o[0]);
        }
        urls.add(last);
        return new WeightFiles(urls, steps);
    }

    /** Checkpoints in step order, then the final model. */
    public List<String> urls() {
        return urls;
    }

    /** The steps of the checkpoints (the final model's step is in its own metadata). */
    public List<Integer> checkpointSteps() {
        return checkpointSteps;
    }

    /** The final model's URL (the last of {@link #urls()}). */
    public String finalUrl() {
        return urls.get(urls.size() - 1);
    }
}
