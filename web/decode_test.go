package web

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/readiness/readiness/assessment"
)

// checkDecodePaths decodes body into a Submission by the fast path and by
// the standard one and fails unless both give the same error or none and
// the same fields.
func checkDecodePaths(t *testing.T, body []byte) {
	t.Helper()
	var fast, std assessment.Submission
	errFast := decodeJSON(body, &fast, true)
	errStd := decodeJSON(body, &std, false)
	if !reflect.DeepEqual(errFast, errStd) {
		t.Fatalf("%q: fast path %+v, standard path %+v", body, errFast, errStd)
	}
	if fast.Profile != std.Profile || !reflect.DeepEqual(rawText(fast.Answers), rawText(std.Answers)) {
		t.Fatalf("%q: fast path %q %v, standard path %q %v", body, fast.Profile, rawText(fast.Answers), std.Profile, rawText(std.Answers))
	}
}

func rawText(m map[string]json.RawMessage) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

var decodeCases = []string{
	``, ` `, `null`, `{}`, `[]`, `"x"`, `5`, `{"answers":null}`, `{"answers":{"a":1}}`,
	`{"answers":{"a":1}} {}`, `{"answers":{"a":1}}]`, `{"answers":{"a":1}`, `{"answers":{"a":1},}`,
	`{"profile":5}`, `{"answers":[1]}`, `{"PROFILE":"x","Answers":{"a":"b"}}`, `{"profile":"\ud800"}`,
	"{\"profile\":\"\xff\"}", "{\"answers\":{\"a\":\"caf\xc3\xa9\"}}", "\xef\xbb\xbf{}", ` {"answers" : {"a" : [1, {"b":"}"}]} } ` + "\n",
	`{"a":{"b":{"c":{"d":{"e":1}}}}}`, `{"answers":{"a":1e999}}`, `{"answers":{"a":01}}`,
}

// TestDecodeJSON_FastPathMatchesStandard: the fast path changes nothing a
// client can see, neither the decoded submission nor any error.
func TestDecodeJSON_FastPathMatchesStandard(t *testing.T) {
	for _, s := range decodeCases {
		checkDecodePaths(t, []byte(s))
	}
	for _, b := range submissionSeeds(t) {
		checkDecodePaths(t, b)
	}
	// The errors themselves, so that a change to both paths is seen too.
	for body, want := range map[string]bodyError{
		`{"answers":{"a":1}} {}`: {400, "malformed JSON: unexpected data after the object"},
		`{"answers":{"a":1}`:     {400, "malformed JSON: the body ends before the JSON does"},
		`{"answers":{"a":1}]`:    {400, "malformed JSON: syntax error at byte 19"},
		`{"profile":5}`:          {400, "malformed JSON: field profile has the wrong type"},
		"{\"profile\":\"\xff\"}": {422, "must be UTF-8 text"},
		``:                       {400, "malformed JSON: empty body"},
	} {
		var sub assessment.Submission
		if got := decodeJSON([]byte(body), &sub, true); got == nil || *got != want {
			t.Errorf("%q: %+v, want %+v", body, got, want)
		}
	}
	var sub assessment.Submission
	if err := decodeJSON([]byte(`{"profile":"p","answers":{"mkt.sem":3}}`), &sub, true); err != nil || sub.Profile != "p" || string(sub.Answers["mkt.sem"]) != "3" {
		t.Errorf("good body: %+v, %+v", err, sub)
	}
}

func FuzzDecodeJSONPaths(f *testing.F) {
	for _, s := range decodeCases {
		f.Add([]byte(s))
	}
	for _, b := range submissionSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkDecodePaths(t, body) })
}

// checkScorePaths scores body by the fast path and by the standard one and
// fails unless both give the same error, problems, answers and result.
func checkScorePaths(t *testing.T, s *site, body []byte) {
	t.Helper()
	fastSc, fastProblems, fastErr := s.scoreBody(body, true)
	stdSc, stdProblems, stdErr := s.scoreBody(body, false)
	if !reflect.DeepEqual(fastErr, stdErr) || !reflect.DeepEqual(fastProblems, stdProblems) {
		t.Fatalf("%q:\nfast %+v %v\n std %+v %v", body, fastErr, fastProblems, stdErr, stdProblems)
	}
	if !reflect.DeepEqual(fastSc.answers, stdSc.answers) || fastSc.profile != stdSc.profile {
		t.Fatalf("%q: answers %v, standard path %v", body, fastSc.answers, stdSc.answers)
	}
	if fastSc.profile != nil && string(fastSc.result.AppendJSON(nil)) != string(stdSc.result.AppendJSON(nil)) {
		t.Fatalf("%q: results differ", body)
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

func TestScoreBody_FastPathMatchesStandard(t *testing.T) {
	s := scoreTestServer(t)
	for _, c := range decodeCases {
		checkScorePaths(t, s, []byte(c))
	}
	for _, b := range submissionSeeds(t) {
		checkScorePaths(t, s, b)
	}
	// The sample body is scored by the fast path, with no problems.
	body, _ := json.Marshal(sampleSubmission(t))
	if sc, problems, err := s.scoreBody(body, true); err != nil || len(problems) > 0 || sc.profile == nil {
		t.Fatalf("sample: %+v %v", err, problems)
	}
}

func FuzzScoreBodyPaths(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c))
	}
	for _, b := range submissionSeeds(f) {
		f.Add(b)
	}
	s := scoreTestServer(f)
	f.Fuzz(func(t *testing.T, body []byte) { checkScorePaths(t, s, body) })
}
