package scoring_test

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"slices"
	"sort"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

func builtin(t testing.TB) *assessment.Profile {
	t.Helper()
	reg, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p, ok := reg.Lookup("ecommerce-manager")
	if !ok {
		t.Fatal("no ecommerce-manager profile")
	}
	return p
}

// atTarget answers every question exactly at its target (DESIGN.md §2.3),
// as raw JSON: the starting point each persona changes.
func atTarget() map[string]string {
	return map[string]string{
		"edu.degree": `"bachelor"`, "edu.field": `"marketing"`, "edu.certifications": `["security"]`, "edu.continuing": `"one"`,
		"mkt.years": `"3-5"`, "mkt.digital": `3`, "mkt.sem": `3`, "mkt.affiliate": `2`, "mkt.analytics": `3`,
		"web.years": `"1-2"`, "web.design": `3`, "web.html": `2`, "web.maintenance": `3`, "web.data": `2`, "web.platforms": `2`,
		"sec.practices": `3`, "sec.threats": `3`, "sec.payments": `3`, "sec.incidents": `2`,
		"mgt.years": `"1-2"`, "mgt.team": `3`, "mgt.budget": `3`, "mgt.transactions": `3`, "mgt.contracts": `2`, "mgt.models": `["b2c"]`,
		"core.analytical": `3`, "core.communication": `3`, "core.creativity": `2`, "core.decision": `3`, "core.interpersonal": `3`, "core.organizational": `3`,
	}
}

// ratingIDs are the 23 rating questions.
var ratingIDs = []string{
	"mkt.digital", "mkt.sem", "mkt.affiliate", "mkt.analytics",
	"web.design", "web.html", "web.maintenance", "web.data", "web.platforms",
	"sec.practices", "sec.threats", "sec.payments", "sec.incidents",
	"mgt.team", "mgt.budget", "mgt.transactions", "mgt.contracts",
	"core.analytical", "core.communication", "core.creativity", "core.decision", "core.interpersonal", "core.organizational",
}

// with returns atTarget changed by the given answers ("" deletes one), its
// ratings first all set to rating when rating >= 0.
func with(rating int, changes map[string]string) map[string]string {
	m := atTarget()
	if rating >= 0 {
		for _, id := range ratingIDs {
			m[id] = string(rune('0' + rating))
		}
	}
	return merge(m, changes)
}

func parse(t testing.TB, p *assessment.Profile, answers map[string]string) assessment.Answers {
	t.Helper()
	raw := make(map[string]json.RawMessage, len(answers))
	for k, v := range answers {
		raw[k] = json.RawMessage(v)
	}
	a, problems := p.Parse(raw)
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	return a
}

