package web

import (
	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

// scored is a validated, scored submission ready to show or store.
type scored struct {
	profile *assessment.Profile
	answers assessment.Answers
	result  scoring.Result
}

// scoreSubmission validates and scores a submission, returning every problem.
func (s *site) scoreSubmission(sub assessment.Submission) (scored, []assessment.Problem) {
	return s.scoreWith(sub.Profile, func(p *assessment.Profile) (assessment.Answers, []assessment.Problem) {
		return p.Parse(sub.Answers)
	})
}

// scoreWith looks up the profile (the default when id is empty), validates
// the answers with parse and scores them.
func (s *site) scoreWith(id string, parse func(*assessment.Profile) (assessment.Answers, []assessment.Problem)) (scored, []assessment.Problem) {
	if id == "" {
		id = s.profile.ID
	}
	p, ok := s.profiles.Lookup(id)
	if !ok {
		return scored{}, []assessment.Problem{{Question: "profile", Problem: "is not a known profile"}}
	}
	answers, problems := parse(p)
	if len(problems) > 0 {
		return scored{}, problems
	}
	return scored{profile: p, answers: answers, result: scoring.Score(p, answers)}, nil
}
