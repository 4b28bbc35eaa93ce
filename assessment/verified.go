package assessment

import (
	jsonv1 "encoding/json"
	"slices"
)

// WithVerified puts verified answers in place of self answers: a
// counselor's levels for any subset of the questions, checked after seeing
// a certificate or a portfolio. The verified answers are validated like any
// answers, together with the self answers they join (a verified degree can
// make the field question apply, and then it needs an answer). A null
// verified answer leaves the self answer in place.
//
// It returns every answer to score, the verified answers alone (those
// still asked once the others are in place), and every problem, named by
// question. The answers may be scored only when there are no problems.
func (p *Profile) WithVerified(self Answers, verified map[string]jsonv1.RawMessage) (all, only Answers, problems []Problem) {
	raw := self.Raw()
	var ids []string
	for id, v := range verified {
		if string(v) == "null" {
			continue
		}
		raw[id] = v
		ids = append(ids, id)
	}
	all, problems = p.Parse(raw)
	if len(problems) > 0 {
		return nil, nil, problems
	}
	slices.Sort(ids)
	only = make(Answers, len(ids))
	for _, id := range ids {
		if v, ok := all[id]; ok {
			only[id] = v
		}
	}
	return all, only, nil
}
