package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The book's exercises, read from its sources: every exercise has a solution, and every chapter with a live figure
 * has at least two predict-then-check exercises whose solution states the answer through the trained models (a
 * {@code {metric}} or a {@code {claim}}), so that a retrained model cannot leave a solution wrong unnoticed: the
 * build checks each claim and prints each metric from the weights it publishes.
 */
class BookExercisesTest {
    static final Path CHAPTERS = Path.of("..", "content", "chapters");
    private static final Pattern EXERCISE = Pattern.compile("(?m)^:::\\{exercise\\}.*\\n:label: (\\S+)");
    private static final Pattern SOLUTION = Pattern.compile("(?m)^:::\\{solution\\} (\\S+)\\n([\\s\\S]*?)^:::$");
    private static final Pattern BOUND = Pattern.compile("\\{(metric|claim)\\}`");

    @Test
    @DisplayName("every exercise has a solution; every chapter with a widget has two solutions bound to the models")
    void exercisesAnsweredByTheModels() throws IOException {
        List<String> problems = new ArrayList<>();
        int chaptersWithWidgets = 0;
        try (Stream<Path> files = Files.list(CHAPTERS)) {
            for (Path chapter : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                String source = Files.readString(chapter);
                Map<String, String> solutions = new LinkedHashMap<>();
                Matcher s = SOLUTION.matcher(source);
                while (s.find()) {
                    solutions.put(s.group(1), s.group(2));
                }
                int bound = 0;
                Matcher e = EXERCISE.matcher(source);
                while (e.find()) {
                    String solution = solutions.get(e.group(1));
                    if (solution == null) {
                        problems.add(chapter.getFileName() + ": exercise " + e.group(1) + " has no solution");
                    } else if (BOUND.matcher(solution).find()) {
                        bound++;
                    }
                }
                if (source.contains(":::{widget}")) {
                    chaptersWithWidgets++;
                    if (bound < 2) {
                        problems.add(chapter.getFileName() + ": " + bound
                                + " exercises whose solution reads the models, at least 2 wanted");
                    }
                }
            }
        }
        assertTrue(chaptersWithWidgets >= 10, "the book's chapters with live figures were found: " + chaptersWithWidgets);
        assertEquals(List.of(), problems);
    }
}
