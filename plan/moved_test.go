package plan_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/plan"
	"github.com/readiness/readiness/scoring"
)

func TestAround(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 9, 0, 0, 0, time.UTC) }
	attempts := []plan.Taken{{ID: 3, At: day(10)}, {ID: 1, At: day(1)}, {ID: 2, At: day(5)}, {ID: 4, At: day(10)}}
	tests := []struct {
		name          string
		done          time.Time
		before, after int // indexes into attempts
	}{
		{"before every attempt", day(1).Add(-time.Minute), -1, 1},
		{"at the first attempt counts as after it", day(1), 1, 2},
		{"between two", day(3), 1, 2},
		{"between the second and two of one instant", day(7), 2, 0},
		{"after every attempt; of one instant the higher id is latest", day(12), 3, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, after := plan.Around(tt.done, attempts)
			if before != tt.before || after != tt.after {
				t.Errorf("Around = %d, %d; want %d, %d", before, after, tt.before, tt.after)
			}
			if before >= 0 && after >= 0 && !plan.Between(tt.done, attempts[before].At, attempts[after].At) {
				t.Errorf("Between disagrees with Around")
			}
		})
	}
	if b, a := plan.Around(day(1), nil); b != -1 || a != -1 {
		t.Errorf("Around with no attempts = %d, %d", b, a)
	}
	if !plan.Between(day(3), day(5), day(1)) {
		t.Error("Between must take its attempts in either order")
	}
	if plan.Between(day(5), day(1), day(5)) {
		t.Error("a step done at the later attempt's instant is not before it")
	}
}

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

// sample is testdata/answers.json's answers with some changed.
func sample(t testing.TB, p *assessment.Profile, changes map[string]any) scoring.Result {
	t.Helper()
	raw := map[string]json.RawMessage{
		"edu.degree": q(`"bachelor"`), "edu.field": q(`"related"`), "edu.certifications": q(`["digital-marketing"]`), "edu.continuing": q(`"one"`),
		"mkt.years": q(`"1-2"`), "mkt.digital": q("3"), "mkt.sem": q("2"), "mkt.affiliate": q("1"), "mkt.analytics": q("3"),
		"web.years": q(`"lt1"`), "web.design": q("2"), "web.html": q("2"), "web.maintenance": q("1"), "web.data": q("1"), "web.platforms": q("2"),
		"sec.practices": q("1"), "sec.threats": q("2"), "sec.payments": q("1"), "sec.incidents": q("0"),
		"mgt.years": q(`"lt1"`), "mgt.team": q("1"), "mgt.budget": q("2"), "mgt.transactions": q("2"), "mgt.contracts": q("1"), "mgt.models": q(`["b2c"]`),
		"core.analytical": q("3"), "core.communication": q("3"), "core.creativity": q("3"), "core.decision": q("2"), "core.interpersonal": q("4"), "core.organizational": q("3"),
	}
	for k, v := range changes {
		data, _ := json.Marshal(v)
		raw[k] = data
	}
	answers, problems := p.Parse(raw)
	if len(problems) > 0 {
		t.Fatalf("answers: %v", problems)
	}
	return stored(t, scoring.Score(p, answers))
}

func q(s string) json.RawMessage { return json.RawMessage(s) }

// stored is a result as the store keeps it and the pages read it back.
func stored(t testing.TB, r scoring.Result) scoring.Result {
	t.Helper()
	var back scoring.Result
	if err := jsonv2.Unmarshal(r.AppendJSON(nil), &back); err != nil {
		t.Fatal(err)
	}
	return back
}

func securityAddresses(t testing.TB, p *assessment.Profile) []string {
	for _, s := range p.Steps {
		if s.ID == "security-training" {
			return s.Addresses
		}
	}
	t.Fatal("no security-training step")
	return nil
}

