package assessment_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/readiness/readiness/assessment"
)

func builtin(t testing.TB) *assessment.Profile {
	t.Helper()
	reg, err := assessment.Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	p, ok := reg.Lookup("ecommerce-manager")
	if !ok {
		t.Fatalf("Builtin: no ecommerce-manager profile; have %v", reg.IDs())
	}
	return p
}

func TestBuiltin_LoadsEcommerceManager(t *testing.T) {
	p := builtin(t)
	if p.Version == "" || p.Title == "" {
		t.Errorf("profile %q: version %q, title %q: want both set", p.ID, p.Version, p.Title)
	}
	// DESIGN.md §2.1 and §2.3: six dimensions weighing 100, 31 questions, 23 of them ratings.
	wantDims := map[string]int{"education": 25, "marketing": 20, "web": 20, "security": 15, "management": 15, "core": 5}
	if len(p.Dimensions) != len(wantDims) {
		t.Errorf("%d dimensions, want %d", len(p.Dimensions), len(wantDims))
	}
	for _, d := range p.Dimensions {
		if d.Weight != wantDims[d.ID] {
			t.Errorf("dimension %s: weight %d, want %d", d.ID, d.Weight, wantDims[d.ID])
		}
	}
	ratings := 0
	for _, q := range p.Questions {
		if q.Type == assessment.TypeRating {
			ratings++
		}
	}
	if len(p.Questions) != 31 || ratings != 23 {
		t.Errorf("%d questions (%d ratings), want 31 (23)", len(p.Questions), ratings)
	}
	q, ok := p.Question("edu.field")
	if !ok || q.ShowIf == nil || q.ShowIf.Question != "edu.degree" {
		t.Errorf("edu.field: want shown only by edu.degree, got %+v", q)
	}
	if i, ok := p.QuestionIndex("mkt.sem"); !ok || p.Questions[i].ID != "mkt.sem" {
		t.Errorf("QuestionIndex(mkt.sem) = %d, %v", i, ok)
	}
	if _, ok := p.Question("nope"); ok {
		t.Error("Question(nope) found a question")
	}
	if b, ok := p.Band("nearly-ready"); !ok || b.Min != 60 {
		t.Errorf("Band(nearly-ready) = %+v, %v; want min 60", b, ok)
	}
	if got := len(p.QuestionsIn("core")); got != 6 {
		t.Errorf("QuestionsIn(core): %d questions, want 6", got)
	}
	if got := len(p.Steps); got != 14 {
		t.Errorf("%d steps in the catalog, want 14 (DESIGN.md §2.5)", got)
	}
}

