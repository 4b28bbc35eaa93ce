package scoring_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

// randomRaw draws one valid answer for every question (edu.field too, so
// raising edu.degree past highschool shows an answered field).
func randomRaw(rng *rand.Rand, p *assessment.Profile) map[string]json.RawMessage {
	raw := make(map[string]json.RawMessage, len(p.Questions))
	for i := range p.Questions {
		q := &p.Questions[i]
		switch q.Type {
		case assessment.TypeRating:
			raw[q.ID] = json.RawMessage(strconv.Itoa(rng.IntN(assessment.MaxPoints + 1)))
		case assessment.TypeMulti:
			var held, exclusive []string
			for _, o := range q.Options {
				if o.Exclusive {
					exclusive = append(exclusive, o.Key)
				} else if rng.IntN(2) == 0 {
					held = append(held, o.Key)
				}
			}
			rng.Shuffle(len(held), func(i, j int) { held[i], held[j] = held[j], held[i] })
			if len(held) == 0 || (len(exclusive) > 0 && rng.IntN(4) == 0) {
				if len(exclusive) > 0 {
					held = exclusive[:1]
				} else {
					held = []string{q.Options[0].Key}
				}
			}
			raw[q.ID], _ = json.Marshal(held)
		default:
			opts := p.OptionsOf(q)
			raw[q.ID], _ = json.Marshal(opts[rng.IntN(len(opts))].Key)
		}
	}
	return raw
}

// raisings returns every answer set that raises one answer of raw by one
// level: a rating or a years answer to the next level, a single answer to
// any option worth more, a multi answer by one more option held.
func raisings(p *assessment.Profile, raw map[string]json.RawMessage) []map[string]json.RawMessage {
	var out []map[string]json.RawMessage
	set := func(id string, v json.RawMessage) {
		m := make(map[string]json.RawMessage, len(raw))
		for k, x := range raw {
			m[k] = x
		}
		m[id] = v
		out = append(out, m)
	}
	for i := range p.Questions {
		q := &p.Questions[i]
		switch q.Type {
		case assessment.TypeRating:
			if n, _ := strconv.Atoi(string(raw[q.ID])); n < assessment.MaxPoints {
				set(q.ID, json.RawMessage(strconv.Itoa(n+1)))
			}
		case assessment.TypeMulti:
			var held []string
			_ = json.Unmarshal(raw[q.ID], &held)
			heldSet := map[string]bool{}
			exclusiveHeld := false
			for _, k := range held {
				heldSet[k] = true
				if o, _ := p.Option(q, k); o.Exclusive {
					exclusiveHeld = true
				}
			}
			for _, o := range q.Options {
				if o.Exclusive || heldSet[o.Key] {
					continue
				}
				next := append(append([]string(nil), held...), o.Key)
				if exclusiveHeld {
					next = []string{o.Key}
				}
				data, _ := json.Marshal(next)
				set(q.ID, data)
			}
		default:
			var key string
			_ = json.Unmarshal(raw[q.ID], &key)
			cur, _ := p.Option(q, key)
			for _, o := range p.OptionsOf(q) {
				if o.Points > cur.Points {
					data, _ := json.Marshal(o.Key)
					set(q.ID, data)
				}
			}
		}
	}
	return out
}