func TestMoved_SecurityTraining(t *testing.T) {
	p := builtin(t)
	a := sample(t, p, nil)
	b := sample(t, p, map[string]any{"sec.practices": 3, "sec.threats": 3, "mkt.sem": 3})
	m := plan.Moved(securityAddresses(t, p), a, b)

	if len(m.Items) != 4 {
		t.Fatalf("items = %+v, want the 4 security items", m.Items)
	}
	moved := map[string]bool{}
	for _, it := range m.Items {
		if it.DimensionID != "security" || it.Dimension != "Online security" {
			t.Errorf("%s in dimension %s (%s)", it.Question, it.DimensionID, it.Dimension)
		}
		moved[it.Question] = it.Moved()
	}
	if !moved["sec.practices"] || !moved["sec.threats"] || moved["sec.payments"] || moved["sec.incidents"] {
		t.Errorf("moved = %v", moved)
	}
	if len(m.Dimensions) != 1 || m.Dimensions[0].ID != "security" {
		t.Fatalf("dimensions = %+v, want security only", m.Dimensions)
	}
	// sec.practices 1 → 3 and sec.threats 2 → 3, each of weight 2 in 6 with target 3.
	wantDim := 100 * (2*(2.0/3) + 2*(1.0/3)) / 6
	if got := m.Dimensions[0].Change(); math.Abs(got-wantDim) > 1e-9 {
		t.Errorf("security change = %v, want %v", got, wantDim)
	}
	if !m.Moved() {
		t.Error("Moved() = false")
	}
	// The marketing change is in the overall, not in what the step addressed.
	if math.Abs(m.Overall-(b.Overall-a.Overall)) > 1e-12 || m.Addressed >= m.Overall {
		t.Errorf("overall %v, addressed %v", m.Overall, m.Addressed)
	}
	if math.Abs(m.Addressed-15*wantDim/100) > 1e-9 {
		t.Errorf("addressed = %v, want %v", m.Addressed, 15*wantDim/100)
	}
}

func TestMoved_NothingChanged(t *testing.T) {
	p := builtin(t)
	a := sample(t, p, nil)
	b := sample(t, p, map[string]any{"mkt.sem": 3})
	m := plan.Moved(securityAddresses(t, p), a, b)
	if m.Moved() || m.Addressed != 0 || len(m.Items) != 4 {
		t.Errorf("Moved() = %v, addressed %v, items %d; want no movement over 4 items", m.Moved(), m.Addressed, len(m.Items))
	}
	if m.Dimensions[0].Change() != 0 || m.Overall <= 0 {
		t.Errorf("security change %v, overall %v", m.Dimensions[0].Change(), m.Overall)
	}
}

func TestMoved_NoAddressesAndMissingQuestions(t *testing.T) {
	p := builtin(t)
	a := sample(t, p, nil)
	b := sample(t, p, map[string]any{"sec.practices": 4})
	if m := plan.Moved(nil, a, b); len(m.Items) != 0 || len(m.Dimensions) != 0 || m.Moved() || m.Overall == 0 {
		t.Errorf("a step addressing nothing: %+v", m)
	}
	// B scored against a profile version without sec.incidents.
	b.Dimensions[3].Items = b.Dimensions[3].Items[:3]
	m := plan.Moved([]string{"sec.practices", "sec.incidents", "no.such", "sec.incidents"}, a, b)
	if len(m.Items) != 1 || m.Items[0].Question != "sec.practices" {
		t.Errorf("items = %+v", m.Items)
	}
	if len(m.Missing) != 2 || m.Missing[0] != "sec.incidents" || m.Missing[1] != "no.such" {
		t.Errorf("missing = %q", m.Missing)
	}
}

