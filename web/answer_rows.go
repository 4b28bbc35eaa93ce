package web

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/readiness/readiness/web/i18n"
)

// answerRows writes the rows of a result's answer table: the question, the
// answer in words, points against the target, and the overall points lost.
// The same rows written by the template cost about 35 allocations each
// through reflection, and a counselor's page about a learner with 50
// results has 2,000 of them (docs/PERFORMANCE.md, round 2). Every text is
// escaped as html/template escapes element content; rowHeaders writes the
// question as the row's header cell (the counselor's tables) rather than a
// plain cell (the result page's).
func answerRows(p *i18n.Printer, items []itemView, rowHeaders bool) template.HTML {
	var b strings.Builder
	b.Grow(len(items) * 160)
	open, shut := "<tr><td>", "</td><td>"
	if rowHeaders {
		open, shut = `<tr><th scope="row">`, "</th><td>"
	}
	for _, it := range items {
		b.WriteString(open)
		b.WriteString(htmlText.Replace(it.Prompt))
		b.WriteString(shut)
		b.WriteString(htmlText.Replace(it.Answer))
		b.WriteString(`</td><td class="num">`)
		b.WriteString(strconv.Itoa(it.Points))
		b.WriteString(" / ")
		b.WriteString(strconv.Itoa(it.Target))
		b.WriteString(`</td><td class="num">`)
		if it.Lost > 0 {
			b.WriteString("−")
			b.WriteString(htmlText.Replace(p.Num(it.Lost, 2)))
		} else {
			b.WriteString("0")
		}
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String())
}