func TestScore_Properties(t *testing.T) {
	p := builtin(t)
	rng := rand.New(rand.NewPCG(2026, 1))
	n := 2000
	if testing.Short() {
		n = 200
	}
	addresses := map[string][]string{}
	catalog := map[string]int{}
	for i, s := range p.Steps {
		addresses[s.ID] = s.Addresses
		catalog[s.ID] = i
	}
	for range n {
		raw := randomRaw(rng, p)
		a, problems := p.Parse(raw)
		if len(problems) != 0 {
			t.Fatalf("random answers %s: problems %v", dump(raw), problems)
		}
		r := scoring.Score(p, a)
		checkInvariants(t, p, r, addresses, catalog, raw)

		for _, up := range raisings(p, raw) {
			b, problems := p.Parse(up)
			if len(problems) != 0 {
				t.Fatalf("raised answers %s: problems %v", dump(up), problems)
			}
			r2 := scoring.Score(p, b)
			if r2.Overall < r.Overall-tol {
				t.Fatalf("raising lowered overall %v → %v\nfrom %s\n  to %s", r.Overall, r2.Overall, dump(raw), dump(up))
			}
			for i := range r.Dimensions {
				if r2.Dimensions[i].Score < r.Dimensions[i].Score-tol {
					t.Fatalf("raising lowered %s %v → %v\nfrom %s\n  to %s", r.Dimensions[i].ID,
						r.Dimensions[i].Score, r2.Dimensions[i].Score, dump(raw), dump(up))
				}
			}
		}
	}
}

func checkInvariants(t *testing.T, p *assessment.Profile, r scoring.Result, addresses map[string][]string, catalog map[string]int, raw map[string]json.RawMessage) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s\nanswers %s", fmt.Sprintf(format, args...), dump(raw))
	}
	if r.Overall < 0 || r.Overall > 100 {
		fail("overall %v outside 0–100", r.Overall)
	}
	lost := map[string]float64{}
	sum := r.Overall
	for _, d := range r.Dimensions {
		if d.Score < -tol || d.Score > 100+tol {
			fail("dimension %s = %v outside 0–100", d.ID, d.Score)
		}
		for _, it := range d.Items {
			if it.Lost < 0 {
				fail("item %s lost %v < 0", it.Question, it.Lost)
			}
			lost[it.Question] = it.Lost
			sum += it.Lost
		}
	}
	if math.Abs(sum-100) > tol {
		fail("overall + Σ lost = %.12f, want 100", sum)
	}

	// The band follows the overall, lowered only by an unmet requirement.
	uncapped := ""
	for _, b := range p.Bands {
		if r.Overall+1e-9 >= b.Min {
			uncapped = b.ID
			break
		}
	}
	met := r.Requirements[0].Met
	switch {
	case met && r.Band != uncapped:
		fail("band %s, want %s for overall %v", r.Band, uncapped, r.Overall)
	case !met && r.Band != uncapped && r.Band != "nearly-ready":
		fail("band %s with the requirement unmet, want %s or nearly-ready", r.Band, uncapped)
	case !met && r.Band == "ready":
		fail("band ready with the requirement unmet")
	}

	if !met && (len(r.Steps) == 0 || r.Steps[0].ID != "bachelor-degree") {
		fail("requirement unmet, but steps %q do not start with bachelor-degree", stepIDs(r.Steps))
	}
	for i, s := range r.Steps {
		most := 0.0
		for _, id := range addresses[s.ID] {
			most += lost[id]
		}
		if s.Gain > most+tol || s.Gain < 0 {
			fail("step %s gain %v, addressed items lost %v", s.ID, s.Gain, most)
		}
		if s.Required != (s.ID == "bachelor-degree" && !met) {
			fail("step %s required=%v with the requirement met=%v", s.ID, s.Required, met)
		}
		if i == 0 {
			continue
		}
		prev := r.Steps[i-1]
		switch {
		case prev.Required != s.Required:
			if !prev.Required {
				fail("required step %s after %s", s.ID, prev.ID)
			}
		case scoring.Round2(prev.Gain) < scoring.Round2(s.Gain):
			fail("step %s (%.2f) after %s (%.2f)", s.ID, s.Gain, prev.ID, prev.Gain)
		case scoring.Round2(prev.Gain) == scoring.Round2(s.Gain) && catalog[prev.ID] > catalog[s.ID]:
			fail("tied steps %s, %s out of catalog order", prev.ID, s.ID)
		}
	}
}

func dump(raw map[string]json.RawMessage) string {
	data, _ := json.Marshal(raw)
	return string(data)
}
