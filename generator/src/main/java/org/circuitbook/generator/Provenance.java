package org.circuitbook.generator;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.circuitbook.generator.markdown.Html;
import org.circuitbook.generator.training.TrainedSet;
import org.circuitbook.widgets.weights.WeightNames;

/**
 * The "About this model" note under a live figure: which spec the figure runs, with every setting that shaped
 * its weights, the trainer and seed that made them, the expectations the build checked (a build whose model
 * misses one fails, so every one listed held), and the weight files the figure loads with their SHA-256.
 */
final class Provenance {
    private Provenance() {
    }

    static String html(TrainedSet set, List<TrainedSet.PublishedFile> published, Predicate<String> usesFile) {
        StringBuilder out = new StringBuilder("<dl class=\"provenance-list\">");
        Map<String, String> meta = set.models().get(0).metadata();
        item(out, "Model", "<code>" + Html.escape(set.spec().name()) + "</code> (kind <code>" + Html.escape(set.spec().kind())
                + "</code>), trained by this book's build from <code>" + Html.escape(set.spec().path()) + "</code>");
        StringBuilder settings = new StringBuilder();
        set.spec().values().forEach((k, v) -> settings.append(settings.length() == 0 ? "" : ", ")
                .append(Html.escape(k)).append(" = ").append(Html.escape(String.valueOf(v))));
        item(out, "Settings", settings.toString());
        String trainer = meta.get("trainer");
        String seed = meta.get("seed");
        if (trainer != null) {
            item(out, "Trainer", "<code>" + Html.escape(trainer) + "</code>" + (seed == null ? "" : ", seed " + Html.escape(seed)));
        }
        item(out, "Checked on every build", set.spec().expectations().isEmpty() ? "nothing beyond training"
                : Html.escape(String.join("; ", set.spec().expectations())) + " (all held)");
        List<TrainedSet.PublishedFile> files = new java.util.ArrayList<>(published.stream()
                .filter(f -> usesFile.test(f.fileName())).toList());
        // the final weights first, then the others in the spec's order
        files.sort(java.util.Comparator.comparing(f -> !f.fileName().equals(WeightNames.FINAL)));
        StringBuilder weights = new StringBuilder();
        int shown = Math.min(files.size(), 3);
        for (int i = 0; i < shown; i++) {
            TrainedSet.PublishedFile f = files.get(i);
            weights.append(i == 0 ? "" : "; ").append("<a href=\"").append(Html.escape(f.url())).append("\">")
                    .append(Html.escape(f.fileName())).append("</a> (").append(kilobytes(f.bytes().length))
                    .append(", SHA-256 <code>").append(f.sha256Hex(), 0, 16).append("…</code>)");
        }
        if (files.size() > shown) {
            weights.append("; and ").append(files.size() - shown).append(" more");
        }
        weights.append("; every file with its full hash: <a href=\"models/").append(Html.escape(set.spec().name()))
                .append("/index.json\">index.json</a>");
        item(out, files.size() == 1 ? "Weights it loads" : "Weights it loads (" + files.size() + " files)", weights.toString());
        return out.append("</dl>").toString();
    }

    private static void item(StringBuilder out, String term, String html) {
        out.append("<dt>").append(term).append("</dt><dd>").append(html).append("</dd>");
    }

    private static String kilobytes(long bytes) {
        return bytes < 1024 * 1024 ? (bytes + 1023) / 1024 + " KB" : String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }
}
