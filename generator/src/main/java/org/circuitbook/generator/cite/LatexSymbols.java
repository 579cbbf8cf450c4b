package org.circuitbook.generator.cite;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The LaTeX commands {@link LatexText} knows: what each prints, and which only format their argument. */
final class LatexSymbols {
    private LatexSymbols() {
    }

    /** Commands that print text and take no argument. */
    static final Map<String, String> TABLE;

    /** Commands that format or wrap their argument (kept as text) or change the font (print nothing). */
    static final Set<String> FORMATS = Set.of(
            "emph", "textit", "textbf", "textsc", "texttt", "textrm", "textsf", "textsl", "textup", "textmd",
            "textnormal", "textsuperscript", "textsubscript", "mbox", "hbox", "text", "ensuremath", "mathrm",
            "mathbf", "mathit", "mathsf", "mathtt", "mathcal", "mathbb", "mathfrak", "mathscr", "boldsymbol", "bm",
            "operatorname", "enquote", "mkbibquote", "mkbibemph", "mkbibitalic", "mkbibbold", "NoCaseChange",
            "nocase", "uppercase", "lowercase", "MakeUppercase", "MakeLowercase", "protect", "relax", "em", "it",
            "bf", "sc", "tt", "rm", "sf", "sl", "up", "itshape", "bfseries", "scshape", "upshape", "mdseries",
            "normalfont", "rmfamily", "sffamily", "ttfamily", "slshape", "nobreak", "allowbreak", "newblock",
            "displaystyle", "textstyle", "scriptstyle", "tiny", "small", "footnotesize", "normalsize", "large",
            "Large", "LARGE", "huge", "Huge", "xspace", "ignorespaces", "unskip", "left", "right", "big", "Big",
            "bigl", "bigr", "Bigl", "Bigr", "limits", "nolimits", "vphantom", "hphantom");

    static {
        Map<String, String> m = new HashMap<>();
        put(m, "aa å AA Å ae æ AE Æ oe œ OE Œ o ø O Ø ss ß SS SS l ł L Ł i ı j ȷ dh ð DH Ð th þ TH Þ dj đ DJ Đ "
                + "ng ŋ NG Ŋ");
        put(m, "textendash – textemdash — textellipsis … ldots … dots … cdots ⋯ textquoteleft ‘ textquoteright ’ "
                + "textquotedblleft “ textquotedblright ” textquotesingle ' textquotedbl \" quotedblbase „ "
                + "quotesinglbase ‚ guillemotleft « guillemotright » guillemetleft « guillemetright » "
                + "guilsinglleft ‹ guilsinglright › textasciitilde ~ textasciicircum ^ textbackslash \\ "
                + "textbar | textless < textgreater > textunderscore _ textdollar $ textpercent % textbraceleft { "
                + "textbraceright } textregistered ® texttrademark ™ textcopyright © copyright © S § P ¶ "
                + "textsection § textparagraph ¶ dag † ddag ‡ textdagger † textdaggerdbl ‡ textdegree ° "
                + "pounds £ textsterling £ euro € texteuro € textyen ¥ textcent ¢ textperthousand ‰ "
                + "textexclamdown ¡ textquestiondown ¿ textperiodcentered · textbullet • textasteriskcentered ∗ "
                + "textmu µ textonehalf ½ textonequarter ¼ textthreequarters ¾ texttimes × textdiv ÷ "
                + "textpm ± textminus − textordfeminine ª textordmasculine º");
        put(m, "alpha α beta β gamma γ delta δ epsilon ϵ varepsilon ε zeta ζ eta η theta θ vartheta ϑ iota ι "
                + "kappa κ lambda λ mu μ nu ν xi ξ omicron ο pi π varpi ϖ rho ρ varrho ϱ sigma σ varsigma ς "
                + "tau τ upsilon υ phi ϕ varphi φ chi χ psi ψ omega ω Gamma Γ Delta Δ Theta Θ Lambda Λ Xi Ξ "
                + "Pi Π Sigma Σ Upsilon Υ Phi Φ Psi Ψ Omega Ω");
        put(m, "times × cdot · pm ± mp ∓ div ÷ leq ≤ le ≤ geq ≥ ge ≥ neq ≠ ne ≠ approx ≈ sim ∼ simeq ≃ cong ≅ "
                + "equiv ≡ propto ∝ ll ≪ gg ≫ infty ∞ to → rightarrow → leftarrow ← gets ← leftrightarrow ↔ "
                + "Rightarrow ⇒ Leftarrow ⇐ Leftrightarrow ⇔ mapsto ↦ uparrow ↑ downarrow ↓ in ∈ notin ∉ ni ∋ "
                + "subset ⊂ subseteq ⊆ supset ⊃ supseteq ⊇ cup ∪ cap ∩ setminus ∖ emptyset ∅ varnothing ∅ "
                + "forall ∀ exists ∃ neg ¬ lnot ¬ land ∧ wedge ∧ lor ∨ vee ∨ oplus ⊕ otimes ⊗ circ ∘ ast ∗ "
                + "star ⋆ bullet • partial ∂ nabla ∇ sum ∑ prod ∏ int ∫ oint ∮ sqrt √ ell ℓ hbar ℏ Re ℜ Im ℑ "
                + "aleph ℵ prime ′ angle ∠ perp ⊥ parallel ∥ mid ∣ vert | Vert ‖ langle ⟨ rangle ⟩ "
                + "lceil ⌈ rceil ⌉ lfloor ⌊ rfloor ⌋ top ⊤ bot ⊥ vdash ⊢ models ⊨ dagger † checkmark ✓ "
                + "log log ln ln exp exp sin sin cos cos tan tan max max min min arg arg det det dim dim lim lim "
                + "sup sup inf inf Pr Pr argmax argmax argmin argmin");
        put(m, "TeX TeX LaTeX LaTeX LaTeXe LaTeX2ε BibTeX BibTeX XeTeX XeTeX");
        m.put("quad", " ");
        m.put("qquad", " ");
        m.put("space", " ");
        m.put("enspace", " ");
        m.put("thinspace", "\u202f");
        m.put("newline", " ");
        m.put("linebreak", " ");
        m.put("par", " ");
        m.put("slash", "/");
        m.put("textvisiblespace", "\u2423");
        TABLE = Map.copyOf(m);
    }

    private static void put(Map<String, String> m, String pairs) {
        String[] w = pairs.trim().split(" +");
        for (int i = 0; i + 1 < w.length; i += 2) {
            m.put(w[i], w[i + 1]);
        }
    }
}
