package org.circuitbook.generator;

import org.circuitbook.widgets.figures.Widgets;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken inputs: each must fail with exactly these messages at exactly these positions, and must leave
 * the previous site/ as it was.
 */
@DisplayName("A broken site")
class BrokenSitesTest {
    @TempDir
    Path root;

    private static final String SITE = "-- content/site.yaml --\ntitle: Broken\n";
    private static final String SPEC = "-- content/models/toy.yaml --\n" + FixtureSite.TINY_SPEC;

    /** Builds {@code files} over a previous site and returns the errors; checks site/ was not touched. */
    private List<String> errors(String files) throws IOException {
        FixtureSite site = FixtureSite.write(root, files);
        Path previous = site.site().resolve("index.html");
        Files.createDirectories(previous.getParent());
        Files.writeString(previous, "previous build");
        Files.writeString(site.site().resolve(".circuitbook-site"), "a previous build's marker\n");
        List<String> errors = site.buildErrors();
        assertEquals("previous build", Files.readString(previous), "the previous site was left as it was");
        try (Stream<Path> s = Files.list(root)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("site.")).toList(), "no half-written site directories remain");
        }
        assertEquals(List.of(".circuitbook-site", "index.html"), site.siteFiles());
        return errors;
    }

    @Test
    @DisplayName("with a misspelt widget name fails at the directive, listing the known widgets")
    void unknownWidget() throws IOException {
        assertEquals(List.of("content/chapters/01-a.md:5:1: check: unknown widget \"superpositon\" (known: " + String.join(", ", Widgets.BOOK.names()) + ")"),
                errors(SITE + SPEC + """
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---

                        :::{widget} superpositon
                        :model: toy
                        :::
                        """));
    }

    @Test
    @DisplayName("with an unknown model, option and directive reports all three at once")
    void severalProblems() throws IOException {
        assertEquals(List.of(
                "content/chapters/01-a.md:5:1: check: unknown option \"colour\" for widget superposition (known: class, height, label, model, name, sparsity)",
                "content/chapters/01-a.md:6:1: check: unknown model \"toy2\" (known: toy)",
                "content/chapters/01-a.md:9:3: check: unknown directive \"notee\" (did you mean \"note\"?)"),
                errors(SITE + SPEC + """
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---
                        ::::{widget} superposition
                        :colour: red
                        :model: toy2
                        ::::

                          :::{notee}
                          Careful.
                          :::
                        """));
    }

    @Test
    @DisplayName("with a directive that is never closed points at its opening fence")
    void unclosedDirective() throws IOException {
        assertEquals(List.of("content/chapters/01-a.md:4:1: check: directive {widget} is never closed (end it with a line of :::)"),
                errors(SITE + SPEC + """
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---
                        :::{widget} superposition
                        :model: toy
                        The caption goes on and on.
                        """));
    }

    @Test
    @DisplayName("with a widget but no model, or a sparsity that was not trained")
    void widgetOptions() throws IOException {
        assertEquals(List.of(
                "content/chapters/01-a.md:4:1: check: widget superposition needs a :model: option (models it can run: toy)",
                "content/chapters/01-a.md:9:1: check: model toy was not trained at sparsity 0.5 (trained: 0, 0.9)",
                "content/chapters/01-a.md:10:1: check: height must be a whole number of pixels, got \"tall\" (e.g. :height: 420)"),
                errors(SITE + SPEC + """
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---
                        :::{widget} superposition
                        :::

                        :::{widget} superposition
                        :model: toy
                        :sparsity: 0.5
                        :height: tall
                        :::
                        """));
    }

    @Test
    @DisplayName("with a probe or steering opening that names no square or plays an illegal move, or a stage the model lacks")
    void boardOptions() throws IOException {
        assertEquals(List.of(
                "content/chapters/01-a.md:6:1: check: move 2 \"E1\" is not a square of the 4x4 board (A1 to D4) (square names A1 to D4, each a legal move in turn)",
                "content/chapters/01-a.md:7:1: check: model oth has no stage 2 for widget probe (stages: 0 to 1)",
                "content/chapters/01-a.md:12:1: check: move 2 B1 is not legal for white (square names A1 to D4, each a legal move in turn)"),
                errors(SITE + """
                        -- content/models/oth.yaml --
                        model: {kind: othello, n_layers: 1, d_model: 16, n_heads: 2, d_head: 8, d_mlp: 32}
                        data: {train_games: 20, test_games: 5}
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---
                        :::{widget} probe
                        :model: oth
                        :moves: B1 E1
                        :layer: 2
                        :::

                        :::{widget} steering
                        :model: oth
                        :moves: B1 B1
                        :::
                        """));
    }

    @Test
    @DisplayName("with an sae-explorer dictionary size or L1 coefficient that was not trained, or is not a number")
    void saeExplorerOptions() throws IOException {
        assertEquals(List.of(
                "content/chapters/01-a.md:6:1: check: model saes has no SAE with d_sae 12 (trained: 8, 16)",
                "content/chapters/01-a.md:7:1: check: model saes has no SAE with L1 coefficient 0.5 (trained: 0.1, 1)",
                "content/chapters/01-a.md:14:1: check: unknown option \"sparsity\" for widget sae-explorer (known: class, d_sae, height, l1, label, model, name)",
                "content/chapters/01-a.md:12:1: check: d_sae must be a whole number, got \"many\" (trained: 8, 16)",
                "content/chapters/01-a.md:13:1: check: l1 must be a number, got \"strong\" (trained: 0.1, 1)"),
                errors(SITE + """
                        -- content/models/saes.yaml --
                        model: {kind: sae-toy, d_sae: [8, 16], l1_coefficients: [0.1, 1.0]}
                        data: {n_features: 8, d_in: 4}
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---
                        :::{widget} sae-explorer
                        :model: saes
                        :d_sae: 12
                        :l1: 0.5
                        :::

                        :::{widget} sae-explorer
                        :model: saes
                        :d_sae: many
                        :l1: strong
                        :sparsity: 0.9
                        :::
                        """));
    }

    @Test
    @DisplayName("with a fact-editing subject, relation, layer or attribute the facts model does not have")
    void factEditingOptions() throws IOException {
        assertEquals(List.of(
                "content/chapters/01-a.md:6:1: check: model facts has no entity 16 (it has 16 subjects) (a whole number from 0 to 15)",
                "content/chapters/01-a.md:7:1: check: model facts has no relation 4 (it has 4 relations) (a whole number from 0 to 3)",
                "content/chapters/01-a.md:8:1: check: model facts has no layer 2 (it has 2 layers) (a whole number from 0 to 1)",
                "content/chapters/01-a.md:14:1: check: unknown option \"d_sae\" for widget fact-editing (known: class, entity, height, label, layer, model, name, relation, target)",
                "content/chapters/01-a.md:13:1: check: target must be a whole number, got \"many\" (a whole number from 0 to 7)"),
                errors(SITE + """
                        -- content/models/facts.yaml --
                        model: {kind: fact-lookup, n_layers: 2}
                        data: {entities: 16, relations: 4, attributes: 8}
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---
                        :::{widget} fact-editing
                        :model: facts
                        :entity: 16
                        :relation: 4
                        :layer: 2
                        :::

                        :::{widget} fact-editing
                        :model: facts
                        :target: many
                        :d_sae: 8
                        :::
                        """));
    }

    @Test
    @DisplayName("with a circuits view or head the model does not have, and a superposition option on circuits")
    void circuitsOptions() throws IOException {
        assertEquals(List.of(
                "content/chapters/01-a.md:6:1: check: model bigrams has no attention layer, so no ov circuit (a zero-layer model has only the bigram view)",
                "content/chapters/01-a.md:7:1: check: model bigrams has no head \"0\" (a zero-layer model has no heads)",
                "content/chapters/01-a.md:14:1: check: unknown option \"sparsity\" for widget circuits (known: class, head, height, label, model, name, view)",
                "content/chapters/01-a.md:12:1: check: unknown view \"vo\" for widget circuits (known: bigram, ov, qk)",
                "content/chapters/01-a.md:13:1: check: model heads has no head \"4\" (heads of layer 0: 0 to 3)"),
                errors(SITE + """
                        -- content/models/bigrams.yaml --
                        model: {kind: attention-only, n_layers: 0}
                        -- content/models/heads.yaml --
                        model: {kind: attention-only, n_layers: 1}
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---
                        :::{widget} circuits
                        :model: bigrams
                        :view: ov
                        :head: 0
                        :::

                        :::{widget} circuits
                        :model: heads
                        :view: vo
                        :head: 4
                        :sparsity: 0.9
                        :::
                        """));
    }

    @Test
    @DisplayName("with an activation-patching widget on a zero-layer model, the MLP view on an attention-only model, an "
            + "unknown metric or mode, or path patching on one layer, says which")
    void patchingOptions() throws IOException {
        assertEquals(List.of(
                "content/chapters/01-a.md:5:1: check: model bigrams has no attention layer to patch (activation-patching needs n_layers >= 1)",
                "content/chapters/01-a.md:10:1: check: model heads is attention-only: it has no MLP output to patch (use view "
                        + "resid, attn, heads or path, or a model with MLPs)",
                "content/chapters/01-a.md:11:1: check: unknown metric \"loss\" for widget activation-patching (known: logit-diff, probability)",
                "content/chapters/01-a.md:12:1: check: unknown mode \"half\" for widget activation-patching (known: patch, attribution, "
                        + "zero-ablation, mean-ablation, resample-ablation)",
                "content/chapters/01-a.md:17:1: check: model heads has one layer: path patching needs a sender in layer 0 and a "
                        + "receiver in layer 1 (use a model with n_layers >= 2)"),
                errors(SITE + """
                        -- content/models/bigrams.yaml --
                        model: {kind: attention-only, n_layers: 0}
                        -- content/models/heads.yaml --
                        model: {kind: attention-only, n_layers: 1}
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---
                        :::{widget} activation-patching
                        :model: bigrams
                        :::

                        :::{widget} activation-patching
                        :model: heads
                        :view: mlp
                        :metric: loss
                        :mode: half
                        :::

                        :::{widget} activation-patching
                        :model: heads
                        :view: path
                        :::
                        """));
    }

    @Test
    @DisplayName("with a composition widget on a one-layer model, or a head or kind the model does not have, says which")
    void compositionOptions() throws IOException {
        assertEquals(List.of(
                "content/chapters/01-a.md:5:1: check: model heads has 1 attention layer: composition needs a head in layer 0 and one in layer 1 (composition needs n_layers >= 2 (e.g. attn-only-2l))",
                "content/chapters/01-a.md:10:1: check: model two has no head \"1.0\" in layer 0 (heads of layer 0: 0.0 to 0.3)",
                "content/chapters/01-a.md:11:1: check: model two has no head \"1.4\" in layer 1 (heads of layer 1: 1.0 to 1.3)",
                "content/chapters/01-a.md:12:1: check: unknown kind \"o\" for widget composition (known: k, q, v)"),
                errors(SITE + """
                        -- content/models/heads.yaml --
                        model: {kind: attention-only, n_layers: 1}
                        -- content/models/two.yaml --
                        model: {kind: attention-only, n_layers: 2}
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---
                        :::{widget} composition
                        :model: heads
                        :::

                        :::{widget} composition
                        :model: two
                        :sender: 1.0
                        :receiver: 1.4
                        :kind: o
                        :::
                        """));
    }

    @Test
    @DisplayName("with invalid front matter YAML reports the file line of the problem")
    void badFrontMatterYaml() throws IOException {
        assertEquals(List.of("content/chapters/01-a.md:3:12: load: invalid YAML: mapping values are not allowed here"
                        + " (check the indentation and that every 'key: value' pair has a space after the colon)"),
                errors(SITE + """
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        subtitle: b: c
                        ---
                        """));
    }

    @Test
    @DisplayName("with unknown front matter keys names each one and the known keys")
    void unknownFrontMatterKey() throws IOException {
        assertEquals(List.of(
                "content/chapters/01-a.md:2:1: load: unknown key \"titel\" in front matter (known keys: authors, date, draft, numbered, subtitle, summary, title)",
                "content/chapters/01-a.md:2:1: load: missing required key \"title\" (every chapter needs 'title: ...' in its front matter)"),
                errors(SITE + """
                        -- content/chapters/01-a.md --
                        ---
                        titel: A
                        ---
                        """));
    }

    @Test
    @DisplayName("without front matter, or with front matter never closed")
    void frontMatterMissing() throws IOException {
        assertEquals(List.of(
                "content/chapters/01-a.md:1:1: load: missing front matter (start the chapter with a '---' line, 'title: ...', and another '---' line)",
                "content/chapters/02-b.md:1:1: load: front matter is never closed (add a '---' line after the front matter)"),
                errors(SITE + """
                        -- content/chapters/01-a.md --
                        # Just a heading
                        -- content/chapters/02-b.md --
                        ---
                        title: B
                        """));
    }

    @Test
    @DisplayName("with a broken model spec reports every bad key and value")
    void badSpec() throws IOException {
        assertEquals(List.of(
                "content/models/toy.yaml:3:3: load: unknown key \"n_feature\" in the model section (known keys: d_hidden, kind, n_features, output)",
                "content/models/toy.yaml:8:3: load: unknown key \"stpes\" in the trainer section (known keys: batch_size, learning_rate, restarts, seed, steps)",
                "content/models/toy.yaml:1:1: load: missing required key \"n_features\" (e.g. n_features: 5)",
                "content/models/toy.yaml:4:13: load: expected a whole number for \"d_hidden\", got \"two\"",
                "content/models/toy.yaml:6:3: load: every sparsity must be in [0, 1), got 1.5"),
                errors(SITE + """
                        -- content/models/toy.yaml --
                        model:
                          kind: toy-superposition
                          n_feature: 5
                          d_hidden: two
                        data:
                          sparsities: [0, 1.5]
                        trainer:
                          stpes: 10
                        """));
    }

    @Test
    @DisplayName("with an unknown model kind lists the kinds there are")
    void unknownKind() throws IOException {
        assertEquals(List.of("content/models/toy.yaml:2:3: load: unknown model kind \"toy-superpositon\" (known kinds: "
                + String.join(", ", org.circuitbook.generator.training.ModelKinds.ALL.names()) + ")"),
                errors(SITE + """
                        -- content/models/toy.yaml --
                        model:
                          kind: toy-superpositon
                        """));
    }

    @Test
    @DisplayName("without site.yaml says what to create")
    void missingSiteConfig() throws IOException {
        assertEquals(List.of("content/site.yaml: load: missing site configuration (create it with at least 'title: ...')"),
                errors("""
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---
                        """));
    }

    @Test
    @DisplayName("with an unknown site.yaml key rejects it")
    void unknownSiteKey() throws IOException {
        assertEquals(List.of("content/site.yaml:2:1: load: unknown key \"theme\" in site.yaml (known keys: intro, language, subtitle, title, url)"),
                errors("""
                        -- content/site.yaml --
                        title: T
                        theme: dark
                        """));
    }

    @Test
    @DisplayName("with a site.yaml url that is not an absolute http(s) address rejects it")
    void badSiteUrl() throws IOException {
        assertEquals(List.of("content/site.yaml:2:1: load: url \"books.example.org/b\" is not an absolute http(s) URL"
                        + " (write the published address, e.g. https://user.github.io/book/)"),
                errors("""
                        -- content/site.yaml --
                        title: T
                        url: books.example.org/b
                        """));
    }

    @Test
    @DisplayName("with an unknown layout class or a non-boolean 'numbered' names the known ones")
    void layoutClassAndNumbered() throws IOException {
        assertEquals(List.of("content/chapters/01-a.md:3:11: load: expected true or false for \"numbered\", got \"no\""),
                errors(SITE + """
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        numbered: no
                        ---
                        """));
        assertEquals(List.of("content/chapters/01-a.md:6:1: check: unknown class \"wide\" for directive table"
                        + " (known: l-body, l-page, l-gutter, l-screen)"),
                errors(SITE + """
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---

                        :::{table} T
                        :class: wide
                        | a |
                        |---|
                        | 1 |
                        :::
                        """));
    }
}
