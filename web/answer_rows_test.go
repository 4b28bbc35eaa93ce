package web

import (
	"html/template"
	"strings"
	"testing"

	"github.com/readiness/readiness/web/i18n"
)

// The rows the templates wrote before answerRows; answerRows must write the
// same bytes, escaping included.
const (
	templateRows = `{{range .}}<tr><td>{{.Prompt}}</td><td>{{.Answer}}</td><td class="num">{{.Points}} / {{.Target}}</td><td class="num">{{if gt .Lost 0.0}}−{{fmt2 .Lost}}{{else}}0{{end}}</td></tr>
{{end}}`
	templateHeaderRows = `{{range .}}<tr><th scope="row">{{.Prompt}}</th><td>{{.Answer}}</td><td class="num">{{.Points}} / {{.Target}}</td><td class="num">{{if gt .Lost 0.0}}−{{fmt2 .Lost}}{{else}}0{{end}}</td></tr>
{{end}}`
)

func TestAnswerRows_SameAsTheTemplate(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	items := []itemView{
		{Prompt: "How often do you run paid search?", Answer: "Weekly", Points: 3, Target: 4, Lost: 1.25},
		{Prompt: `<script>alert("x")</script> & 'quotes'`, Answer: "A & B, <i>not</i> markup\x00", Points: 0, Target: 2, Lost: 0},
		{Prompt: "¿Cuántas campañas? — ñandú", Answer: "", Points: 4, Target: 4, Lost: 0.004},
		{Prompt: "SEO+SEM = paid search", Answer: "a+b", Points: -1, Target: 0, Lost: -0.5},
		{Prompt: "Large", Answer: "y", Points: 12, Target: 12, Lost: 1234.5678},
	}
	for _, lang := range cat.Languages() {
		p := cat.Printer(lang)
		for _, header := range []bool{false, true} {
			src := templateRows
			if header {
				src = templateHeaderRows
			}
			tmpl := template.Must(template.New("rows").Funcs(template.FuncMap{
				"fmt2": func(x float64) string { return p.Num(x, 2) },
			}).Parse(src))
			var want strings.Builder
			if err := tmpl.Execute(&want, items); err != nil {
				t.Fatal(err)
			}
			if got := string(answerRows(p, items, header)); got != want.String() {
				t.Errorf("%s, row headers %v:\ngot  %q\nwant %q", lang, header, got, want.String())
			}
		}
	}
}
