package web

import (
	"html/template"
	"strings"
	"testing"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/web/i18n"
)

// The "question" partial before questionHTML; questionHTML must write the
// same bytes, escaping included.
const templateQuestion = `{{define "question"}}
{{$q := .Q}}{{$multi := .IsMulti}}
<fieldset class="question{{if .Error}} has-error{{end}}{{if .IsRating}} rating{{end}}" id="q-{{$q.ID}}"
  {{if .ShowIf}}data-show-if="{{.ShowIf}}" data-show-in="{{.ShowIfIn}}"{{end}}
  aria-describedby="{{if $q.Help}}help-{{$q.ID}} {{end}}{{if .Hint}}hint-{{$q.ID}} {{end}}{{if .Error}}err-{{$q.ID}}{{end}}">
  <legend>{{$q.Prompt}}</legend>
  {{with $q.Help}}<p class="hint" id="help-{{$q.ID}}">{{.}}</p>{{end}}
  {{with .Hint}}<p class="hint" id="hint-{{$q.ID}}">{{.}}</p>{{end}}
  {{with .Error}}<p class="error" id="err-{{$q.ID}}"><span class="visually-hidden">{{t "form.error_prefix"}}</span> {{.}}</p>{{end}}
  <div class="options">
  {{range .Options}}
    <label class="option">
      <input type="{{if $multi}}checkbox{{else}}radio{{end}}" name="{{$q.ID}}" value="{{.Key}}"{{if .Checked}} checked{{end}}>
      <span class="option-text"><span class="option-label">{{.Label}}</span>{{with .Description}}<span class="option-desc">{{.}}</span>{{end}}</span>
    </label>
  {{end}}
  </div>
</fieldset>
{{end}}`

// Every question of every built-in profile in each language, plain and
// with everything shown (error, hint, a condition, options checked), and
// one whose every text holds markup, quotes, +, NUL and accents.
func TestQuestionHTML_SameAsTheTemplate(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	hostile := `<b>"x" & 'y'</b> +1 ñ` + "\x00"
	views := []questionView{{
		Q: &assessment.Question{ID: `q"<id>&+`, Prompt: hostile, Help: hostile, Type: assessment.TypeMulti},
		Options: []optionView{
			{Key: hostile, Label: hostile, Description: hostile, Checked: true},
			{Key: "k", Label: "", Description: ""},
		},
		Error: hostile, ShowIf: hostile, ShowIfIn: hostile + " b", Hint: hostile, IsMulti: true, IsRating: true,
	}, {Q: &assessment.Question{ID: "empty"}}}
	for _, lang := range cat.Languages() {
		for _, id := range reg.IDs() {
			p, ok := reg.LookupIn(id, lang)
			if !ok {
				p, _ = reg.Lookup(id)
			}
			for i := range p.Questions {
				q := &p.Questions[i]
				plain := questionView{Q: q, IsMulti: q.Type == assessment.TypeMulti, IsRating: q.Type == assessment.TypeRating}
				full := plain
				full.Error, full.Hint, full.ShowIf, full.ShowIfIn = "Choose one of the options.", "Answer this if it applies.", "edu.degree", "bachelor master"
				for j, o := range p.OptionsOf(q) {
					plain.Options = append(plain.Options, optionView{Key: o.Key, Label: o.Label, Description: o.Description})
					full.Options = append(full.Options, optionView{Key: o.Key, Label: o.Label, Description: o.Description, Checked: j%2 == 0})
				}
				views = append(views, plain, full)
			}
		}
		if len(views) < 20 {
			t.Fatalf("only %d question views", len(views))
		}
		pr := cat.Printer(lang)
		tmpl := template.Must(template.New("q").Funcs(template.FuncMap{
			"t": func(key string, args ...any) template.HTML { return translateHTML(pr, key, args) },
		}).Parse(templateQuestion))
		for _, v := range views {
			var want strings.Builder
			if err := tmpl.ExecuteTemplate(&want, "question", v); err != nil {
				t.Fatal(err)
			}
			if got := string(questionHTML(pr, v)); got != want.String() {
				t.Errorf("%s, question %q:\ngot  %q\nwant %q", lang, v.Q.ID, got, want.String())
			}
		}
	}
}
