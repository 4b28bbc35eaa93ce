// Package record turns a scored assessment into the row the store keeps.
// It sits between scoring, which stays pure, and db, which imports no app
// package: the web app and the demo seeder both store results through it,
// so a stored result is written one way.
package record

import (
	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/scoring"
)

// Of is the row stored for answers that p accepted and the result they
// scored: the answers and the result as JSON, with the columns the caseload
// and cohort read (overall, band, requirements met, the top step and each
// dimension's score) taken out.
func Of(p *assessment.Profile, answers assessment.Answers, r *scoring.Result) db.NewResult {
	met := true
	for _, req := range r.Requirements {
		met = met && req.Met
	}
	top := ""
	if len(r.Steps) > 0 && !r.Steps[0].AlsoConsider() {
		top = r.Steps[0].ID
	}
	dims := make([]db.DimensionScore, len(r.Dimensions))
	for i, d := range r.Dimensions {
		dims[i] = db.DimensionScore{ID: d.ID, Score: d.Score}
	}
	return db.NewResult{
		ProfileID: p.ID, ProfileVersion: p.Version,
		Answers: answers.AppendJSON(make([]byte, 0, 1024)),
		Result:  r.AppendJSON(make([]byte, 0, 8192)),
		Overall: r.Overall, Band: r.Band, BachelorMet: met, TopStep: top,
		Dimensions: dims,
	}
}
