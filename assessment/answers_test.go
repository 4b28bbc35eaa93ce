package assessment_test

import (
	"encoding/json"
	"maps"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/readiness/readiness/assessment"
)

// sampleRaw returns the raw answers of testdata/answers.json: a complete,
// valid set for the e-commerce manager.
func sampleRaw(t testing.TB) map[string]json.RawMessage {
	t.Helper()
	data, err := os.ReadFile("../testdata/answers.json")
	if err != nil {
		t.Fatal(err)
	}
	var sub struct {
		Answers map[string]json.RawMessage `json:"answers"`
	}
	if err := json.Unmarshal(data, &sub); err != nil {
		t.Fatal(err)
	}
	return sub.Answers
}

// objectOf writes raw answers as one JSON object, in a fixed order.
func objectOf(raw map[string]json.RawMessage) []byte {
	b := []byte{'{'}
	for i, id := range slices.Sorted(maps.Keys(raw)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, id)
		b = append(b, ':')
		b = append(b, raw[id]...)
	}
	return append(b, '}')
}

// parseBothWays validates raw answers as a map (Parse, the form and draft
// path) and as one JSON object (ParseJSON, the API path) and fails unless
// both give the same answers and problems.
func parseBothWays(t *testing.T, p *assessment.Profile, raw map[string]json.RawMessage) (assessment.Answers, []assessment.Problem) {
	t.Helper()
	answers, problems := p.Parse(raw)
	obj := objectOf(raw)
	fromJSON, problemsJSON, err := p.ParseJSON(obj)
	if err != nil {
		t.Fatalf("ParseJSON(%s): %v", obj, err)
	}
	if !reflect.DeepEqual(fromJSON, answers) || !slices.Equal(problemsJSON, problems) {
		t.Fatalf("ParseJSON(%s):\n %v %q\nParse:\n %v %q", obj, fromJSON, problemsJSON, answers, problems)
	}
	return answers, problems
}

// equalProblems compares problems by question and English text, which
// is what these tests spell out; TestProblems_HaveCodes checks the codes.
func equalProblems(a, b []assessment.Problem) bool {
	return slices.EqualFunc(a, b, func(x, y assessment.Problem) bool { return x.Question == y.Question && x.Problem == y.Problem })
}

const (
	degreeKeys = "none, highschool, associate, bachelor, master, mba, doctorate"
	fieldKeys  = "marketing, business, management, mis, computer-science, ecommerce, related, other"
	certKeys   = "digital-marketing, web-development, security, project-management, ecommerce-platform, none"
	modelKeys  = "b2c, b2b, c2c, none"
	yearsKeys  = "0, lt1, 1-2, 3-5, 6+"
	ratingMsg  = "must be an integer from 0 to 4"
)

