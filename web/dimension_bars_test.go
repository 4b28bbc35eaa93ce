package web

import (
	"html/template"
	"strings"
	"testing"

	"github.com/readiness/readiness/scoring"
	"github.com/readiness/readiness/web/i18n"
)

// barsTemplate is the "dimension-bars" partial before dimensionBars wrote
// it; dimensionBars must write the same bytes.
const barsTemplate = `{{define "dimension-bars"}}
<ul class="bars">
{{range .}}
  <li>
    <span class="bar-label">{{.Name}} <small>{{t "bars.weight" "Weight" .Weight}}</small></span>
    <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{{t "bars.label" "Area" .Name "Score" (fmt1 .Score)}}">
      <rect class="track" x="0" y="0" width="100" height="10"></rect>
      <rect class="fill" x="0" y="0" width="{{svg1 .Score}}" height="10"></rect>
    </svg>
    <span class="bar-value">{{fmt1 .Score}}</span>
  </li>
{{end}}
</ul>
{{end}}`

func TestDimensionBars_SameAsTheTemplate(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	dims := []scoring.DimensionResult{
		{ID: "mkt", Name: "Marketing", Weight: 25, Score: 72.45},
		{ID: "x", Name: `SEO+SEM <b>"Ads"</b> & 'more' = a` + "\x00`", Weight: 0, Score: 0},
		{ID: "y", Name: "Educación — ñandú", Weight: 100, Score: 100},
		{ID: "z", Name: "", Weight: 7, Score: 0.05},
	}
	for _, lang := range cat.Languages() {
		p := cat.Printer(lang)
		funcs := langFuncs(p, nil)
		funcs["svg1"] = svg1
		tmpl := template.Must(template.New("bars").Funcs(funcs).Parse(barsTemplate))
		for _, ds := range [][]scoring.DimensionResult{dims, nil} {
			var want strings.Builder
			if err := tmpl.ExecuteTemplate(&want, "dimension-bars", ds); err != nil {
				t.Fatal(err)
			}
			if got := string(dimensionBars(p, ds)); got != want.String() {
				t.Errorf("%s:\ngot  %q\nwant %q", lang, got, want.String())
			}
		}
	}
}
