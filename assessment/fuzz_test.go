package assessment_test

import (
	"os"
	"path/filepath"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

// checkOutcome holds what every validation must give: each problem names a
// question, or an id that was sent, and says something; answers without
// problems are complete (every shown question answered, no hidden one) and
// score within 0–100.
func checkOutcome(t *testing.T, p *assessment.Profile, answers assessment.Answers, problems []assessment.Problem, sent func(id string) bool) {
	t.Helper()
	if len(problems) > 0 {
		for _, pr := range problems {
			if _, isQuestion := p.Question(pr.Question); !isQuestion && !sent(pr.Question) && pr.Question != "profile" {
				t.Errorf("problem %+v names neither a question nor an id sent", pr)
			}
			if pr.Problem == "" {
				t.Errorf("problem for %q has no text", pr.Question)
			}
		}
		return
	}
	for i := range p.Questions {
		q := &p.Questions[i]
		_, answered := answers[q.ID]
		if visible := p.Visible(q, answers); visible != answered {
			t.Errorf("no problems, but %s visible=%v answered=%v", q.ID, visible, answered)
		}
	}
	r := scoring.Score(p, answers)
	if r.Overall < 0 || r.Overall > 100 {
		t.Errorf("overall %v outside 0–100", r.Overall)
	}
	if _, err := jsonv2.Marshal(&r); err != nil {
		t.Errorf("result does not encode: %v", err)
	}
}

// FuzzSubmission feeds request bodies as the score API takes them. Decoding
// must not panic; what it takes validates to a consistent outcome.
func FuzzSubmission(f *testing.F) {
	files, _ := filepath.Glob("../testdata/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"profile":"ecommerce-manager","answers":{"edu.degree":"highschool","edu.field":"x"}}`))
	f.Add([]byte(`{"answers":{"mgt.models":["none","none"],"mkt.sem":-0,"web.html":1e0},"profile":"ecommerce-manager"}`))
	f.Add([]byte(`{"answers":null}`))
	f.Add([]byte(`{"profile":"nope","answers":{"a":1}}`))

	reg, err := assessment.Builtin()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sub := assessment.Submission{Profiles: reg, Default: "ecommerce-manager"}
		if err := jsonv2.Unmarshal(body, &sub); err != nil {
			return // a malformed body is a 400 before validation
		}
		var sent struct {
			Answers map[string]any `json:"answers"`
		}
		_ = jsonv2.Unmarshal(body, &sent)
		p, answers, problems := sub.Validate()
		if p == nil {
			if len(problems) != 1 || problems[0].Question != "profile" {
				t.Fatalf("%q: no profile, problems %v", body, problems)
			}
			return
		}
		checkOutcome(t, p, answers, problems, func(id string) bool { _, ok := sent.Answers[id]; return ok })
	})
}