// sampleBody is the sample submission, testdata/answers.json.
func sampleBody(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/answers.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func sampleAnswers(t testing.TB, p *assessment.Profile) assessment.Answers {
	t.Helper()
	var sub struct {
		Answers jsontext.Value `json:"answers"`
	}
	if err := jsonv2.Unmarshal(sampleBody(t), &sub); err != nil {
		t.Fatal(err)
	}
	a, problems, err := p.ParseJSON(sub.Answers)
	if err != nil || len(problems) != 0 {
		t.Fatal(problems, err)
	}
	return a
}

type step struct {
	id       string
	gain     float64
	required bool
}

type item struct {
	points int
	lost   float64
}

const tol = 1e-9

// Dimension order: education 25, marketing 20, web 20, security 15,
// management 15, core 5. Inside them Σw is 7, 7, 8, 6, 8, 6, so one unit of
// item weight costs, at full loss: education 25/7, marketing 20/7, web 2.5,
// security 2.5, management 1.875, core 5/6 overall points.
func TestScore_Personas(t *testing.T) {
	p := builtin(t)
	sample := sampleAnswers(t, p)
	expert := map[string]string{
		"edu.certifications": `["security", "web-development"]`, "edu.continuing": `"several"`,
		"mkt.years": `"6+"`, "web.years": `"6+"`, "mgt.years": `"6+"`, "mgt.models": `["b2c", "b2b"]`,
	}
	tests := []struct {
		name       string
		answers    assessment.Answers
		overall    float64
		band       string
		dims       [6]float64
		bachelor   bool // requirement bachelor-degree met
		warnings   []string
		steps      []step
		items      map[string]item
		alsoConsid []string
	}{
		{
			// Highschool (1 of 3 points), every other answer at the top.
			// education: degree 3×1/3 = 1, field hidden 0, certs 1, continuing 1
			//   → 3/7 → 300/7 = 42.857…; the other dimensions 100.
			// overall = 25×3/7 + 75 = 600/7 = 85.714… → ready, capped at nearly-ready.
			// lost: degree 25×3/7×(2/3) = 50/7, field 25×2/7 = 50/7 → 100/7 = 14.285…
			// bachelor-degree gain = 50/7 + 50/7 = 100/7. Every rating is 4: uniform.
			name:     "MissingDegreeCapsBand",
			answers:  parse(t, p, with(4, merge(expert, map[string]string{"edu.degree": `"highschool"`, "edu.field": ""}))),
			overall:  600.0 / 7,
			band:     "nearly-ready",
			dims:     [6]float64{300.0 / 7, 100, 100, 100, 100, 100},
			warnings: []string{"uniform-ratings"},
			steps:    []step{{"bachelor-degree", 100.0 / 7, true}},
			items:    map[string]item{"edu.degree": {1, 50.0 / 7}, "edu.field": {0, 50.0 / 7}, "mkt.years": {4, 0}},
		},
		{
			// Every item at target: each dimension 100, overall 100, ready.
			// graduate-advantage applies to a bachelor with no gain: also consider.
			name:       "AllTargetsMetIsReady",
			answers:    parse(t, p, atTarget()),
			overall:    100,
			band:       "ready",
			dims:       [6]float64{100, 100, 100, 100, 100, 100},
			bachelor:   true,
			steps:      []step{{"graduate-advantage", 0, false}},
			items:      map[string]item{"edu.field": {4, 0}, "edu.certifications": {3, 0}},
			alsoConsid: []string{"graduate-advantage"},
		},
		{
			// Nothing at all; edu.field is hidden under "none" and counts 0.
			// overall 0 → exploring; all 23 ratings are 0: uniform.
			// gains at full loss: bachelor-degree 25×(3+2)/7 = 125/7 (required);
			// security-training 2.5×6 = 15; marketing-courses 20/7×5 = 100/7;
			// web-design-courses 2.5×3, ecommerce-tech-courses 2.5×3,
			// operations-management 1.875×4, lead-web-team 1.875×4 all 7.5 (catalog order);
			// marketing-analyst-role 20/7×2 = 40/7; web-designer-role 2.5×2 = 5 and
			// core-skills 5/6×6 = 5; certification 25/7 and continuing-education 25/7.
			// Σ gains = 315/7 + 55 = 100 = everything lost.
			name: "AllZeroIsExploring",
			answers: parse(t, p, with(0, map[string]string{
				"edu.degree": `"none"`, "edu.certifications": `["none"]`, "edu.continuing": `"none"`,
				"mkt.years": `"0"`, "web.years": `"0"`, "mgt.years": `"0"`, "mgt.models": `["none"]`,
			})),
			overall:  0,
			band:     "exploring",
			warnings: []string{"uniform-ratings"},
			steps: []step{
				{"bachelor-degree", 125.0 / 7, true},
				{"security-training", 15, false},
				{"marketing-courses", 100.0 / 7, false},
				{"web-design-courses", 7.5, false},
				{"ecommerce-tech-courses", 7.5, false},
				{"operations-management", 7.5, false},
				{"lead-web-team", 7.5, false},
				{"marketing-analyst-role", 40.0 / 7, false},
				{"web-designer-role", 5, false},
				{"core-skills", 5, false},
				{"certification", 25.0 / 7, false},
				{"continuing-education", 25.0 / 7, false},
			},
			items: map[string]item{"edu.field": {0, 50.0 / 7}, "mgt.models": {0, 1.875}, "core.creativity": {0, 5.0 / 6}},
		},
		{
			// Bachelor in another field (0 of 4), the rest at target.
			// education: 3 + 0 + 1 + 1 = 5/7 → 500/7 = 71.428…
			// overall = 25×5/7 + 75 = 650/7 = 92.857… → ready.
			// related-graduate gain = 25×2/7 = 50/7; graduate-advantage 0.
			name:       "UnrelatedBachelorSuggestsRelatedGraduate",
			answers:    parse(t, p, with(-1, map[string]string{"edu.field": `"other"`})),
			overall:    650.0 / 7,
			band:       "ready",
			dims:       [6]float64{500.0 / 7, 100, 100, 100, 100, 100},
			bachelor:   true,
			steps:      []step{{"related-graduate", 50.0 / 7, false}, {"graduate-advantage", 0, false}},
			items:      map[string]item{"edu.field": {0, 50.0 / 7}},
			alsoConsid: []string{"graduate-advantage"},
		},
		{
			// Three steps gain 25/7 = 3.571…, each reached differently:
			// related-graduate 25×2/7×(1−2/4), certification 25×1/7×(1−0/3),
			// continuing-education 25×1/7×(1−0/2); they keep catalog order.
			// education: 3 + 2×1/2 + 0 + 0 = 4/7 → 400/7.
			// marketing: digital 1 of 3 → 2×1/3; 5 + 2/3 = 17/3 of 7 → 1700/21.
			// web: design 2 of 3 → 2×2/3; 6 + 4/3 = 22/3 of 8 → 275/3.
			// overall = 100/7 + 340/21 + 55/3 + 35 = 1760/21 = 83.809… → ready.
			// marketing-courses 20/7×2×2/3 = 80/21 = 3.81 first; web-design-courses
			// 2.5×2×1/3 = 5/3 after the tie.
			name: "TiedGainsKeepCatalogOrder",
			answers: parse(t, p, with(-1, map[string]string{
				"edu.field": `"related"`, "edu.certifications": `["none"]`, "edu.continuing": `"none"`,
				"mkt.digital": `1`, "web.design": `2`,
			})),
			overall:  1760.0 / 21,
			band:     "ready",
			dims:     [6]float64{400.0 / 7, 1700.0 / 21, 275.0 / 3, 100, 100, 100},
			bachelor: true,
			steps: []step{
				{"marketing-courses", 80.0 / 21, false},
				{"related-graduate", 25.0 / 7, false},
				{"certification", 25.0 / 7, false},
				{"continuing-education", 25.0 / 7, false},
				{"web-design-courses", 5.0 / 3, false},
				{"graduate-advantage", 0, false},
			},
		},
		{
			// Every rating 2; degree, field, certifications, continuing, years
			// and models at target.
			// marketing: years 2 + digital 4/3 + sem 2/3 + affiliate 1 + analytics 2/3 = 17/3 of 7 → 1700/21
			// web: years 2 + design 4/3 + html 1 + maintenance 2/3 + data 1 + platforms 1 = 7 of 8 → 87.5
			// security: 4/3 + 4/3 + 2/3 + 1 = 13/3 of 6 → 650/9
			// management: 2 + 4/3 + 2/3 + 2/3 + 1 + 1 = 20/3 of 8 → 250/3
			// core: 5×2/3 + 1 = 13/3 of 6 → 650/9
			// overall = 25 + 340/21 + 17.5 + 65/6 + 12.5 + 65/18 = 5395/63 = 85.634… → ready.
			// gains: security 5/3+5/3+5/6 = 25/6; marketing 40/21+20/21+20/21 = 80/21;
			// web-design 5/3; core 5×5/18 = 25/18; operations 0.625+0.625 = 1.25 ties
			// lead-web-team 3.75×1/3 = 1.25 (catalog order); ecommerce-tech 2.5/3 = 5/6.
			name:     "UniformRatingsWarns",
			answers:  parse(t, p, with(2, nil)),
			overall:  5395.0 / 63,
			band:     "ready",
			dims:     [6]float64{100, 1700.0 / 21, 87.5, 650.0 / 9, 250.0 / 3, 650.0 / 9},
			bachelor: true,
			warnings: []string{"uniform-ratings"},
			steps: []step{
				{"security-training", 25.0 / 6, false},
				{"marketing-courses", 80.0 / 21, false},
				{"web-design-courses", 5.0 / 3, false},
				{"core-skills", 25.0 / 18, false},
				{"operations-management", 1.25, false},
				{"lead-web-team", 1.25, false},
				{"ecommerce-tech-courses", 5.0 / 6, false},
				{"graduate-advantage", 0, false},
			},
			items: map[string]item{"mkt.affiliate": {2, 0}, "sec.practices": {2, 5.0 / 3}},
		},
		{
			// A master's (4 ≥ 3) in a related field (2 of 4), the rest at target.
			// education: 3 + 1 + 1 + 1 = 6/7 → 600/7; overall = 150/7 + 75 = 675/7.
			// related-graduate 25×2/7×1/2 = 25/7; no graduate-advantage past a bachelor.
			name:     "MastersHolderHasNoGraduateAdvantage",
			answers:  parse(t, p, with(-1, map[string]string{"edu.degree": `"master"`, "edu.field": `"related"`})),
			overall:  675.0 / 7,
			band:     "ready",
			dims:     [6]float64{600.0 / 7, 100, 100, 100, 100, 100},
			bachelor: true,
			steps:    []step{{"related-graduate", 25.0 / 7, false}},
			items:    map[string]item{"edu.degree": {4, 0}},
		},
		{
			// An associate degree (2 of 3) in marketing: the same 675/7 as the
			// master's above, education 3×2/3 + 2 + 1 + 1 = 6/7, but the unmet
			// requirement caps the band. bachelor-degree gain = degree's loss
			// 25×3/7×1/3 = 25/7 only: the field is already at 4.
			name:     "AssociateDegreeStillCapped",
			answers:  parse(t, p, with(-1, map[string]string{"edu.degree": `"associate"`})),
			overall:  675.0 / 7,
			band:     "nearly-ready",
			dims:     [6]float64{600.0 / 7, 100, 100, 100, 100, 100},
			bachelor: false,
			steps:    []step{{"bachelor-degree", 25.0 / 7, true}},
		},
		{
			// testdata/answers.json, a mid persona.
			// education: 3 + 2×2/4 + 1 + 1 = 6/7 → 600/7
			// marketing: years 2×2/3 + 2 + sem 2/3 + affiliate 1/2 + 1 = 11/2 of 7 → 550/7
			// web: years 2×1/2 + design 2×2/3 + 1 + maint 1/3 + data 1/2 + 1 = 31/6 of 8 → 775/12
			// security: 2×1/3 + 2×2/3 + 1/3 + 0 = 7/3 of 6 → 350/9
			// management: 2×1/2 + 2×1/3 + 2/3 + 2/3 + 1/2 + 1 = 9/2 of 8 → 56.25
			// core: 5 + decision 2/3 = 17/3 of 6 → 850/9
			// overall = 150/7 + 110/7 + 155/12 + 35/6 + 135/16 + 85/18 = 69605/1008 = 69.05… → nearly-ready
			// gains: security 10/3+5/3+5/6+2.5 = 55/6; lead-web-team 1.875+2.5 = 4.375;
			// related-graduate 25/7; ecommerce-tech 5/3+1.25 = 35/12; web-designer 2.5;
			// marketing 20/21+10/7 = 50/21; operations 0.625+0.625+0.9375 = 2.1875;
			// marketing-analyst 40/7×1/3 = 40/21; web-design 5/3; core 5/6×1/3 = 5/18.
			name:     "MidPersona",
			answers:  sample,
			overall:  69605.0 / 1008,
			band:     "nearly-ready",
			dims:     [6]float64{600.0 / 7, 550.0 / 7, 775.0 / 12, 350.0 / 9, 56.25, 850.0 / 9},
			bachelor: true,
			steps: []step{
				{"security-training", 55.0 / 6, false},
				{"lead-web-team", 4.375, false},
				{"related-graduate", 25.0 / 7, false},
				{"ecommerce-tech-courses", 35.0 / 12, false},
				{"web-designer-role", 2.5, false},
				{"marketing-courses", 50.0 / 21, false},
				{"operations-management", 2.1875, false},
				{"marketing-analyst-role", 40.0 / 21, false},
				{"web-design-courses", 5.0 / 3, false},
				{"core-skills", 5.0 / 18, false},
				{"graduate-advantage", 0, false},
			},
			items:      map[string]item{"edu.field": {2, 25.0 / 7}, "sec.incidents": {0, 2.5}, "core.creativity": {3, 0}},
			alsoConsid: []string{"graduate-advantage"},
		},
	}
	dimIDs := []string{"education", "marketing", "web", "security", "management", "core"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := scoring.Score(p, tt.answers)
			if r.Profile != (scoring.ProfileRef{ID: "ecommerce-manager", Version: p.Version}) {
				t.Errorf("profile = %+v", r.Profile)
			}
			if math.Abs(r.Overall-tt.overall) > tol {
				t.Errorf("overall = %.12f, want %.12f", r.Overall, tt.overall)
			}
			if r.Band != tt.band {
				t.Errorf("band = %s, want %s", r.Band, tt.band)
			}
			wantReq := []scoring.RequirementResult{{ID: "bachelor-degree", Met: tt.bachelor}}
			if !slices.Equal(r.Requirements, wantReq) {
				t.Errorf("requirements = %+v, want %+v", r.Requirements, wantReq)
			}
			if tt.warnings == nil {
				tt.warnings = []string{}
			}
			if !slices.Equal(r.Warnings, tt.warnings) {
				t.Errorf("warnings = %q, want %q", r.Warnings, tt.warnings)
			}
			if len(r.Dimensions) != len(dimIDs) {
				t.Fatalf("%d dimensions, want %d", len(r.Dimensions), len(dimIDs))
			}
			lostSum := 0.0
			for i, d := range r.Dimensions {
				if d.ID != dimIDs[i] {
					t.Errorf("dimension %d is %s, want %s", i, d.ID, dimIDs[i])
				}
				if math.Abs(d.Score-tt.dims[i]) > tol {
					t.Errorf("dimension %s = %.12f, want %.12f", d.ID, d.Score, tt.dims[i])
				}
				for _, it := range d.Items {
					lostSum += it.Lost
					if want, ok := tt.items[it.Question]; ok {
						if it.Points != want.points || math.Abs(it.Lost-want.lost) > tol {
							t.Errorf("item %s: points %d lost %.12f, want %d and %.12f", it.Question, it.Points, it.Lost, want.points, want.lost)
						}
					}
				}
			}
			if math.Abs(r.Overall+lostSum-100) > tol {
				t.Errorf("overall %.12f + lost %.12f != 100", r.Overall, lostSum)
			}
			gotIDs, wantIDs := stepIDs(r.Steps), make([]string, len(tt.steps))
			for i, s := range tt.steps {
				wantIDs[i] = s.id
			}
			if !slices.Equal(gotIDs, wantIDs) {
				t.Fatalf("steps\n got %q\nwant %q", gotIDs, wantIDs)
			}
			var also []string
			for i, s := range r.Steps {
				if math.Abs(s.Gain-tt.steps[i].gain) > tol || s.Required != tt.steps[i].required {
					t.Errorf("step %s: gain %.12f required %v, want %.12f %v", s.ID, s.Gain, s.Required, tt.steps[i].gain, tt.steps[i].required)
				}
				if s.Title == "" || s.Text == "" || s.Kind == "" {
					t.Errorf("step %s: title, text or kind missing", s.ID)
				}
				if s.AlsoConsider() {
					also = append(also, s.ID)
				}
			}
			if tt.alsoConsid != nil && !slices.Equal(also, tt.alsoConsid) {
				t.Errorf("also consider = %q, want %q", also, tt.alsoConsid)
			}
		})
	}
}