// randomResult scores one random valid answer set, as stored.
func randomResult(t testing.TB, rng *rand.Rand, p *assessment.Profile) scoring.Result {
	raw := make(map[string]json.RawMessage, len(p.Questions))
	for i := range p.Questions {
		qn := &p.Questions[i]
		switch qn.Type {
		case assessment.TypeRating:
			raw[qn.ID] = q(strconv.Itoa(rng.IntN(assessment.MaxPoints + 1)))
		case assessment.TypeMulti:
			var held []string
			for _, o := range qn.Options {
				if !o.Exclusive && rng.IntN(2) == 0 {
					held = append(held, o.Key)
				}
			}
			if len(held) == 0 {
				held = []string{"none"}
			}
			raw[qn.ID], _ = json.Marshal(held)
		default:
			opts := p.OptionsOf(qn)
			raw[qn.ID], _ = json.Marshal(opts[rng.IntN(len(opts))].Key)
		}
	}
	answers, problems := p.Parse(raw)
	if len(problems) > 0 {
		t.Fatalf("random answers: %v", problems)
	}
	return stored(t, scoring.Score(p, answers))
}

// What moved adds up with the stored scores: for any two results and any
// step, each dimension's before and after are the stored scores, the overall
// change is the stored overall's; and over every question, the items' gains
// add up to the overall change, and within a dimension to its weighted change.
func TestMoved_AddsUpWithStoredScores(t *testing.T) {
	p := builtin(t)
	all := make([]string, len(p.Questions))
	for i := range p.Questions {
		all[i] = p.Questions[i].ID
	}
	rng := rand.New(rand.NewPCG(15, 2026))
	const tol = 1e-9
	for n := 0; n < 500; n++ {
		a, b := randomResult(t, rng, p), randomResult(t, rng, p)
		dimA, dimB := map[string]float64{}, map[string]float64{}
		for _, d := range a.Dimensions {
			dimA[d.ID] = d.Score
		}
		for _, d := range b.Dimensions {
			dimB[d.ID] = d.Score
		}

		for _, st := range p.Steps {
			m := plan.Moved(st.Addresses, a, b)
			if m.Overall != b.Overall-a.Overall {
				t.Fatalf("%s: overall %v, stored %v → %v", st.ID, m.Overall, a.Overall, b.Overall)
			}
			sum := 0.0
			for _, it := range m.Items {
				sum += it.Gain
				if it.Moved() != (it.A.Points != it.B.Points) || (it.Gain != 0) && !it.Moved() {
					t.Fatalf("%s: %s gains %v with points %d → %d", st.ID, it.Question, it.Gain, it.A.Points, it.B.Points)
				}
			}
			if math.Abs(sum-m.Addressed) > tol {
				t.Fatalf("%s: items gain %v, Addressed %v", st.ID, sum, m.Addressed)
			}
			for _, d := range m.Dimensions {
				if d.A != dimA[d.ID] || d.B != dimB[d.ID] {
					t.Fatalf("%s: %s %v → %v, stored %v → %v", st.ID, d.ID, d.A, d.B, dimA[d.ID], dimB[d.ID])
				}
			}
			if len(m.Items) != len(st.Addresses) || len(m.Missing) != 0 {
				t.Fatalf("%s: %d items of %d addressed, missing %q", st.ID, len(m.Items), len(st.Addresses), m.Missing)
			}
		}

		whole := plan.Moved(all, a, b)
		if math.Abs(whole.Addressed-whole.Overall) > tol {
			t.Fatalf("every item gains %v, overall moved %v", whole.Addressed, whole.Overall)
		}
		perDim := map[string]float64{}
		for _, it := range whole.Items {
			perDim[it.DimensionID] += it.Gain
		}
		for _, d := range whole.Dimensions {
			if want := float64(d.Weight) * d.Change() / 100; math.Abs(perDim[d.ID]-want) > tol {
				t.Fatalf("%s: items gain %v, weighted change %v", d.ID, perDim[d.ID], want)
			}
		}
		if len(whole.Dimensions) != len(p.Dimensions) {
			t.Fatalf("%d dimensions, want %d", len(whole.Dimensions), len(p.Dimensions))
		}
	}
}