// profileJSON returns the builtin profile file decoded into generic JSON, to
// be broken one way per test case.
func profileJSON(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile("profiles/ecommerce-manager.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// at walks a path of object keys and array indexes in generic JSON.
func at(v any, path ...any) map[string]any {
	for _, step := range path {
		switch s := step.(type) {
		case string:
			v = v.(map[string]any)[s]
		case int:
			v = v.([]any)[s]
		}
	}
	return v.(map[string]any)
}

func TestParse_ProfileErrorsNameThePlace(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(m map[string]any)
		want   []string // each must appear in the error
	}{
		{"unknown dimension",
			func(m map[string]any) { at(m, "questions", 6)["dimension"] = "marketting" },
			[]string{`questions[6] (mkt.sem): unknown dimension "marketting"`}},
		{"weights sum to 99",
			func(m map[string]any) { at(m, "dimensions", 5)["weight"] = 4 },
			[]string{"dimensions: weights sum to 99, not 100"}},
		{"target 5",
			func(m map[string]any) { at(m, "questions", 6)["target"] = 5 },
			[]string{"questions[6] (mkt.sem): target 5 outside 1–4"}},
		{"target 0",
			func(m map[string]any) { at(m, "questions", 6)["target"] = 0 },
			[]string{"questions[6] (mkt.sem): target 0 outside 1–4"}},
		{"duplicate question id",
			func(m map[string]any) { at(m, "questions", 7)["id"] = "mkt.sem" },
			[]string{"questions[7] (mkt.sem): duplicate question id"}},
		{"duplicate option key",
			func(m map[string]any) { at(m, "questions", 0, "options", 4)["key"] = "bachelor" },
			[]string{"questions[0] (edu.degree).options[4] (bachelor): duplicate option key"}},
		{"show_if names a missing question",
			func(m map[string]any) { at(m, "questions", 1, "show_if")["question"] = "edu.level" },
			[]string{`questions[1] (edu.field): show_if names "edu.level"`}},
		{"show_if names a later question",
			func(m map[string]any) { at(m, "questions", 1, "show_if")["question"] = "mkt.years" },
			[]string{`questions[1] (edu.field): show_if names "mkt.years", which is not a question before it`}},
		{"show_if names a missing option",
			func(m map[string]any) { at(m, "questions", 1, "show_if")["in"] = []any{"bachelor", "phd"} },
			[]string{`questions[1] (edu.field): show_if option "phd" is not an option of edu.degree`}},
		{"step addresses an unknown item",
			func(m map[string]any) { at(m, "steps", 3)["addresses"].([]any)[1] = "mkt.tv" },
			[]string{`steps[3] (marketing-courses): addresses unknown question "mkt.tv"`}},
		{"step of unknown kind",
			func(m map[string]any) { at(m, "steps", 6)["kind"] = "apprenticeship" },
			[]string{`steps[6] (web-designer-role): unknown kind "apprenticeship"`}},
		{"step id kept for recommendations",
			func(m map[string]any) { at(m, "steps", 4)["id"] = "rec-12" },
			[]string{`steps[4] (rec-12): step ids starting "rec-" are kept for counselor recommendations`}},
		{"step fixes an unknown requirement",
			func(m map[string]any) { at(m, "steps", 0)["fixes"] = "phd" },
			[]string{`steps[0] (bachelor-degree): fixes unknown requirement "phd"`}},
		{"step clause names an unknown option",
			func(m map[string]any) { at(m, "steps", 2, "applies", 0)["in"] = []any{"bachelors"} },
			[]string{`steps[2] (graduate-advantage).applies[0]: "bachelors" is not an option of edu.degree`}},
		{"requirement names an unknown question",
			func(m map[string]any) { at(m, "requirements", 0)["question"] = "edu.diploma" },
			[]string{`requirements[0] (bachelor-degree): unknown question "edu.diploma"`}},
		{"requirement caps at an unknown band",
			func(m map[string]any) { at(m, "requirements", 0)["caps_band"] = "almost" },
			[]string{`requirements[0] (bachelor-degree): caps_band names unknown band "almost"`}},
		{"unknown field in the file",
			func(m map[string]any) { m["colour"] = "blue" },
			[]string{"not a valid profile", `unknown field "colour"`}},
		{"unknown field in a question",
			func(m map[string]any) { at(m, "questions", 2)["points"] = 3 },
			[]string{`unknown field "points"`}},
		{"unknown question type",
			func(m map[string]any) { at(m, "questions", 3)["type"] = "text" },
			[]string{`questions[3] (edu.continuing): unknown type "text"`}},
		{"option points above 4",
			func(m map[string]any) { at(m, "questions", 0, "options", 6)["points"] = 5 },
			[]string{"questions[0] (edu.degree).options[6] (doctorate): points 5 outside 0–4"}},
		{"target no answer can reach",
			func(m map[string]any) {
				at(m, "questions", 3, "options", 1)["points"] = 1
				at(m, "questions", 3, "options", 2)["points"] = 1
			},
			[]string{"questions[3] (edu.continuing): target 2 is above the most an answer scores (1)"}},
		{"multi without count_points",
			func(m map[string]any) { delete(at(m, "questions", 2), "count_points") },
			[]string{"questions[2] (edu.certifications): a multi question needs count_points"}},
		{"rating scale missing a level",
			func(m map[string]any) {
				s := at(m, "scales")
				s["rating"] = s["rating"].([]any)[:4]
			},
			[]string{"scales.rating: has 4 levels, needs the 5 levels 0–4"}},
		{"bands out of order",
			func(m map[string]any) { at(m, "bands", 1)["min"] = 90 },
			[]string{"bands[1] (nearly-ready): bands must be listed from the highest minimum down"}},
		{"dimension without questions",
			func(m map[string]any) {
				m["dimensions"] = append(m["dimensions"].([]any), map[string]any{"id": "travel", "name": "Travel", "weight": 0})
			},
			[]string{"dimensions[6] (travel): weight 0 must be above 0", "dimensions (travel): no questions"}},
		{"missing id and version",
			func(m map[string]any) { delete(m, "id"); delete(m, "version") },
			[]string{"id: missing", "version: missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := profileJSON(t)
			tt.mutate(m)
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			p, err := assessment.Parse("profiles/broken.json", data)
			if err == nil {
				t.Fatalf("loaded %q; want an error containing %q", p.ID, tt.want)
			}
			var le *assessment.LoadError
			if !errors.As(err, &le) || le.File != "profiles/broken.json" {
				t.Errorf("error %T %v: want a *LoadError for profiles/broken.json", err, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "profiles/broken.json: ") {
				t.Errorf("error %q does not start with the file name", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q\n does not contain %q", msg, w)
				}
			}
		})
	}
}

func TestParse_ValidProfileRoundTrips(t *testing.T) {
	// The unmodified file, re-encoded, still loads: the table above breaks
	// only what each case names.
	data, err := json.Marshal(profileJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := assessment.Parse("ok.json", data); err != nil {
		t.Fatalf("Parse: %v", err)
	}
}

func TestParse_RejectsDataAfterTheProfile(t *testing.T) {
	data, err := os.ReadFile("profiles/ecommerce-manager.json")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, []byte(`{"id": "second"}`)...)
	if _, err := assessment.Parse("two.json", data); err == nil || !strings.Contains(err.Error(), "data after the profile") {
		t.Errorf("Parse with trailing data: err = %v, want data after the profile", err)
	}
}

func TestLoadDir_ReportsEveryBrokenFile(t *testing.T) {
	good, err := os.ReadFile("profiles/ecommerce-manager.json")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"p/a.json":   {Data: good},
		"p/b.json":   {Data: good},                    // same id as a.json
		"p/c.json":   {Data: []byte(`{"id": "c"`)},    // truncated
		"p/notes.md": {Data: []byte("not a profile")}, // ignored
	}
	_, err = assessment.LoadDir(fsys, "p")
	if err == nil {
		t.Fatal("LoadDir: no error")
	}
	for _, w := range []string{`p/b.json: profile id "ecommerce-manager" is already used`, "p/c.json: not a valid profile"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if _, err := assessment.LoadDir(fstest.MapFS{}, "p"); err == nil || !strings.Contains(err.Error(), "no profile files") {
		t.Errorf("LoadDir of an empty dir: err = %v, want no profile files", err)
	}
}

// The test-only web-designer profile proves a second career is a data file,
// not code: it loads beside the builtin one's loader, with its own scales,
// a show_if on a rating and a multi question without an exclusive option.
// scoring's tests score it.
func TestLoadDir_SecondProfileNeedsNoCode(t *testing.T) {
	reg, err := assessment.LoadDir(os.DirFS("testdata"), "profiles")
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	if ids := reg.IDs(); len(ids) != 1 || ids[0] != "web-designer" {
		t.Fatalf("IDs() = %v, want [web-designer]", ids)
	}
	p, _ := reg.Lookup("web-designer")
	if len(p.Dimensions) != 2 {
		t.Errorf("%d dimensions, want 2", len(p.Dimensions))
	}

	// build.framework shows only when build.html is rated 2 or more.
	raw := map[string]json.RawMessage{
		"design.years": json.RawMessage(`"1-2"`), "design.layout": json.RawMessage(`3`),
		"design.portfolio": json.RawMessage(`"small"`), "build.html": json.RawMessage(`1`),
		"build.framework": json.RawMessage(`9`), "build.tools": json.RawMessage(`["git"]`),
	}
	a, problems := p.Parse(raw)
	if len(problems) != 0 {
		t.Fatalf("html rated 1: problems %v, want none (build.framework hidden, its answer ignored)", problems)
	}
	if _, ok := a["build.framework"]; ok {
		t.Error("html rated 1: build.framework answer kept, want it ignored")
	}
	raw["build.html"] = json.RawMessage(`2`)
	_, problems = p.Parse(raw)
	want := assessment.Problem{Question: "build.framework", Problem: "must be an integer from 0 to 4"}
	if !equalProblems(problems, []assessment.Problem{want}) {
		t.Errorf("html rated 2: problems %v, want [%v]", problems, want)
	}
	raw["build.tools"] = json.RawMessage(`[]`)
	delete(raw, "build.framework")
	_, problems = p.Parse(raw)
	wantAll := []assessment.Problem{
		{Question: "build.framework", Problem: "is required: choose a level from 0 to 4"},
		{Question: "build.tools", Problem: "is required: choose at least one option"},
	}
	if !equalProblems(problems, wantAll) {
		t.Errorf("problems %v, want %v", problems, wantAll)
	}
}