// merge returns a changed by b; an empty value in b deletes the answer.
func merge(a, b map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		if v == "" {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return m
}

func stepIDs(steps []scoring.StepResult) []string {
	ids := make([]string, len(steps))
	for i, s := range steps {
		ids[i] = s.ID
	}
	return ids
}

func TestScore_HiddenFieldAnswerIsIgnored(t *testing.T) {
	p := builtin(t)
	// A highschool graduate who also names a field: the field is hidden, so
	// the result is the same as without it and shows no answer for it.
	withField := parse(t, p, with(-1, map[string]string{"edu.degree": `"highschool"`, "edu.field": `"marketing"`}))
	without := parse(t, p, merge(atTarget(), map[string]string{"edu.degree": `"highschool"`, "edu.field": ""}))
	a, b := scoring.Score(p, withField), scoring.Score(p, without)
	ja, _ := jsonv2.Marshal(&a)
	jb, _ := jsonv2.Marshal(&b)
	if string(ja) != string(jb) {
		t.Errorf("hidden answer changed the result:\n%s\n%s", ja, jb)
	}
	// Even if a caller passes the hidden answer in directly, Score ignores it.
	withField["edu.field"] = assessment.Value{Type: assessment.TypeSingle, Option: "marketing"}
	if c := scoring.Score(p, withField); c.Overall != a.Overall {
		t.Errorf("hidden answer passed to Score: overall %v, want %v", c.Overall, a.Overall)
	}
	field := a.Dimensions[0].Items[1]
	if field.Question != "edu.field" || field.Points != 0 || field.Target != 4 {
		t.Errorf("edu.field item = %+v", field)
	}
	if data, _ := jsonv2.Marshal(field.Answer); string(data) != "null" {
		t.Errorf("hidden edu.field answer = %s, want null", data)
	}
}

func TestScore_UniformRatingsNeedsEveryRating(t *testing.T) {
	p := builtin(t)
	a := parse(t, p, with(3, nil))
	if r := scoring.Score(p, a); !slices.Equal(r.Warnings, []string{"uniform-ratings"}) {
		t.Errorf("all ratings 3: warnings %q", r.Warnings)
	}
	a["core.creativity"] = assessment.Value{Type: assessment.TypeRating, Rating: 2}
	if r := scoring.Score(p, a); len(r.Warnings) != 0 {
		t.Errorf("one rating different: warnings %q, want none", r.Warnings)
	}
	delete(a, "core.creativity") // a partial set is not uniform
	if r := scoring.Score(p, a); len(r.Warnings) != 0 {
		t.Errorf("one rating missing: warnings %q, want none", r.Warnings)
	}
}

// TestScore_ResultJSONShape pins the field names of DESIGN.md §4.
func TestScore_ResultJSONShape(t *testing.T) {
	p := builtin(t)
	for _, a := range []assessment.Answers{sampleAnswers(t, p), parse(t, p, with(-1, map[string]string{"edu.degree": `"master"`}))} {
		r := scoring.Score(p, a)
		data, err := jsonv2.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := jsonv2.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		checkKeys(t, "result", m, "profile", "overall", "band", "requirements", "warnings", "dimensions", "steps")
		checkKeys(t, "profile", m["profile"].(map[string]any), "id", "version")
		if _, ok := m["overall"].(float64); !ok {
			t.Errorf("overall is %T, want a number", m["overall"])
		}
		if _, ok := m["warnings"].([]any); !ok {
			t.Errorf("warnings = %v, want a list ([] when empty)", m["warnings"])
		}
		if _, ok := m["steps"].([]any); !ok {
			t.Errorf("steps = %v, want a list ([] when empty)", m["steps"])
		}
		for _, r := range m["requirements"].([]any) {
			checkKeys(t, "requirement", r.(map[string]any), "id", "met")
		}
		for _, d := range m["dimensions"].([]any) {
			dm := d.(map[string]any)
			checkKeys(t, "dimension", dm, "id", "name", "weight", "score", "items")
			for _, it := range dm["items"].([]any) {
				checkKeys(t, "item", it.(map[string]any), "question", "answer", "points", "target", "lost")
			}
		}
		for _, s := range m["steps"].([]any) {
			checkKeys(t, "step", s.(map[string]any), "id", "kind", "title", "text", "gain", "required")
		}
	}
	// Answers are written as the API takes them.
	r := scoring.Score(p, sampleAnswers(t, p))
	want := map[string]string{"edu.degree": `"bachelor"`, "edu.certifications": `["digital-marketing"]`, "mkt.sem": `2`, "mkt.years": `"1-2"`}
	for _, d := range r.Dimensions {
		for _, it := range d.Items {
			if w, ok := want[it.Question]; ok {
				if got, _ := jsonv2.Marshal(it.Answer); string(got) != w {
					t.Errorf("%s answer = %s, want %s", it.Question, got, w)
				}
			}
		}
	}
}

func checkKeys(t *testing.T, what string, m map[string]any, keys ...string) {
	t.Helper()
	got := make([]string, 0, len(m))
	for k := range m {
		got = append(got, k)
	}
	sort.Strings(got)
	want := append([]string(nil), keys...)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s keys = %q, want %q", what, got, want)
	}
}

