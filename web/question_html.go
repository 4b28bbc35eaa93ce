package web

import (
	"html/template"
	"strings"

	"github.com/readiness/readiness/web/i18n"
)

// questionHTML writes one question of a form (the assessment's sections
// and the what-if page): a fieldset of options, its help, hint and error,
// named by question id so both forms send answers the same way. It writes
// what the "question" partial wrote, byte for byte
// (TestQuestionHTML_SameAsTheTemplate): through html/template, each value
// on the page went through its escaper by reflection, and the questions
// were half the CPU of an assessment page (docs/PERFORMANCE.md, round 2).
// Every value is escaped as html/template escapes text and quoted
// attributes (htmlText); the error prefix is the catalog's trusted HTML.
func questionHTML(p *i18n.Printer, qv questionView) template.HTML {
	q := qv.Q
	id := htmlText.Replace(q.ID)
	var b strings.Builder
	b.Grow(400 + 250*len(qv.Options))
	b.WriteString("\n\n<fieldset class=\"question")
	if qv.Error != "" {
		b.WriteString(" has-error")
	}
	if qv.IsRating {
		b.WriteString(" rating")
	}
	b.WriteString(`" id="q-`)
	b.WriteString(id)
	b.WriteString("\"\n  ")
	if qv.ShowIf != "" {
		b.WriteString(`data-show-if="`)
		b.WriteString(htmlText.Replace(qv.ShowIf))
		b.WriteString(`" data-show-in="`)
		b.WriteString(htmlText.Replace(qv.ShowIfIn))
		b.WriteString(`"`)
	}
	b.WriteString("\n  aria-describedby=\"")
	if q.Help != "" {
		b.WriteString("help-" + id + " ")
	}
	if qv.Hint != "" {
		b.WriteString("hint-" + id + " ")
	}
	if qv.Error != "" {
		b.WriteString("err-" + id)
	}
	b.WriteString("\">\n  <legend>")
	b.WriteString(htmlText.Replace(q.Prompt))
	b.WriteString("</legend>\n  ")
	if q.Help != "" {
		b.WriteString(`<p class="hint" id="help-` + id + `">`)
		b.WriteString(htmlText.Replace(q.Help))
		b.WriteString("</p>")
	}
	b.WriteString("\n  ")
	if qv.Hint != "" {
		b.WriteString(`<p class="hint" id="hint-` + id + `">`)
		b.WriteString(htmlText.Replace(qv.Hint))
		b.WriteString("</p>")
	}
	b.WriteString("\n  ")
	if qv.Error != "" {
		b.WriteString(`<p class="error" id="err-` + id + `"><span class="visually-hidden">`)
		b.WriteString(string(translateHTML(p, "form.error_prefix", nil)))
		b.WriteString("</span> ")
		b.WriteString(htmlText.Replace(qv.Error))
		b.WriteString("</p>")
	}
	b.WriteString("\n  <div class=\"options\">\n  ")
	kind := "radio"
	if qv.IsMulti {
		kind = "checkbox"
	}
	for _, o := range qv.Options {
		b.WriteString("\n    <label class=\"option\">\n      <input type=\"" + kind + `" name="` + id + `" value="`)
		b.WriteString(htmlText.Replace(o.Key))
		b.WriteString(`"`)
		if o.Checked {
			b.WriteString(" checked")
		}
		b.WriteString(">\n      <span class=\"option-text\"><span class=\"option-label\">")
		b.WriteString(htmlText.Replace(o.Label))
		b.WriteString("</span>")
		if o.Description != "" {
			b.WriteString(`<span class="option-desc">`)
			b.WriteString(htmlText.Replace(o.Description))
			b.WriteString("</span>")
		}
		b.WriteString("</span>\n    </label>\n  ")
	}
	b.WriteString("\n  </div>\n</fieldset>\n")
	return template.HTML(b.String())
}