func TestParse_Answers(t *testing.T) {
	p := builtin(t)
	tests := []struct {
		name   string
		set    map[string]string // raw JSON to put in; "" deletes the answer
		want   []assessment.Problem
		absent []string // questions that must not be among the answers
	}{
		{name: "sample is valid"},
		{name: "missing rating", set: map[string]string{"mkt.sem": ""},
			want: []assessment.Problem{{Question: "mkt.sem", Problem: "is required: choose a level from 0 to 4"}}},
		{name: "null is missing", set: map[string]string{"mkt.sem": "null"},
			want: []assessment.Problem{{Question: "mkt.sem", Problem: "is required: choose a level from 0 to 4"}}},
		{name: "missing single", set: map[string]string{"edu.continuing": ""},
			want: []assessment.Problem{{Question: "edu.continuing", Problem: "is required: choose an option"}}},
		{name: "missing years", set: map[string]string{"web.years": ""},
			want: []assessment.Problem{{Question: "web.years", Problem: "is required: choose an option"}}},
		{name: "missing multi", set: map[string]string{"mgt.models": ""},
			want: []assessment.Problem{{Question: "mgt.models", Problem: `is required: choose at least one option, or "none"`}}},
		{name: "unknown question", set: map[string]string{"favourite.colour": `"blue"`, "a.b": `1`},
			want: []assessment.Problem{
				{Question: "a.b", Problem: "is not a question of this assessment"},
				{Question: "favourite.colour", Problem: "is not a question of this assessment"},
			}},
		{name: "unknown single option", set: map[string]string{"edu.field": `"astrology"`},
			want: []assessment.Problem{{Question: "edu.field", Problem: `"astrology" is not an option; choose from: ` + fieldKeys}}},
		{name: "unknown years option", set: map[string]string{"mkt.years": `"10+"`},
			want: []assessment.Problem{{Question: "mkt.years", Problem: `"10+" is not an option; choose from: ` + yearsKeys}}},
		{name: "unknown multi option", set: map[string]string{"edu.certifications": `["security", "cooking"]`},
			want: []assessment.Problem{{Question: "edu.certifications", Problem: `"cooking" is not an option; choose from: ` + certKeys}}},
		{name: "option keys are case-sensitive", set: map[string]string{"edu.degree": `"Bachelor"`},
			want: []assessment.Problem{{Question: "edu.degree", Problem: `"Bachelor" is not an option; choose from: ` + degreeKeys}}},
		{name: "string for rating", set: map[string]string{"mkt.sem": `"2"`},
			want: []assessment.Problem{{Question: "mkt.sem", Problem: ratingMsg}}},
		{name: "bool for rating", set: map[string]string{"mkt.sem": `true`},
			want: []assessment.Problem{{Question: "mkt.sem", Problem: ratingMsg}}},
		{name: "number for single", set: map[string]string{"edu.degree": `3`},
			want: []assessment.Problem{{Question: "edu.degree", Problem: "must be one option key: " + degreeKeys}},
			// edu.field depends on a degree that is not valid: only the degree is reported.
			absent: []string{"edu.degree", "edu.field"}},
		{name: "number for years", set: map[string]string{"web.years": `3`},
			want: []assessment.Problem{{Question: "web.years", Problem: "must be one option key: " + yearsKeys}}},
		{name: "list for single", set: map[string]string{"edu.continuing": `["one"]`},
			want: []assessment.Problem{{Question: "edu.continuing", Problem: "must be one option key: none, one, several"}}},
		{name: "object for multi", set: map[string]string{"mgt.models": `{"b2c": true}`},
			want: []assessment.Problem{{Question: "mgt.models", Problem: "must be a list of option keys: " + modelKeys}}},
		{name: "string for multi", set: map[string]string{"mgt.models": `"b2c"`},
			want: []assessment.Problem{{Question: "mgt.models", Problem: "must be a list of option keys: " + modelKeys}}},
		{name: "rating -1", set: map[string]string{"web.html": `-1`},
			want: []assessment.Problem{{Question: "web.html", Problem: ratingMsg}}},
		{name: "rating 5", set: map[string]string{"web.html": `5`},
			want: []assessment.Problem{{Question: "web.html", Problem: ratingMsg}}},
		{name: "rating 2.5", set: map[string]string{"web.html": `2.5`},
			want: []assessment.Problem{{Question: "web.html", Problem: ratingMsg}}},
		{name: "rating 1e0", set: map[string]string{"web.html": `1e0`},
			want: []assessment.Problem{{Question: "web.html", Problem: ratingMsg}}},
		{name: "rating huge", set: map[string]string{"web.html": `99999999999999999999999`},
			want: []assessment.Problem{{Question: "web.html", Problem: ratingMsg}}},
		{name: "ratings 0 and 4 are the ends", set: map[string]string{"web.html": `0`, "web.data": ` 4 `}},
		{name: "none combined with others", set: map[string]string{"edu.certifications": `["security", "none"]`},
			want: []assessment.Problem{{Question: "edu.certifications", Problem: `"none" cannot be combined with other options`}}},
		{name: "none alone", set: map[string]string{"edu.certifications": `["none"]`, "mgt.models": `["none"]`}},
		{name: "duplicate options", set: map[string]string{"mgt.models": `["b2c", "b2b", "b2c"]`},
			want: []assessment.Problem{{Question: "mgt.models", Problem: `"b2c" is chosen more than once`}}},
		{name: "null inside a list", set: map[string]string{"mgt.models": `["b2c", null]`},
			want: []assessment.Problem{{Question: "mgt.models", Problem: "must be a list of option keys: " + modelKeys}}},
		{name: "only null inside a list", set: map[string]string{"edu.certifications": `[null]`},
			want: []assessment.Problem{{Question: "edu.certifications", Problem: "must be a list of option keys: " + certKeys}}},
		{name: "empty key inside a list", set: map[string]string{"edu.certifications": `[""]`},
			want: []assessment.Problem{{Question: "edu.certifications", Problem: `"" is not an option; choose from: ` + certKeys}}},
		{name: "empty multi list", set: map[string]string{"edu.certifications": `[]`},
			want: []assessment.Problem{{Question: "edu.certifications", Problem: `is required: choose at least one option, or "none"`}}},
		{name: "hidden question answered is ignored",
			set:    map[string]string{"edu.degree": `"highschool"`, "edu.field": `"marketing"`},
			absent: []string{"edu.field"}},
		{name: "hidden question answered badly is ignored too",
			set:    map[string]string{"edu.degree": `"none"`, "edu.field": `["astrology"]`},
			absent: []string{"edu.field"}},
		{name: "hidden question unanswered",
			set:    map[string]string{"edu.degree": `"highschool"`, "edu.field": ""},
			absent: []string{"edu.field"}},
		{name: "field missing for a bachelor", set: map[string]string{"edu.field": ""},
			want: []assessment.Problem{{Question: "edu.field", Problem: "is required: choose an option"}}},
		{name: "field missing for an associate", set: map[string]string{"edu.degree": `"associate"`, "edu.field": ""},
			want: []assessment.Problem{{Question: "edu.field", Problem: "is required: choose an option"}}},
		{name: "degree missing: field not asked", set: map[string]string{"edu.degree": ""},
			want:   []assessment.Problem{{Question: "edu.degree", Problem: "is required: choose an option"}},
			absent: []string{"edu.degree", "edu.field"}},
		{name: "problems listed in profile order, unknown last",
			set: map[string]string{"zzz": `1`, "core.decision": `7`, "edu.continuing": `"daily"`, "mkt.years": ""},
			want: []assessment.Problem{
				{Question: "edu.continuing", Problem: `"daily" is not an option; choose from: none, one, several`},
				{Question: "mkt.years", Problem: "is required: choose an option"},
				{Question: "core.decision", Problem: ratingMsg},
				{Question: "zzz", Problem: "is not a question of this assessment"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := sampleRaw(t)
			for id, v := range tt.set {
				if v == "" {
					delete(raw, id)
				} else {
					raw[id] = json.RawMessage(v)
				}
			}
			answers, problems := parseBothWays(t, p, raw)
			if !equalProblems(problems, tt.want) {
				t.Errorf("problems:\n got %q\nwant %q", problems, tt.want)
			}
			for _, id := range tt.absent {
				if _, ok := answers[id]; ok {
					t.Errorf("answers[%s] = %+v, want absent", id, answers[id])
				}
			}
			// Every problem's question is left out of the answers; every
			// other visible question is answered.
			bad := map[string]bool{}
			for _, pr := range problems {
				bad[pr.Question] = true
			}
			for i := range p.Questions {
				q := &p.Questions[i]
				_, answered := answers[q.ID]
				if bad[q.ID] && answered {
					t.Errorf("%s has a problem but is among the answers", q.ID)
				}
				if answered && !p.Visible(q, answers) {
					t.Errorf("%s is hidden but among the answers", q.ID)
				}
			}
		})
	}
}

func TestParse_SampleValues(t *testing.T) {
	p := builtin(t)
	answers, problems := p.Parse(sampleRaw(t))
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	if len(answers) != 31 {
		t.Errorf("%d answers, want 31", len(answers))
	}
	want := map[string]assessment.Value{
		"edu.degree":         {Type: assessment.TypeSingle, Option: "bachelor"},
		"edu.certifications": {Type: assessment.TypeMulti, Options: []string{"digital-marketing"}},
		"mkt.years":          {Type: assessment.TypeYears, Option: "1-2"},
		"mkt.sem":            {Type: assessment.TypeRating, Rating: 2},
	}
	for id, w := range want {
		if got := answers[id]; !reflect.DeepEqual(got, w) {
			t.Errorf("answers[%s] = %+v, want %+v", id, got, w)
		}
	}
	for id, wantPts := range map[string]int{"edu.degree": 3, "edu.field": 2, "edu.certifications": 3, "mkt.years": 2, "mkt.sem": 2, "mgt.models": 3} {
		q, _ := p.Question(id)
		if got := p.Points(q, answers[id]); got != wantPts {
			t.Errorf("Points(%s) = %d, want %d", id, got, wantPts)
		}
	}
}

func TestPoints_MultiCountsHeldOptions(t *testing.T) {
	p := builtin(t)
	q, _ := p.Question("edu.certifications")
	for _, tt := range []struct {
		keys []string
		want int
	}{
		{[]string{"none"}, 0},
		{[]string{"security"}, 3},
		{[]string{"security", "web-development"}, 4},
		{[]string{"security", "web-development", "digital-marketing", "project-management", "ecommerce-platform"}, 4},
	} {
		if got := p.Points(q, assessment.Value{Type: assessment.TypeMulti, Options: tt.keys}); got != tt.want {
			t.Errorf("Points(%v) = %d, want %d", tt.keys, got, tt.want)
		}
	}
}

// TestParse_InvalidFileListsEveryProblem checks testdata/invalid-answers.json,
// the file the CLI tests use: every problem at once, each by question id.
func TestParse_InvalidFileListsEveryProblem(t *testing.T) {
	data, err := os.ReadFile("../testdata/invalid-answers.json")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	sub := assessment.Submission{Profiles: reg}
	if err := jsonv2.Unmarshal(data, &sub); err != nil {
		t.Fatal(err)
	}
	_, _, problems := sub.Validate()
	// 31 questions: edu.degree is fine; edu.field, edu.certifications,
	// mkt.sem and web.years are answered wrongly (4); the other 26 are
	// missing; favourite.colour is unknown (1). 4 + 26 + 1 = 31.
	if len(problems) != 31 {
		t.Errorf("%d problems, want 31: %v", len(problems), problems)
	}
	byQuestion := map[string]string{}
	for _, pr := range problems {
		if _, dup := byQuestion[pr.Question]; dup {
			t.Errorf("%s reported twice", pr.Question)
		}
		byQuestion[pr.Question] = pr.Problem
	}
	for id, want := range map[string]string{
		"edu.field":           `"astrology" is not an option; choose from: ` + fieldKeys,
		"edu.certifications":  `"none" cannot be combined with other options`,
		"mkt.sem":             ratingMsg,
		"web.years":           "must be one option key: " + yearsKeys,
		"edu.continuing":      "is required: choose an option",
		"core.organizational": "is required: choose a level from 0 to 4",
		"favourite.colour":    "is not a question of this assessment",
	} {
		if got := byQuestion[id]; got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	if _, ok := byQuestion["edu.degree"]; ok {
		t.Error("edu.degree reported, want it accepted")
	}
	for _, pr := range problems {
		checkReadable(t, pr)
	}
}

// checkReadable asserts a problem reads as "question: sentence" to a person:
// no Go or JSON internals, no trailing punctuation to clash with the list.
func checkReadable(t testing.TB, pr assessment.Problem) {
	t.Helper()
	if pr.Question == "" || pr.Problem == "" {
		t.Errorf("problem %+v: want a question and a text", pr)
		return
	}
	for _, jargon := range []string{"json", "unmarshal", "Go value", "strconv", "invalid syntax", "RawMessage", "%!"} {
		if strings.Contains(pr.Problem, jargon) {
			t.Errorf("%s: %q contains %q", pr.Question, pr.Problem, jargon)
		}
	}
	if strings.HasSuffix(pr.Problem, ".") || strings.TrimSpace(pr.Problem) != pr.Problem {
		t.Errorf("%s: %q: want no trailing period or space", pr.Question, pr.Problem)
	}
	first := pr.Problem[0]
	if !(first == '"' || (first >= 'a' && first <= 'z')) {
		t.Errorf("%s: %q: want it to continue the question id in lower case", pr.Question, pr.Problem)
	}
}

func TestParse_EmptyAnswersListsEveryQuestion(t *testing.T) {
	p := builtin(t)
	for _, raw := range []map[string]json.RawMessage{nil, {}} {
		answers, problems := parseBothWays(t, p, raw)
		// Every question but edu.field, which waits on edu.degree.
		if len(answers) != 0 || len(problems) != 30 {
			t.Errorf("Parse(%v): %d answers, %d problems; want 0 and 30", raw, len(answers), len(problems))
		}
		for _, pr := range problems {
			checkReadable(t, pr)
		}
	}
	answers, problems, err := p.ParseJSON([]byte("null"))
	if err != nil || len(answers) != 0 || len(problems) != 30 {
		t.Errorf("ParseJSON(null): %d answers, %d problems, %v; want 0, 30 and no error", len(answers), len(problems), err)
	}
}

// formFor writes answers as the assessment page's form would post them.
func formFor(a assessment.Answers) url.Values {
	form := url.Values{}
	for id, v := range a {
		switch v.Type {
		case assessment.TypeRating:
			form.Set(id, strconv.Itoa(v.Rating))
		case assessment.TypeMulti:
			form[id] = append([]string(nil), v.Options...)
		default:
			form.Set(id, v.Option)
		}
	}
	return form
}

func allQuestions(p *assessment.Profile) []*assessment.Question {
	qs := make([]*assessment.Question, len(p.Questions))
	for i := range p.Questions {
		qs[i] = &p.Questions[i]
	}
	return qs
}

func TestRawFromForm_RoundTrip(t *testing.T) {
	p := builtin(t)
	want, problems := p.Parse(sampleRaw(t))
	if len(problems) != 0 {
		t.Fatal(problems)
	}
	form := formFor(want)
	// Blank extras a browser sends: an empty multi field and padding.
	form.Add("mgt.models", "")
	form.Set("mkt.sem", " 2 ")
	form.Set("unrelated", "x") // not a question passed in: left out

	raw := assessment.RawFromForm(form, allQuestions(p))
	if _, ok := raw["unrelated"]; ok {
		t.Error("RawFromForm kept a field that is not a question")
	}
	got, problems := p.Parse(raw)
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
}

func TestRawFromForm_BadAndEmptyFields(t *testing.T) {
	p := builtin(t)
	form := formFor(mustParse(t, p, sampleRaw(t)))
	form.Set("mkt.sem", "two")      // not a number: reported, not dropped
	form.Set("web.html", "")        // left empty: missing
	form["mgt.models"] = []string{} // nothing ticked: missing
	form.Set("edu.degree", "bachelor")
	form.Add("edu.degree", "master") // a single takes the first value
	raw := assessment.RawFromForm(form, allQuestions(p))
	if string(raw["edu.degree"]) != `"bachelor"` {
		t.Errorf("edu.degree = %s, want \"bachelor\"", raw["edu.degree"])
	}
	_, problems := p.Parse(raw)
	want := []assessment.Problem{
		{Question: "mkt.sem", Problem: ratingMsg},
		{Question: "web.html", Problem: "is required: choose a level from 0 to 4"},
		{Question: "mgt.models", Problem: `is required: choose at least one option, or "none"`},
	}
	if !equalProblems(problems, want) {
		t.Errorf("problems:\n got %q\nwant %q", problems, want)
	}
}

func mustParse(t testing.TB, p *assessment.Profile, raw map[string]json.RawMessage) assessment.Answers {
	t.Helper()
	a, problems := p.Parse(raw)
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	return a
}

func TestValue_JSONRoundTrip(t *testing.T) {
	tests := []struct {
		v    assessment.Value
		json string
	}{
		{assessment.Value{Type: assessment.TypeRating, Rating: 0}, `0`},
		{assessment.Value{Type: assessment.TypeRating, Rating: 4}, `4`},
		{assessment.Value{Type: assessment.TypeSingle, Option: "bachelor"}, `"bachelor"`},
		{assessment.Value{Type: assessment.TypeYears, Option: "6+"}, `"6+"`},
		{assessment.Value{Type: assessment.TypeMulti, Options: []string{"b2c", "b2b"}}, `["b2c","b2b"]`},
		{assessment.Value{Type: assessment.TypeMulti}, `[]`},
		{assessment.Value{}, `null`}, // a hidden question's answer in a result
	}
	// JSON v2 through the Value's own methods, and encoding/json through
	// the MarshalJSON and UnmarshalJSON it still offers: the same form.
	codecs := []struct {
		name      string
		marshal   func(any) ([]byte, error)
		unmarshal func([]byte, any) error
	}{
		{"v2", func(v any) ([]byte, error) { return jsonv2.Marshal(v) }, func(b []byte, v any) error { return jsonv2.Unmarshal(b, v) }},
		{"encoding/json", json.Marshal, json.Unmarshal},
	}
	for _, tt := range tests {
		if got := tt.v.AppendJSON(nil); string(got) != tt.json {
			t.Errorf("AppendJSON(%+v) = %s, want %s", tt.v, got, tt.json)
		}
	}
	for _, c := range codecs {
		for _, tt := range tests {
			data, err := c.marshal(tt.v)
			if err != nil || string(data) != tt.json {
				t.Errorf("%s: Marshal(%+v) = %s, %v; want %s", c.name, tt.v, data, err, tt.json)
				continue
			}
			var back assessment.Value
			if err := c.unmarshal(data, &back); err != nil {
				t.Errorf("%s: Unmarshal(%s): %v", c.name, data, err)
				continue
			}
			// A stored answer cannot tell single from years; its keys and its
			// JSON survive.
			again, _ := c.marshal(back)
			if string(again) != tt.json || !slices.Equal(back.Keys(), tt.v.Keys()) && len(tt.v.Keys())+len(back.Keys()) > 0 {
				t.Errorf("%s: %s read back as %+v (keys %v, JSON %s)", c.name, tt.json, back, back.Keys(), again)
			}
		}
		var v assessment.Value
		for _, bad := range []string{`{}`, `true`, `2.5`, `["a", 1]`, `"a" "b"`, `[`} {
			if err := c.unmarshal([]byte(bad), &v); err == nil {
				t.Errorf("%s: Unmarshal(%s) = %+v, want an error", c.name, bad, v)
			}
		}
	}
}

func TestAnswers_RawRoundTrip(t *testing.T) {
	p := builtin(t)
	a := mustParse(t, p, sampleRaw(t))
	// Through the stored form: Answers -> JSON -> Answers -> Raw -> Parse.
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var stored assessment.Answers
	if err := json.Unmarshal(data, &stored); err != nil {
		t.Fatal(err)
	}
	if got := mustParse(t, p, stored.Raw()); !reflect.DeepEqual(got, a) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, a)
	}
	if got := mustParse(t, p, a.Raw()); !reflect.DeepEqual(got, a) {
		t.Errorf("Raw round trip:\n got %+v\nwant %+v", got, a)
	}
}

