package assessment_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/readiness/readiness/assessment"
)

// stdSubmission is Submission decoded by encoding/json alone.
type stdSubmission struct {
	Profile string                     `json:"profile"`
	Answers map[string]json.RawMessage `json:"answers"`
}

// FuzzSubmissionDecode checks Submission's fast decoder against
// encoding/json: the same error or none, the same fields, for fresh and for
// already filled values.
func FuzzSubmissionDecode(f *testing.F) {
	files, _ := filepath.Glob("../testdata/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`null`, `{}`, `[]`, `{"answers":null}`, `{"PROFILE":"x","Answers":{"a":1}}`,
		`{"answers":{"a":1},"answers":{"b":[2,{"c":"}"}]}}`, `{"answers":{"a":1},"answers":null,"answers":{"b":2}}`,
		`{"profile":5,"answers":{"a":1}}`, `{"profile":"caf\u00e9"}`, `{"pro\u0066ile":"x"}`,
		`{"answers":{"\u0061":1,"a":2,"é":3}}`, `{"answers":[1]}`, `{"a":1,"b":2,"c":3,"d":4,"profile":"x"}`,
		` { "profile" : "x" , "answers" : { "k" : "v\"}" } } `, `{"answers":{"a":1}`, `{"profile":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Called directly, not through encoding/json, the input may be
		// anything: it must not panic.
		var direct assessment.Submission
		_ = direct.UnmarshalJSON(data)
		for _, filled := range []bool{false, true} {
			var fast assessment.Submission
			var std stdSubmission
			if filled {
				fast = assessment.Submission{Profile: "p0", Answers: map[string]json.RawMessage{"pre": json.RawMessage(`1`)}}
				std = stdSubmission{Profile: "p0", Answers: map[string]json.RawMessage{"pre": json.RawMessage(`1`)}}
			}
			errFast := json.Unmarshal(data, &fast)
			errStd := json.Unmarshal(data, &std)
			if (errFast == nil) != (errStd == nil) || errFast != nil && errFast.Error() != stdName.Replace(errStd.Error()) {
				t.Fatalf("%s: error %v, encoding/json %v", data, errFast, errStd)
			}
			if fast.Profile != std.Profile || !reflect.DeepEqual(rawStrings(fast.Answers), rawStrings(std.Answers)) {
				t.Fatalf("%s (filled %v):\n got %q %v\nwant %q %v", data, filled, fast.Profile, rawStrings(fast.Answers), std.Profile, rawStrings(std.Answers))
			}
		}
	})
}

// stdName renames stdSubmission in encoding/json's errors.
var stdName = strings.NewReplacer("assessment_test.stdSubmission", "assessment.Submission", "stdSubmission.", "Submission.")

func rawStrings(m map[string]json.RawMessage) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

func TestSubmission_DecodeKeepsAnswersApart(t *testing.T) {
	var sub assessment.Submission
	if err := json.Unmarshal([]byte(`{"profile":"p","answers":{"a":[1,2],"b":"x"}}`), &sub); err != nil {
		t.Fatal(err)
	}
	// Appending to one raw answer must not overwrite the next.
	a := append(sub.Answers["a"], '!')
	if string(sub.Answers["b"]) != `"x"` || string(a) != `[1,2]!` {
		t.Errorf("answers share storage: a=%s b=%s", a, sub.Answers["b"])
	}
}