func TestRound2(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{
		{0, 0}, {1.234, 1.23}, {1.235, 1.24}, {0.625, 0.63}, {0.6249999999999999, 0.63},
		{0.6250000000000001, 0.63}, {25.0 / 7, 3.57}, {0.004, 0}, {0.005, 0.01},
	} {
		if got := scoring.Round2(tt.in); got != tt.want {
			t.Errorf("Round2(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// The test-only web-designer profile scores with no code of its own.
func TestScore_SecondProfile(t *testing.T) {
	reg, err := assessment.LoadDir(os.DirFS("../assessment/testdata"), "profiles")
	if err != nil {
		t.Fatal(err)
	}
	p, ok := reg.Lookup("web-designer")
	if !ok {
		t.Fatal("no web-designer profile")
	}
	tests := []struct {
		name    string
		answers map[string]string
		overall float64
		band    string
		dims    [2]float64
		met     bool
		steps   []step
	}{
		{
			// design (60, Σw 4): years 2/2 → 1, layout 3/3 ×2 = 2, portfolio small 2/4 = 0.5 → 3.5/4 = 87.5
			// build (40, Σw 4): html 1/2 = 0.5, framework hidden 0, tools 1 held 2/4 ×2 = 1 → 1.5/4 = 37.5
			// overall = 60×0.875 + 40×0.375 = 67.5 → developing.
			// tools addresses build.tools 40×2/4×1/2 = 10 and build.html 40×1/4×1/2 = 5 → 15.
			// framework-course waits for html rated 2 or more.
			name: "html aware hides the framework",
			answers: map[string]string{"design.years": `"1-2"`, "design.layout": `3`, "design.portfolio": `"small"`,
				"build.html": `1`, "build.framework": `4`, "build.tools": `["git"]`},
			overall: 67.5, band: "developing", dims: [2]float64{87.5, 37.5}, met: true,
			steps: []step{{"tools", 15, false}},
		},
		{
			// design: 1 + 2 + portfolio none 0 → 3/4 = 75; build: html 1 + framework 0 + tools 3 held 4/4 ×2 = 2 → 3/4 = 75.
			// overall 75 = ready, but no portfolio caps it at developing.
			// build-portfolio 60×1/4 = 15 (required); framework-course 40×1/4 = 10.
			name: "no portfolio caps the band",
			answers: map[string]string{"design.years": `"6+"`, "design.layout": `4`, "design.portfolio": `"none"`,
				"build.html": `2`, "build.framework": `0`, "build.tools": `["figma", "git", "cms"]`},
			overall: 75, band: "developing", dims: [2]float64{75, 75}, met: false,
			steps: []step{{"build-portfolio", 15, true}, {"framework-course", 10, false}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := scoring.Score(p, parse(t, p, tt.answers))
			if r.Profile.ID != "web-designer" || math.Abs(r.Overall-tt.overall) > tol || r.Band != tt.band {
				t.Errorf("profile %s overall %v band %s, want web-designer %v %s", r.Profile.ID, r.Overall, r.Band, tt.overall, tt.band)
			}
			for i, d := range r.Dimensions {
				if math.Abs(d.Score-tt.dims[i]) > tol {
					t.Errorf("dimension %s = %v, want %v", d.ID, d.Score, tt.dims[i])
				}
			}
			if len(r.Requirements) != 1 || r.Requirements[0].Met != tt.met {
				t.Errorf("requirements = %+v, want portfolio met=%v", r.Requirements, tt.met)
			}
			if len(r.Steps) != len(tt.steps) {
				t.Fatalf("steps = %q, want %v", stepIDs(r.Steps), tt.steps)
			}
			for i, s := range r.Steps {
				if s.ID != tt.steps[i].id || math.Abs(s.Gain-tt.steps[i].gain) > tol || s.Required != tt.steps[i].required {
					t.Errorf("step %d = %s %v %v, want %+v", i, s.ID, s.Gain, s.Required, tt.steps[i])
				}
			}
		})
	}
}

// Relabel gives a result the texts of the profile in another language and
// changes nothing else; a step the profile lacks keeps its stored text.
func TestRelabel_TranslatesTextsOnly(t *testing.T) {
	reg, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	en, _ := reg.Lookup("ecommerce-manager")
	es, _ := reg.LookupIn("ecommerce-manager", "es")
	a := sampleAnswers(t, en)
	r := scoring.Score(en, a)
	r.Steps = append(r.Steps, scoring.StepResult{ID: "retired-step", Title: "Old title", Text: "Old text", Gain: 1})
	before, _ := json.Marshal(r)
	scoring.Relabel(&r, es)
	if r.Dimensions[0].Name != es.Dimensions[0].Name || r.Steps[0].Title == "" {
		t.Fatalf("not relabelled: %q", r.Dimensions[0].Name)
	}
	if st, _ := es.Step(r.Steps[0].ID); r.Steps[0].Title != st.Title || r.Steps[0].Text != st.Text {
		t.Errorf("step %s: %q, want %q", r.Steps[0].ID, r.Steps[0].Title, st.Title)
	}
	if last := r.Steps[len(r.Steps)-1]; last.Title != "Old title" || last.Text != "Old text" {
		t.Errorf("unknown step relabelled: %+v", last)
	}
	if want := scoring.Score(es, a); !reflect.DeepEqual(r.Dimensions, want.Dimensions) || !reflect.DeepEqual(r.Steps[:len(r.Steps)-1], want.Steps) {
		t.Error("relabelling an English result differs from scoring with the Spanish profile")
	}
	scoring.Relabel(&r, en)
	if after, _ := json.Marshal(r); string(after) != string(before) {
		t.Errorf("relabelled back to English, the result differs:\n%s\n%s", before, after)
	}
}