func TestValue_Selects(t *testing.T) {
	tests := []struct {
		v    assessment.Value
		key  string
		want bool
	}{
		{assessment.Value{Type: assessment.TypeSingle, Option: "bachelor"}, "bachelor", true},
		{assessment.Value{Type: assessment.TypeSingle, Option: "bachelor"}, "master", false},
		{assessment.Value{Type: assessment.TypeRating, Rating: 2}, "2", true},
		{assessment.Value{Type: assessment.TypeRating, Rating: 0}, "", false},
		{assessment.Value{Type: assessment.TypeMulti, Options: []string{"b2c", "b2b"}}, "b2b", true},
		{assessment.Value{Type: assessment.TypeMulti, Options: []string{"b2c"}}, "c2c", false},
		{assessment.Value{}, "", false},
	}
	for _, tt := range tests {
		if got := tt.v.Selects(tt.key); got != tt.want {
			t.Errorf("%+v.Selects(%q) = %v, want %v", tt.v, tt.key, got, tt.want)
		}
	}
}

// Every problem carries a known code, and the key and choices its
// sentence quotes, so another language can say the same thing.
func TestProblems_HaveCodes(t *testing.T) {
	p := builtin(t)
	seen := map[string]bool{}
	check := func(problems []assessment.Problem) {
		for _, pr := range problems {
			if !slices.Contains(assessment.ProblemCodes, pr.Code) {
				t.Errorf("%s: %q has code %q, not one of ProblemCodes", pr.Question, pr.Problem, pr.Code)
			}
			if !strings.Contains(pr.Problem, pr.Key) || !strings.Contains(pr.Problem, pr.Choices) {
				t.Errorf("%s: %q does not quote its key %q or choices %q", pr.Question, pr.Problem, pr.Key, pr.Choices)
			}
			seen[pr.Code] = true
		}
	}
	for _, raw := range []map[string]json.RawMessage{
		{"edu.degree": json.RawMessage(`"bachelor"`), "edu.field": json.RawMessage(`["x"]`), "edu.certifications": json.RawMessage(`["none","security"]`),
			"edu.continuing": json.RawMessage(`"daily"`), "mkt.years": json.RawMessage(`3`), "mkt.digital": json.RawMessage(`9`),
			"mgt.models": json.RawMessage(`["b2b","b2b"]`), "zzz": json.RawMessage(`1`)},
		{"edu.degree": json.RawMessage(`"bachelor"`), "edu.certifications": json.RawMessage(`"security"`), "mgt.models": json.RawMessage(`[]`)},
		{"edu.degree": json.RawMessage(`"bachelor"`)},
	} {
		_, problems := p.Parse(raw)
		check(problems)
	}
	reg, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	_, _, problems := (&assessment.Submission{Profiles: reg, Default: "ecommerce-manager", Profile: "astronaut"}).Validate()
	check(problems)
	for _, code := range assessment.ProblemCodes {
		if code != assessment.CodeRequiredMulti && !seen[code] { // the builtin profile's multi questions all have "none"
			t.Errorf("no test input gives %s", code)
		}
	}
}
