package web

import (
	"fmt"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-json-experiment/json"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/scoring"
)

// verifiedView shows a result's self and verified scores side by side:
// two results of the same scorer, never mixed into one number.
type verifiedView struct {
	By          string
	At          time.Time
	SelfOverall float64
	Overall     float64
	SelfBand    assessment.Band
	Band        assessment.Band
	Change      changeView // verified minus self
	Dims        []verifiedDim
	Items       []verifiedItem // every verified answer, in profile order
	Reqs        []reqChange
}

type verifiedDim struct {
	Name         string
	Weight       int
	Self, Verify float64
	Change       changeView
}

// verifiedItem is one verified answer beside the self answer it stands in for.
type verifiedItem struct {
	Prompt, Dimension  string
	SelfAnswer, Answer string
	SelfPoints, Points int
	Target             int
	Change             changeView
	Same               bool // verified as answered
}

// buildVerifiedView compares the self result with its verification: the
// same comparison as two attempts, self as A and verified as B.
func (s *site) buildVerifiedView(c *gin.Context, self db.Assessment, v db.Verification) (verifiedView, error) {
	ra, err := decodeResult(self)
	if err != nil {
		return verifiedView{}, fmt.Errorf("decode %d: %w", self.ID, err)
	}
	var rb scoring.Result
	if err := json.Unmarshal(v.Result, &rb); err != nil {
		return verifiedView{}, fmt.Errorf("decode verification of %d: %w", self.ID, err)
	}
	var verified map[string]assessment.Value
	if err := json.Unmarshal(v.Answers, &verified); err != nil {
		return verifiedView{}, fmt.Errorf("decode verified answers of %d: %w", self.ID, err)
	}
	pr := s.printer(c)
	p := s.localResult(c, &ra)
	s.localResult(c, &rb)
	notAsked := pr.T("result.not_asked")
	cmp := scoring.Compare(ra, rb)
	vv := verifiedView{By: v.CounselorName, At: v.VerifiedAt, SelfOverall: ra.Overall, Overall: rb.Overall,
		SelfBand: bandOf(p, ra.Band), Band: bandOf(p, rb.Band), Change: newChange(pr, ra.Overall, rb.Overall)}
	for _, d := range cmp.Dimensions {
		if d.InA && d.InB {
			vv.Dims = append(vv.Dims, verifiedDim{Name: d.Name, Weight: d.Weight, Self: d.A, Verify: d.B, Change: newChange(pr, d.A, d.B)})
		}
	}
	for _, r := range cmp.Requirements {
		if r.A != r.B {
			vv.Reqs = append(vv.Reqs, requirementChange(pr, p, r))
		}
	}
	verifiedItems := itemsByQuestion(rb)
	for _, d := range ra.Dimensions {
		for _, it := range d.Items {
			ans, ok := verified[it.Question]
			if !ok {
				continue
			}
			vi := verifiedItem{Prompt: it.Question, Dimension: d.Name, SelfAnswer: answerText(p, it.Question, it.Answer, notAsked),
				Answer: answerText(p, it.Question, ans, notAsked), SelfPoints: it.Points, Target: it.Target}
			if q, ok := p.Question(it.Question); ok {
				vi.Prompt = q.Prompt
			}
			if vit, ok := verifiedItems[it.Question]; ok {
				vi.Points = vit.Points
			}
			vi.Same = vi.Points == vi.SelfPoints && vi.Answer == vi.SelfAnswer
			if d := vi.Points - vi.SelfPoints; d != 0 {
				vi.Change = pointsChange(pr, d)
			}
			vv.Items = append(vv.Items, vi)
		}
	}
	return vv, nil
}

// itemsByQuestion indexes a result's items by question id.
func itemsByQuestion(r scoring.Result) map[string]scoring.Item {
	out := map[string]scoring.Item{}
	for _, d := range r.Dimensions {
		for _, it := range d.Items {
			out[it.Question] = it
		}
	}
	return out
}
