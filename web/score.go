package web

import (
	"encoding/json"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

// scored is a validated, scored submission ready to show or store.
type scored struct {
	profile *assessment.Profile
	answers assessment.Answers
	result  scoring.Result
}

// scoreRaw validates and scores raw answers for the default profile,
// returning every problem.
func (s *site) scoreRaw(raw map[string]json.RawMessage) (scored, []assessment.Problem) {
	answers, problems := s.profile.Parse(raw)
	if len(problems) > 0 {
		return scored{}, problems
	}
	return scored{profile: s.profile, answers: answers, result: scoring.Score(s.profile, answers)}, nil
}
