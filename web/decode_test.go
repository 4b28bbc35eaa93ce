package web

import (
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/readiness/readiness/assessment"
)

// TestDecodeJSON_ErrorsSayWhatIsWrong: every body the API cannot read gets
// a 400 that says what is wrong and where, or a 422 for text that is not
// UTF-8; never a 5xx, never Go's or the JSON package's internals alone.
func TestDecodeJSON_ErrorsSayWhatIsWrong(t *testing.T) {
	const (
		bad  = http.StatusBadRequest
		text = http.StatusUnprocessableEntity
	)
	for _, tt := range []struct {
		body string
		want bodyError
	}{
		{``, bodyError{bad, "malformed JSON: empty body"}},
		{" \n", bodyError{bad, "malformed JSON: empty body"}},
		{`{"profile":`, bodyError{bad, "malformed JSON: the body ends before the JSON does"}},
		{`{"answers":{"mkt.sem":`, bodyError{bad, "malformed JSON: the body ends before the JSON does"}},
		{`{"answers":{"a":1}`, bodyError{bad, "malformed JSON: the body ends before the JSON does"}},
		{`{"answers":{"a":1}} {}`, bodyError{bad, "malformed JSON: invalid character '{' after top-level value at byte 20"}},
		{`{"answers":{"a":1}]`, bodyError{bad, "malformed JSON: invalid character ']' after object value (expecting ',' or '}') at byte 18"}},
		{`{"answers":{"a":01}}`, bodyError{bad, "malformed JSON: invalid character '1' after object value (expecting ',' or '}') at byte 17 in /answers"}},
		{`{"profile":"x","profile":"y"}`, bodyError{bad, `malformed JSON: "profile" is given more than once`}},
		{`{"profile":5}`, bodyError{bad, "malformed JSON: field profile must be a string, the id of a profile"}},
		{`{"answers":[1]}`, bodyError{bad, "malformed JSON: field answers must be an object of answers by question id"}},
		{`[]`, bodyError{bad, "malformed JSON: the body is not the expected JSON object"}},
		{`"x"`, bodyError{bad, "malformed JSON: the body is not the expected JSON object"}},
		{`{"profile":"\ud800"}`, bodyError{bad, "malformed JSON: invalid surrogate pair `\\ud800\"}` in string at byte 12 in /profile"}},
		{"{\"profile\":\"\xff\"}", bodyError{text, "must be UTF-8 text"}},
		{strings.Repeat("[", 10001), bodyError{bad, "malformed JSON: exceeded max depth at byte 10000"}},
		{"\xef\xbb\xbf{}", bodyError{bad, `malformed JSON: invalid character '\ufeff' at start of value at byte 0`}}, // no byte-order mark in JSON
	} {
		var sub assessment.Submission
		if got := decodeJSON([]byte(tt.body), &sub); got == nil || *got != tt.want {
			t.Errorf("%.60q:\n got %+.200v\nwant %+v", tt.body, got, tt.want)
		}
	}
	// Any other body type: a member of the wrong type is named.
	var reg registration
	if got, want := decodeJSON([]byte(`{"email":5}`), &reg), (bodyError{bad, "malformed JSON: field email has the wrong type"}); got == nil || *got != want {
		t.Errorf("registration with a numeric email: %+v, want %+v", got, want)
	}
}

// TestScoreBody_ProblemsByQuestion: a body that is JSON but not valid
// answers is every problem, by question id, in profile order.
func TestScoreBody_ProblemsByQuestion(t *testing.T) {
	s := scoreTestServer(t)
	for _, tt := range []struct {
		body string
		want []assessment.Problem
	}{
		{`{"profile":"astronaut","answers":{}}`, []assessment.Problem{{Question: "profile", Problem: "is not a known profile", Code: assessment.CodeUnknownProfile}}},
		{`{"answers":{"mkt.sem":7},"profile":"astronaut"}`, []assessment.Problem{{Question: "profile", Problem: "is not a known profile", Code: assessment.CodeUnknownProfile}}},
	} {
		_, problems, e := s.scoreBody([]byte(tt.body))
		if e != nil || !slices.Equal(problems, tt.want) {
			t.Errorf("%s: %v %+v, want %v", tt.body, problems, e, tt.want)
		}
	}
	sample, err := os.ReadFile("../testdata/answers.json")
	if err != nil {
		t.Fatal(err)
	}
	sc, problems, e := s.scoreBody(sample)
	if e != nil || len(problems) > 0 || sc.profile == nil || len(sc.answers) != 31 {
		t.Fatalf("sample: %d answers, %v %+v", len(sc.answers), problems, e)
	}
	_, problems, _ = s.scoreBody([]byte(`{"answers":{"zzz":1,"core.decision":7,"edu.continuing":"daily","edu.degree":"bachelor"}}`))
	if len(problems) != 31 || problems[0].Question != "edu.field" || problems[len(problems)-1].Question != "zzz" {
		t.Errorf("problems %v: want 31, from edu.field to zzz", problems)
	}
	for _, p := range problems {
		if p.Question == "core.decision" && p.Problem != "must be an integer from 0 to 4" {
			t.Errorf("core.decision: %q", p.Problem)
		}
	}
}

func scoreTestServer(t testing.TB) *site {
	reg, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := reg.Lookup("ecommerce-manager")
	return &site{profiles: reg, profile: p}
}
