package main

import (
	"encoding/json"
	"math/rand/v2"

	"github.com/readiness/readiness/assessment"
)

// randomAnswers draws a complete, valid set of answers to p: every shown
// question answered with a uniformly chosen option or level, so each
// submission takes a different path through scoring and the steps.
func randomAnswers(p *assessment.Profile, rng *rand.Rand) assessment.Answers {
	a := make(assessment.Answers, len(p.Questions))
	for i := range p.Questions {
		q := &p.Questions[i]
		if !p.Visible(q, a) {
			continue
		}
		opts := p.OptionsOf(q)
		switch q.Type {
		case assessment.TypeRating:
			a[q.ID] = assessment.Value{Type: q.Type, Rating: rng.IntN(assessment.MaxPoints + 1)}
		case assessment.TypeMulti:
			a[q.ID] = assessment.Value{Type: q.Type, Options: randomSelection(opts, rng)}
		default:
			a[q.ID] = assessment.Value{Type: q.Type, Option: opts[rng.IntN(len(opts))].Key}
		}
	}
	return a
}

// randomSelection picks an exclusive option (such as "none") one time in
// five, otherwise a non-empty random subset of the others.
func randomSelection(opts []assessment.Option, rng *rand.Rand) []string {
	var exclusive, others []string
	for _, o := range opts {
		if o.Exclusive {
			exclusive = append(exclusive, o.Key)
		} else {
			others = append(others, o.Key)
		}
	}
	if len(exclusive) > 0 && (len(others) == 0 || rng.IntN(5) == 0) {
		return []string{exclusive[rng.IntN(len(exclusive))]}
	}
	var keys []string
	for len(keys) == 0 {
		for _, k := range others {
			if rng.IntN(2) == 0 {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// submissionBody is the JSON body of POST /api/v1/score and
// /api/v1/assessments for the answers.
func submissionBody(p *assessment.Profile, a assessment.Answers) []byte {
	body, err := json.Marshal(struct {
		Profile string                     `json:"profile"`
		Answers map[string]json.RawMessage `json:"answers"`
	}{p.ID, a.Raw()})
	if err != nil {
		panic(err) // answers built from the profile always marshal
	}
	return body
}

// bodyFor is the body of submission number k: a function of the seed and k
// only, so a run is reproducible however its requests interleave.
func bodyFor(p *assessment.Profile, seed uint64, k int) []byte {
	return submissionBody(p, randomAnswers(p, rand.New(rand.NewPCG(seed, uint64(k)))))
}
