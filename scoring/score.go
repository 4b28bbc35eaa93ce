// Package scoring turns a person's validated answers into a readiness result
// for one profile: dimension scores, the overall score and band, the
// requirements, the explanation of every point lost, and the next education
// steps ranked by how much each would raise the score. It is pure and
// deterministic, and uses the standard library only.
package scoring

import (
	"cmp"
	"math"
	"slices"

	"github.com/readiness/readiness/assessment"
)

// WarningUniformRatings is set when every rating answer has the same value.
const WarningUniformRatings = "uniform-ratings"

// epsilon absorbs floating-point error when comparing scores with band limits.
const epsilon = 1e-9

// Result is one scored assessment, with its explanation.
type Result struct {
	Profile      ProfileRef          `json:"profile"`
	Overall      float64             `json:"overall"`
	Band         string              `json:"band"`
	Requirements []RequirementResult `json:"requirements"`
	Warnings     []string            `json:"warnings"`
	Dimensions   []DimensionResult   `json:"dimensions"`
	Steps        []StepResult        `json:"steps"`
}

// ProfileRef names the profile and version a result was scored against.
type ProfileRef struct {
	ID      string `json:"id"`
	Version string `json:"version"`
}

// RequirementResult says whether one requirement is met.
type RequirementResult struct {
	ID  string `json:"id"`
	Met bool   `json:"met"`
}

// DimensionResult is one dimension's score and the items behind it.
type DimensionResult struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Weight int     `json:"weight"`
	Score  float64 `json:"score"`
	Items  []Item  `json:"items"`
}

// Item explains one question: the answer, its points against the target, and
// the overall points it cost.
type Item struct {
	Question string           `json:"question"`
	Answer   assessment.Value `json:"answer"`
	Points   int              `json:"points"`
	Target   int              `json:"target"`
	Lost     float64          `json:"lost"`
}

// StepResult is one applicable next step. Gain is how much the overall would
// rise if the items the step addresses reached their targets.
type StepResult struct {
	ID       string  `json:"id"`
	Kind     string  `json:"kind"`
	Title    string  `json:"title"`
	Text     string  `json:"text"`
	Gain     float64 `json:"gain"`
	Required bool    `json:"required"`
}

// AlsoConsider reports whether the step brings no score gain and fixes no
// requirement: it is shown apart, under "also consider".
func (s StepResult) AlsoConsider() bool { return !s.Required && Round2(s.Gain) == 0 }

// Round2 rounds to two decimals, the precision gains are compared at. It
// first snaps x to 1e-8 so that sums equal in exact arithmetic but apart by
// floating-point error (0.625 against 0.6249999999999999) round alike.
func Round2(x float64) float64 { return math.Round(math.Round(x*1e8)/1e6) / 100 }

// Score scores answers that p.Parse accepted without problems.
func Score(p *assessment.Profile, a assessment.Answers) Result {
	r := Result{
		Profile:      ProfileRef{ID: p.ID, Version: p.Version},
		Requirements: make([]RequirementResult, 0, len(p.Requirements)),
		Warnings:     []string{},
		Dimensions:   make([]DimensionResult, len(p.Dimensions)),
	}
	// qs[i] is what Score works out about p.Questions[i], looked up once.
	var buf [64]question // on the stack for any profile of a usual size
	var qs []question
	if len(p.Questions) <= len(buf) {
		qs = buf[:len(p.Questions)]
	} else {
		qs = make([]question, len(p.Questions))
	}
	for i := range p.Questions {
		q := &p.Questions[i]
		if v, ok := a[q.ID]; ok && p.Visible(q, a) {
			qs[i] = question{answer: v, shown: true, points: p.Points(q, v)}
		}
	}

	items := make([]Item, len(p.Questions))
	next := 0
	for di := range p.Dimensions {
		d := &p.Dimensions[di]
		start := next
		sumW, sumCredit := 0, 0.0
		for i := range p.Questions {
			if q := &p.Questions[i]; q.Dimension == d.ID {
				sumW += q.Weight
				sumCredit += float64(q.Weight) * credit(qs[i].points, q.Target)
			}
		}
		for i := range p.Questions {
			q := &p.Questions[i]
			if q.Dimension != d.ID {
				continue
			}
			qs[i].lost = float64(d.Weight) * float64(q.Weight) / float64(sumW) * (1 - credit(qs[i].points, q.Target))
			items[next] = Item{Question: q.ID, Answer: qs[i].answer, Points: qs[i].points, Target: q.Target, Lost: qs[i].lost}
			next++
		}
		score := 100 * sumCredit / float64(sumW)
		r.Dimensions[di] = DimensionResult{ID: d.ID, Name: d.Name, Weight: d.Weight, Score: score, Items: items[start:next:next]}
		r.Overall += float64(d.Weight) * score / 100
	}

	r.Band = bandFor(p, r.Overall)
	for _, req := range p.Requirements {
		qi, _ := p.QuestionIndex(req.Question)
		met := qs[qi].points >= req.MinPoints
		r.Requirements = append(r.Requirements, RequirementResult{ID: req.ID, Met: met})
		if !met && req.CapsBand != "" && bandRank(p, r.Band) < bandRank(p, req.CapsBand) {
			r.Band = req.CapsBand
		}
	}

	if uniformRatings(p, qs) {
		r.Warnings = append(r.Warnings, WarningUniformRatings)
	}
	r.Steps = rankSteps(p, qs, r.Requirements)
	return r
}

