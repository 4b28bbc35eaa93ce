package assessment_test

import (
	jsonv1 "encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/readiness/readiness/assessment"
)

func sampleAnswers(t *testing.T, p *assessment.Profile) assessment.Answers {
	t.Helper()
	data, err := os.ReadFile("../testdata/answers.json")
	if err != nil {
		t.Fatal(err)
	}
	var sub struct {
		Answers jsonv1.RawMessage `json:"answers"`
	}
	if err := jsonv1.Unmarshal(data, &sub); err != nil {
		t.Fatal(err)
	}
	a, problems, err := p.ParseJSON(sub.Answers)
	if err != nil || len(problems) > 0 {
		t.Fatalf("sample answers: %v %v", err, problems)
	}
	return a
}

func raws(pairs ...string) map[string]jsonv1.RawMessage {
	m := map[string]jsonv1.RawMessage{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = jsonv1.RawMessage(pairs[i+1])
	}
	return m
}

func TestWithVerified_ReplacesOnlyTheVerifiedAnswers(t *testing.T) {
	p := builtin(t)
	self := sampleAnswers(t, p)
	all, only, problems := p.WithVerified(self, raws("mkt.sem", "4", "edu.certifications", `["security","web-development"]`, "web.html", "null"))
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if len(only) != 2 || only["mkt.sem"].Rating != 4 || len(only["edu.certifications"].Options) != 2 {
		t.Errorf("verified alone = %v", only)
	}
	if all["mkt.sem"].Rating != 4 || all["web.html"].Rating != self["web.html"].Rating || all["mkt.digital"].Rating != self["mkt.digital"].Rating || len(all) != len(self) {
		t.Errorf("all answers = %v", all)
	}
	if self["mkt.sem"].Rating == 4 {
		t.Fatal("the sample already rates mkt.sem 4; pick another level")
	}
}

func TestWithVerified_ValidatesLikeAnswers(t *testing.T) {
	p := builtin(t)
	self := sampleAnswers(t, p)
	tests := []struct {
		name     string
		verified map[string]jsonv1.RawMessage
		question string
		problem  string
	}{
		{"level out of range", raws("mkt.sem", "7"), "mkt.sem", "must be an integer from 0 to 4"},
		{"wrong type", raws("mkt.sem", `"high"`), "mkt.sem", "must be an integer from 0 to 4"},
		{"unknown option", raws("edu.degree", `"phd"`), "edu.degree", "is not an option"},
		{"exclusive with others", raws("mgt.models", `["none","b2b"]`), "mgt.models", "none"},
		{"unknown question", raws("mkt.tiktok", "3"), "mkt.tiktok", "is not a question"},
		{"empty list", raws("mgt.models", `[]`), "mgt.models", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, problems := p.WithVerified(self, tt.verified)
			found := false
			for _, pr := range problems {
				found = found || pr.Question == tt.question && strings.Contains(pr.Problem, tt.problem)
			}
			if !found {
				t.Errorf("problems = %v, want %s: …%s…", problems, tt.question, tt.problem)
			}
		})
	}
}

func TestWithVerified_ADegreeThatHidesTheFieldDropsItsAnswer(t *testing.T) {
	p := builtin(t)
	self := sampleAnswers(t, p)
	all, only, problems := p.WithVerified(self, raws("edu.degree", `"highschool"`, "edu.field", `"marketing"`))
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if _, ok := all["edu.field"]; ok {
		t.Error("the field of a degree below associate is still answered")
	}
	if _, ok := only["edu.field"]; ok || only["edu.degree"].Option != "highschool" {
		t.Errorf("verified alone = %v", only)
	}
}
