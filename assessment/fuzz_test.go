package assessment_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

// FuzzParse feeds request bodies as the score API takes them. Parse must not
// panic; answers it accepts without problems are complete and score within
// 0–100; every problem it reports names a question or a key that was sent.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../testdata/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"profile":"ecommerce-manager","answers":{"edu.degree":"highschool","edu.field":"x"}}`))
	f.Add([]byte(`{"answers":{"mgt.models":["none","none"],"mkt.sem":-0,"web.html":1e0}}`))
	f.Add([]byte(`{"answers":null}`))

	reg, err := assessment.Builtin()
	if err != nil {
		f.Fatal(err)
	}
	p, _ := reg.Lookup("ecommerce-manager")

	f.Fuzz(func(t *testing.T, body []byte) {
		var sub assessment.Submission
		if err := json.Unmarshal(body, &sub); err != nil {
			return // a malformed body is a 400 before Parse
		}
		answers, problems := p.Parse(sub.Answers)
		if len(problems) > 0 {
			for _, pr := range problems {
				if _, isQuestion := p.Question(pr.Question); !isQuestion {
					if _, sent := sub.Answers[pr.Question]; !sent {
						t.Errorf("problem %+v names neither a question nor a key sent", pr)
					}
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
		if _, err := json.Marshal(r); err != nil {
			t.Errorf("result does not encode: %v", err)
		}
	})
}
