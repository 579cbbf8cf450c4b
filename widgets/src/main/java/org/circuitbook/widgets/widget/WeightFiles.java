package org.circuitbook.widgets.widget;

import java.util.ArrayList;
import java.util.List;
import org.circuitbook.widgets.weights.WeightNames;

/**
 * A figure's {@code data-weights} for a spec with checkpoints: the URLs of {@code checkpoint-STEP.safetensors}
 * in step order, then {@code final.safetensors} last, as the widgets that scrub through training need them.
 * ({@link WeightNames}). Published names carry a content hash before the extension ({@code final.3fa9c2e1b04d.safetensors}).
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
            String file = fileName(u);
            int step = WeightNames.checkpointStep(file);
            if (file.equals(WeightNames.FINAL)) {
                last = u;
            } else if (step >= 0) {
                order.add(new int[] {step, found.size()});
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

    /**
     * The name a published file had in training, without its content hash:
     * {@code checkpoint-100.safetensors} for {@code models/x/checkpoint-100.3fa9c2e1b04d.safetensors}.
     */
    public static String fileName(String url) {
        String file = url.substring(url.lastIndexOf('/') + 1);
        String suffix = WeightNames.SUFFIX;
        if (!file.endsWith(suffix)) {
            return file;
        }
        String stem = file.substring(0, file.length() - suffix.length());
        int dot = stem.lastIndexOf('.');
        return dot >= 0 && isHash(stem.substring(dot + 1)) ? stem.substring(0, dot) + suffix : file;
    }

    private static boolean isHash(String s) {
        if (s.length() != 12) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
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
