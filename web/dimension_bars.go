package web

import (
	"html/template"
	"strings"

	"github.com/readiness/readiness/scoring"
	"github.com/readiness/readiness/web/i18n"
)

// dimensionBars writes a result's bars, one per dimension: its name and
// weight, an SVG bar of its score, and the score. It is the
// "dimension-bars" partial's whole body. The same markup written by the
// template cost about 65 allocations a bar, and a counselor's page about a
// learner with 50 results has 300 bars (docs/PERFORMANCE.md, round 2).
// TestDimensionBars_SameAsTheTemplate holds it byte for byte to the
// template it replaced, escaping included.
func dimensionBars(p *i18n.Printer, dims []scoring.DimensionResult) template.HTML {
	var b strings.Builder
	b.Grow(80 + len(dims)*480)
	b.WriteString("\n<ul class=\"bars\">\n")
	for _, d := range dims {
		score := p.Num(d.Score, 1)
		b.WriteString("\n  <li>\n    <span class=\"bar-label\">")
		b.WriteString(htmlText.Replace(d.Name))
		b.WriteString(" <small>")
		b.WriteString(string(translateHTML(p, "bars.weight", []any{"Weight", d.Weight})))
		b.WriteString("</small></span>\n    <svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
		b.WriteString(attrOfHTML.Replace(string(translateHTML(p, "bars.label", []any{"Area", d.Name, "Score", score}))))
		b.WriteString("\">\n      <rect class=\"track\" x=\"0\" y=\"0\" width=\"100\" height=\"10\"></rect>\n      <rect class=\"fill\" x=\"0\" y=\"0\" width=\"")
		b.WriteString(htmlText.Replace(svg1(d.Score)))
		b.WriteString("\" height=\"10\"></rect>\n    </svg>\n    <span class=\"bar-value\">")
		b.WriteString(htmlText.Replace(score))
		b.WriteString("</span>\n  </li>\n")
	}
	b.WriteString("\n</ul>\n")
	return template.HTML(b.String())
}

// htmlText is how html/template escapes a string in text or a quoted
// attribute (template.HTMLEscapeString leaves + alone; html/template does not).
var htmlText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// attrOfHTML is what html/template does to trusted HTML (translateHTML's
// text, whose arguments are already escaped and whose catalog text holds
// no markup) written into a quoted attribute: entities stay, and the few
// characters an attribute must not hold raw are escaped.
var attrOfHTML = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")
