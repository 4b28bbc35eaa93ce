package record_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/record"
	"github.com/readiness/readiness/scoring"
)

// scored scores the sample answers with some changed (nil removes one).
func scored(t *testing.T, changes map[string]any) (*assessment.Profile, assessment.Answers, scoring.Result) {
	t.Helper()
	reg, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := reg.Lookup("ecommerce-manager")
	data, err := os.ReadFile("../testdata/answers.json")
	if err != nil {
		t.Fatal(err)
	}
	var sub struct {
		Answers map[string]any `json:"answers"`
	}
	if err := json.Unmarshal(data, &sub); err != nil {
		t.Fatal(err)
	}
	for k, v := range changes {
		sub.Answers[k] = v
	}
	raw := map[string]json.RawMessage{}
	for k, v := range sub.Answers {
		raw[k], _ = json.Marshal(v)
	}
	answers, problems := p.Parse(raw)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	return p, answers, scoring.Score(p, answers)
}

func TestOf_KeepsTheResultAndItsColumns(t *testing.T) {
	p, answers, r := scored(t, nil)
	row := record.Of(p, answers, &r)
	if row.ProfileID != p.ID || row.ProfileVersion != p.Version || row.Overall != r.Overall || row.Band != r.Band {
		t.Fatalf("row %+v for result %s %v %s", row, r.Profile.ID, r.Overall, r.Band)
	}
	// The stored JSON is the result's and the answers' own encoding, and
	// reads back as the same result.
	if string(row.Result) != string(r.AppendJSON(nil)) || string(row.Answers) != string(answers.AppendJSON(nil)) {
		t.Fatalf("stored JSON differs from the result's and answers' encoding:\n%s\n%s", row.Result, row.Answers)
	}
	var back scoring.Result
	if err := json.Unmarshal(row.Result, &back); err != nil || back.Overall != r.Overall || back.Band != r.Band || len(back.Steps) != len(r.Steps) {
		t.Fatalf("result JSON reads back as %v %s with %d steps (%v)", back.Overall, back.Band, len(back.Steps), err)
	}
	if len(row.Dimensions) != len(r.Dimensions) {
		t.Fatalf("%d dimension scores, want %d", len(row.Dimensions), len(r.Dimensions))
	}
	for i, d := range r.Dimensions {
		if row.Dimensions[i].ID != d.ID || row.Dimensions[i].Score != d.Score {
			t.Errorf("dimension %d: %+v, want %s %v", i, row.Dimensions[i], d.ID, d.Score)
		}
	}
	if len(r.Steps) == 0 || row.TopStep != r.Steps[0].ID {
		t.Errorf("top step %q, want the first-ranked %v", row.TopStep, r.Steps)
	}
}

func TestOf_UnmetRequirementAndNoStepWithAGain(t *testing.T) {
	_, _, sample := scored(t, nil)
	if !sample.Requirements[0].Met {
		t.Fatal("the sample answers should meet the bachelor's requirement")
	}
	p, answers, r := scored(t, map[string]any{"edu.degree": "highschool"})
	if row := record.Of(p, answers, &r); row.BachelorMet || row.TopStep != "bachelor-degree" {
		t.Errorf("high school: bachelor met %v, top step %q; want false and bachelor-degree", row.BachelorMet, row.TopStep)
	}
	// A result whose only steps bring no gain has no top step.
	r.Steps = []scoring.StepResult{{ID: "graduate-advantage"}}
	if row := record.Of(p, answers, &r); row.TopStep != "" {
		t.Errorf("top step %q for a step with no gain", row.TopStep)
	}
}
