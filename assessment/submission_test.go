package assessment_test

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path"
	"reflect"
	"slices"
	"testing"
	"testing/fstest"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/readiness/readiness/assessment"
)

// twoProfiles is the builtin profile and the second test profile.
func twoProfiles(t testing.TB) *assessment.Registry {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range []string{"profiles/ecommerce-manager.json", "testdata/profiles/web-designer.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fsys["profiles/"+path.Base(name)] = &fstest.MapFile{Data: data}
	}
	reg, err := assessment.LoadDir(fsys, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func decodeSubmission(t *testing.T, reg *assessment.Registry, body string) (*assessment.Submission, error) {
	t.Helper()
	sub := &assessment.Submission{Profiles: reg, Default: "ecommerce-manager"}
	return sub, jsonv2.Unmarshal([]byte(body), sub)
}

func TestSubmission_ReadsAnswersIntoTheNamedProfile(t *testing.T) {
	reg := twoProfiles(t)
	designer := `{"design.years":"1-2","design.layout":3,"design.portfolio":"small","build.html":1,"build.tools":["git"]}`
	for _, tt := range []struct {
		name, body, profile string
		answers             int
		problems            []assessment.Problem
	}{
		{name: "profile first", body: `{"profile":"web-designer","answers":` + designer + `}`, profile: "web-designer", answers: 5},
		{name: "answers first", body: `{"answers":` + designer + `,"profile":"web-designer"}`, profile: "web-designer", answers: 5},
		{name: "other members ignored", body: `{"client":{"answers":1},"answers":` + designer + `,"profile":"web-designer","v":[1]}`, profile: "web-designer", answers: 5},
		{name: "no profile: the default", body: `{"answers":{"mkt.sem":2}}`, profile: "ecommerce-manager", answers: 1, problems: nil},
		{name: "empty profile: the default", body: `{"profile":"","answers":{"mkt.sem":2}}`, profile: "ecommerce-manager", answers: 1},
		{name: "null profile: the default", body: `{"profile":null,"answers":{"mkt.sem":2}}`, profile: "ecommerce-manager", answers: 1},
		{name: "escaped names and id", body: `{"pro\u0066ile":"web-d\u0065signer","answers":{"design.l\u0061yout":3}}`, profile: "web-designer", answers: 1},
		{name: "the default's questions are not the named profile's", body: `{"answers":{"mkt.sem":2},"profile":"web-designer"}`, profile: "web-designer", answers: 0,
			problems: []assessment.Problem{{Question: "mkt.sem", Problem: "is not a question of this assessment"}}},
		{name: "unknown profile", body: `{"profile":"astronaut","answers":{"mkt.sem":2}}`,
			problems: []assessment.Problem{{Question: "profile", Problem: "is not a known profile"}}},
		{name: "unknown profile, answers first", body: `{"answers":{"mkt.sem":2},"profile":"astronaut"}`,
			problems: []assessment.Problem{{Question: "profile", Problem: "is not a known profile"}}},
		{name: "names are case-sensitive", body: `{"Profile":"web-designer","Answers":{"mkt.sem":2}}`, profile: "ecommerce-manager"},
		{name: "null", body: `null`, profile: "ecommerce-manager"},
		{name: "null answers", body: `{"profile":"web-designer","answers":null}`, profile: "web-designer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := decodeSubmission(t, reg, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			p, answers, problems := sub.Validate()
			if tt.profile == "" {
				if p != nil || !equalProblems(problems, tt.problems) {
					t.Fatalf("profile %v, problems %v; want none and %v", p, problems, tt.problems)
				}
				return
			}
			if p == nil || p.ID != tt.profile || len(answers) != tt.answers {
				t.Fatalf("profile %v with %d answers (%v), want %s with %d", p, len(answers), problems, tt.profile, tt.answers)
			}
			if tt.problems != nil {
				if got := problems[len(problems)-len(tt.problems):]; !equalProblems(got, tt.problems) {
					t.Errorf("last problems %v, want %v", got, tt.problems)
				}
			}
		})
	}
}

// TestSubmission_SameAnswersAsParse: the API path reads a body into the
// same answers and problems as Parse gives for its answers as a map.
func TestSubmission_SameAnswersAsParse(t *testing.T) {
	reg := twoProfiles(t)
	p, _ := reg.Lookup("ecommerce-manager")
	raw := sampleRaw(t)
	raw["mkt.sem"] = []byte(`9`)
	raw["zzz"] = []byte(`1`)
	delete(raw, "web.html")
	sub, err := decodeSubmission(t, reg, `{"profile":"ecommerce-manager","answers":`+string(objectOf(raw))+`}`)
	if err != nil {
		t.Fatal(err)
	}
	got, answers, problems := sub.Validate()
	wantA, wantP := p.Parse(raw)
	if got != p || !reflect.DeepEqual(answers, wantA) || !slices.Equal(problems, wantP) || len(problems) != 3 {
		t.Errorf("Validate: %v %v\n   Parse: %v %v", answers, problems, wantA, wantP)
	}
}

func TestSubmission_Errors(t *testing.T) {
	reg := twoProfiles(t)
	for _, tt := range []struct {
		body  string
		field string // a WrongTypeError for this field, or
		eof   bool   // a truncated body, or else any error
	}{
		{body: `{"profile":5}`, field: "profile"},
		{body: `{"profile":["web-designer"]}`, field: "profile"},
		{body: `{"answers":[1]}`, field: "answers"},
		{body: `{"answers":"all"}`, field: "answers"},
		{body: `{"profile":"astronaut","answers":[1]}`, field: "answers"},
		{body: `{"answers":5,"profile":"web-designer"}`, field: "answers"},
		{body: `{"profile":"web-designer","answers":{"design.layout":`, eof: true},
		{body: `{"answers":{"design.layout":3}`, eof: true},
		{body: `{"profile":"ecommerce-manager","answers":{"mkt.sem":`, eof: true},
		{body: `{"profile":"x","profile":"y"}`},
		{body: `{"answers":{"mkt.sem":1,"mkt.sem":2}}`},
		{body: `{"answers":{"mkt.sem":1}} {}`},
		{body: `{"answers":{"mkt.sem":1}]`},
		{body: `[]`},
		{body: `"ecommerce-manager"`},
		{body: ``},
		{body: "{\"profile\":\"\xff\"}"},
		{body: `{"profile":"\ud800"}`},
	} {
		_, err := decodeSubmission(t, reg, tt.body)
		var wrongType *assessment.WrongTypeError
		switch {
		case err == nil:
			t.Errorf("%q: no error", tt.body)
		case tt.field != "" && (!errors.As(err, &wrongType) || wrongType.Field != tt.field):
			t.Errorf("%q: error %v, want a WrongTypeError for %s", tt.body, err, tt.field)
		case tt.eof && !errors.Is(err, io.ErrUnexpectedEOF):
			t.Errorf("%q: error %v, want unexpected EOF", tt.body, err)
		}
	}
}

// TestSubmission_DecoderOptions: a caller's decoder options reach answers
// that wait for the profile to be named.
func TestSubmission_DecoderOptions(t *testing.T) {
	reg := twoProfiles(t)
	body := `{"answers":{"design.layout":3,"design.layout":4},"profile":"web-designer"}`
	sub := &assessment.Submission{Profiles: reg}
	if err := jsonv2.Unmarshal([]byte(body), sub, jsontext.AllowDuplicateNames(true)); err != nil {
		t.Fatal(err)
	}
	_, answers, _ := sub.Validate()
	if answers["design.layout"].Rating != 4 {
		t.Errorf("design.layout = %+v, want the later 4", answers["design.layout"])
	}
}

// TestSubmission_EncodingJSONReadsTheSame: a caller still on encoding/json
// gets the same reading, not a silent decode of the exported fields.
func TestSubmission_EncodingJSONReadsTheSame(t *testing.T) {
	reg := twoProfiles(t)
	body := `{"answers":{"design.layout":3,"zzz":1},"profile":"web-designer"}`
	v2, err := decodeSubmission(t, reg, body)
	if err != nil {
		t.Fatal(err)
	}
	v1 := &assessment.Submission{Profiles: reg}
	if err := json.Unmarshal([]byte(body), v1); err != nil {
		t.Fatal(err)
	}
	p1, a1, problems1 := v1.Validate()
	p2, a2, problems2 := v2.Validate()
	if p1 != p2 || !reflect.DeepEqual(a1, a2) || !slices.Equal(problems1, problems2) || len(a1) != 1 {
		t.Errorf("encoding/json: %v %v %v\n JSON v2: %v %v %v", p1, a1, problems1, p2, a2, problems2)
	}
	if err := json.Unmarshal([]byte(`{"profile":5}`), v1); err == nil {
		t.Error(`encoding/json took {"profile":5}`)
	}
}