// question is one question's answer as scored: the answer if it is shown,
// its points (0 when hidden or unanswered) and the overall points it costs.
type question struct {
	answer assessment.Value
	shown  bool
	points int
	lost   float64
}

func credit(points, target int) float64 {
	if points >= target {
		return 1
	}
	return float64(points) / float64(target)
}

func bandFor(p *assessment.Profile, overall float64) string {
	for _, b := range p.Bands {
		if overall+epsilon >= b.Min {
			return b.ID
		}
	}
	return p.Bands[len(p.Bands)-1].ID
}

// bandRank is a band's position from the top: 0 is the highest band.
func bandRank(p *assessment.Profile, id string) int {
	for i, b := range p.Bands {
		if b.ID == id {
			return i
		}
	}
	return len(p.Bands)
}

func uniformRatings(p *assessment.Profile, qs []question) bool {
	n, first := 0, -1
	for i := range p.Questions {
		if p.Questions[i].Type != assessment.TypeRating {
			continue
		}
		if !qs[i].shown {
			return false
		}
		if n > 0 && qs[i].answer.Rating != first {
			return false
		}
		first = qs[i].answer.Rating
		n++
	}
	return n > 1
}

func rankSteps(p *assessment.Profile, qs []question, reqs []RequirementResult) []StepResult {
	unmet := func(id string) bool {
		for _, r := range reqs {
			if r.ID == id {
				return !r.Met
			}
		}
		return false
	}
	// Rank small pointer-free entries, then build the results in order.
	type ranked struct {
		step     int
		gain     float64
		rounded  float64
		required bool
	}
	var buf [32]ranked
	order := buf[:0]
	for si := range p.Steps {
		s := &p.Steps[si]
		if !applies(p, s, qs) {
			continue
		}
		gain := 0.0
		for _, id := range s.Addresses {
			qi, _ := p.QuestionIndex(id)
			gain += qs[qi].lost
		}
		order = append(order, ranked{step: si, gain: gain, rounded: Round2(gain), required: s.Fixes != "" && unmet(s.Fixes)})
	}
	// Required first, then by gain at two decimals; a stable sort keeps ties
	// in catalog order.
	slices.SortStableFunc(order, func(x, y ranked) int {
		if x.required != y.required {
			if x.required {
				return -1
			}
			return 1
		}
		return cmp.Compare(y.rounded, x.rounded)
	})
	steps := make([]StepResult, len(order))
	for i, o := range order {
		s := &p.Steps[o.step]
		steps[i] = StepResult{ID: s.ID, Kind: s.Kind, Title: s.Title, Text: s.Text, Gain: o.gain, Required: o.required}
	}
	return steps
}

func applies(p *assessment.Profile, s *assessment.Step, qs []question) bool {
	if len(s.Applies) == 0 {
		for _, id := range s.Addresses {
			qi, _ := p.QuestionIndex(id)
			if qs[qi].points < p.Questions[qi].Target {
				return true
			}
		}
		return false
	}
	for _, c := range s.Applies {
		qi, _ := p.QuestionIndex(c.Question)
		q := &p.Questions[qi]
		pts := qs[qi].points
		switch {
		case c.PointsBelow != nil && pts >= *c.PointsBelow:
			return false
		case c.PointsAtLeast != nil && pts < *c.PointsAtLeast:
			return false
		case c.BelowTarget && pts >= q.Target:
			return false
		case len(c.In) > 0:
			if !qs[qi].shown {
				return false
			}
			found := false
			for _, key := range c.In {
				if qs[qi].answer.Selects(key) {
					found = true
				}
			}
			if !found {
				return false
			}
		}
	}
	return true
}
