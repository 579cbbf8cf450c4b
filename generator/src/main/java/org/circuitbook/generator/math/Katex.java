package org.circuitbook.generator.math;

import java.nio.charset.StandardCharsets;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * Server-side KaTeX: renders TeX to static HTML+MathML so pages need no JavaScript.
 *
 * <p>Runs katex.min.js from the {@code org.webjars.npm:katex} WebJar inside one GraalJS
 * context. On a stock JDK GraalJS runs in interpreter mode: loading costs seconds and each
 * formula milliseconds, so create one instance per build and cache results ({@link MathCache}).
 *
 * <p>A GraalJS context must never be entered by two threads at once; {@link #render} is
 * therefore {@code synchronized}, which makes an instance safe to share but serialises all
 * rendering. Use one instance per thread if rendering becomes a bottleneck.
 */
public final class Katex implements AutoCloseable {
    /*
     * The wrapper turns every KaTeX failure into a plain result object: inspecting a
     * PolyglotException's guest object from Java is clumsier, and we need ParseError's
     * 'position' and 'rawMessage' properties. No 'macros' object is passed, so a \gdef in
     * one formula cannot leak into the next; results depend on the TeX text alone, which is
     * what makes caching by formula text correct.
     */
    private static final String WRAPPER = String.join("\n",
            "(function (tex, display) {",
            "  try {",
            "    return { html: katex.renderToString(tex, {",
            "      displayMode: display, output: 'htmlAndMathml', throwOnError: true }) };",
            "  } catch (e) {",
            "    var parse = e instanceof katex.ParseError;",
            "    return { error: String(e && e.message !== undefined ? e.message : e),",
            "             raw: parse && e.rawMessage !== undefined ? String(e.rawMessage) : null,",
            "             position: parse && typeof e.position === 'number' ? e.position : -1 };",
            "  }",
            "})");

    private static final String PREFIX = "KaTeX parse error: ";

    private final Context context;
    private final Value renderFn;

    private Katex(Context context, Value renderFn) {
        this.context = context;
        this.renderFn = renderFn;
    }

    /** Starts a JS context and evaluates katex.min.js (takes seconds; reuse the instance). */
    public static Katex load() {
        String script = new String(KatexWebJar.read("katex.min.js"), StandardCharsets.UTF_8);
        Context context = Context.newBuilder("js")
                // Stock OpenJDK has no Graal JIT; without this every start prints a warning.
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        try {
            // katex.min.js is UMD: with no module/define in scope it sets globalThis.katex.
            context.eval(Source.newBuilder("js", script, "katex.min.js").buildLiteral());
            Value fn = context.eval("js", WRAPPER);
            String jsVersion = context.eval("js", "katex.version").asString();
            if (!jsVersion.equals(KatexWebJar.VERSION)) {
                throw new IllegalStateException("katex.min.js reports version " + jsVersion
                        + " but the WebJar is " + KatexWebJar.VERSION);
            }
            return new Katex(context, fn);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** The KaTeX version on the class path, e.g. {@code 0.18.11}; cheap, needs no context. */
    public static String version() {
        return KatexWebJar.VERSION;
    }

    /**
     * Renders one formula. Returns KaTeX's markup: a {@code <span class="katex">} with MathML
     * and HTML inside, wrapped in {@code <span class="katex-display">} when {@code display}.
     */
    public synchronized String render(String tex, boolean display) throws TexException {
        if (tex == null) {
            throw new NullPointerException("tex");
        }
        Value result;
        try {
            result = renderFn.execute(tex, display);
        } catch (PolyglotException e) {
            // Only engine-level failures (stack overflow, cancellation) get here.
            throw new TexException(String.valueOf(e.getMessage()), null, -1);
        }
        if (result.hasMember("html")) {
            return result.getMember("html").asString();
        }
        String message = result.getMember("error").asString();
        if (message.startsWith(PREFIX)) {
            message = message.substring(PREFIX.length());
        }
        Value raw = result.getMember("raw");
        int position = result.getMember("position").asInt();
        if (position > tex.length()) {
            position = -1; // located in the text of one of KaTeX's built-in macros, not the source
        }
        throw new TexException(message, raw.isNull() ? null : raw.asString(), position);
    }

    @Override
    public synchronized void close() {
        context.close();
    }
}
