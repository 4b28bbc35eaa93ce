package web

import (
	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
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

// newResult is the row stored for a scored submission.
func (sc scored) newResult() db.NewResult {
	answers := sc.answers.AppendJSON(make([]byte, 0, 1024))
	result := sc.result.AppendJSON(make([]byte, 0, 8192))
	met := true
	for _, r := range sc.result.Requirements {
		met = met && r.Met
	}
	top := ""
	if len(sc.result.Steps) > 0 && !sc.result.Steps[0].AlsoConsider() {
		top = sc.result.Steps[0].ID
	}
	dims := make([]db.DimensionScore, len(sc.result.Dimensions))
	for i, d := range sc.result.Dimensions {
		dims[i] = db.DimensionScore{ID: d.ID, Score: d.Score}
	}
	return db.NewResult{
		ProfileID: sc.profile.ID, ProfileVersion: sc.profile.Version,
		Answers: answers, Result: result,
		Overall: sc.result.Overall, Band: sc.result.Band, BachelorMet: met, TopStep: top,
		Dimensions: dims,
	}
}
