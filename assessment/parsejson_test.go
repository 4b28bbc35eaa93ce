package assessment_test

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/readiness/readiness/assessment"
)

// TestParseJSON_TruncatedInputIsAnError: ParseJSON once ran off the end of
// a truncated object and panicked. Every cut of a valid answers object is
// now an error, and the cut inside a value the one the issue named.
func TestParseJSON_TruncatedInputIsAnError(t *testing.T) {
	p := builtin(t)
	_, _, err := p.ParseJSON([]byte(`{"mkt.sem":`))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf(`ParseJSON({"mkt.sem":) error %v, want unexpected EOF`, err)
	}
	whole := objectOf(sampleRaw(t))
	for n := range len(whole) {
		answers, problems, err := p.ParseJSON(whole[:n])
		if err == nil || answers != nil || problems != nil {
			t.Fatalf("ParseJSON(%s): %d answers, %v, %v; want only an error", whole[:n], len(answers), problems, err)
		}
	}
	if _, problems, err := p.ParseJSON(whole); err != nil || len(problems) > 0 {
		t.Fatalf("the whole object: %v %v", problems, err)
	}
}

func TestParseJSON_RefusesWhatIsNotAnAnswersObject(t *testing.T) {
	p := builtin(t)
	for _, bad := range []string{
		``, ` `, `[]`, `"x"`, `3`, `true`, `{"mkt.sem":3}x`, `{"mkt.sem":3} {}`, `{"mkt.sem":3,}`, `{mkt.sem:3}`,
		"{\"mkt.sem\":\"\xff\"}", `{"mkt.sem":01}`, `{"a":` + string(make([]byte, 3)) + `}`,
	} {
		if a, problems, err := p.ParseJSON([]byte(bad)); err == nil {
			t.Errorf("ParseJSON(%q) = %v %v, want an error", bad, a, problems)
		}
	}
	// A question answered twice keeps the later answer, as a map would.
	if a, _, err := p.ParseJSON([]byte(`{"mkt.sem":3,"mkt.sem":2}`)); err != nil || a["mkt.sem"].Rating != 2 {
		t.Errorf("mkt.sem answered 3 then 2: %v, %v; want 2", a["mkt.sem"], err)
	}
	_, _, err := p.ParseJSON([]byte(`[1]`))
	var wrongType *assessment.WrongTypeError
	if !errors.As(err, &wrongType) || wrongType.Field != "answers" {
		t.Errorf("ParseJSON([1]) error %v, want a WrongTypeError for answers", err)
	}
}

// answersSeeds are answers objects: every answer of the sample, its
// truncations, and awkward but valid JSON.
func answersSeeds(t testing.TB) [][]byte {
	var out [][]byte
	files, _ := filepath.Glob("../testdata/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var sub struct {
			Answers jsontext.Value `json:"answers"`
		}
		if err := jsonv2.Unmarshal(data, &sub); err != nil {
			t.Fatal(err)
		}
		out = append(out, sub.Answers)
	}
	for _, s := range []string{
		`{}`, `null`, `{"mkt.sem":`, `{"mkt.sem":3,"mkt.sem":null}`, `{"nope":1,"zzz":3,"aaa":4}`, `{"\u006dkt.sem":2}`,
		`{"mkt.s\u00e9m":2}`, `{"edu.degree":"bachelor","edu.field":"marketing"}`, `{"edu.degree":"none","edu.field":"marketing"}`,
		`{"edu.certifications":["none","security"]}`, `{"edu.certifications":[]}`, `{"edu.certifications":["security",null]}`,
		`{"mgt.models":["b2c",["b2b"]]}`, `{"mkt.sem":"3"}`, `{"mkt.sem":3.0}`, `{"mkt.sem":-0}`, `{"mkt.sem":[3]}`,
		`{"edu.degree":"bach\u0065lor"}`, ` { "mkt.sem" : 4 , "web.years" : "3-5" } `, `{"mkt.sem":{"a":[1,{"b":null}]}}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// FuzzParseJSON fuzzes ParseJSON alone, not behind the API's checks. It
// never panics; it refuses exactly what is not a JSON object (or null);
// what it takes it validates as Parse does the same answers as a map (the
// later of two answers to a question winning), and answers without
// problems are complete.
func FuzzParseJSON(f *testing.F) {
	for _, data := range answersSeeds(f) {
		f.Add(data)
	}
	p := builtin(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		answers, problems, err := p.ParseJSON(data)
		var raw map[string]json.RawMessage
		if errStd := jsonv2.Unmarshal(data, &raw, jsontext.AllowDuplicateNames(true)); (err == nil) != (errStd == nil) {
			t.Fatalf("%q: ParseJSON error %v, but as a map of raw answers %v", data, err, errStd)
		}
		if err != nil {
			if answers != nil || problems != nil {
				t.Fatalf("%q: error %v with answers %v and problems %v", data, err, answers, problems)
			}
			return
		}
		wantA, wantP := p.Parse(raw)
		if !reflect.DeepEqual(answers, wantA) || !slices.Equal(problems, wantP) {
			t.Fatalf("%q:\nParseJSON %v %v\n    Parse %v %v", data, answers, problems, wantA, wantP)
		}
		checkOutcome(t, p, answers, problems, func(id string) bool { _, sent := raw[id]; return sent })
	})
}
