package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
	"github.com/readiness/readiness/web/i18n"
)

// whatIfView is /results/{id}/what-if: a stored result's answers as one
// form, and what the answers in it would score. Nothing is stored.
type whatIfView struct {
	ResultID  string // "12", or "v12" for this browser's visitor result
	At        time.Time
	ProfileID string
	Submitted bool // the form was sent: the answers are the person's, not the stored ones
	Problems  []problemView
	Sections  []whatIfSection
	Changed   int // answers that score differently from the stored ones

	// The figures, when the answers are valid (Ready).
	Ready            bool
	Stored, Overall  float64
	StoredBand, Band assessment.Band
	Change           changeView
	Dims             []whatIfDim
	Reqs             []whatIfReq
	Steps, Gone      []scoring.StepResult
	StoredSteps      []scoring.StepResult // for the page's script
}

// whatIfSection is one area's questions, folded away unless an answer in
// it needs attention, so the figures and the areas fit on a screen.
type whatIfSection struct {
	Dimension assessment.Dimension
	Questions []questionView
	Open      bool
	Changed   int // answers here that score differently from the result
}

type whatIfDim struct {
	ID, Name    string
	Weight      int
	Stored, New float64
	Change      changeView
}

type whatIfReq struct {
	ID, Title string
	Met, Was  bool
}

// whatIfParam marks a submitted what-if form, so a form whose every answer
// was cleared still counts as sent.
const whatIfParam = "whatif"

func (h *resultPages) whatIfPage(c *gin.Context) {
	a, visitor, done, err := h.loadResult(c, "/what-if")
	if done {
		return
	}
	var stored scoring.Result
	if err == nil {
		stored, err = decodeResult(a)
	}
	if err != nil {
		h.pageStoreError(c, err, h.T(c, notFoundResult))
		return
	}
	p := h.localResult(c, &stored)
	v := whatIfView{ResultID: resultRef(a.ID, visitor), At: a.CreatedAt, ProfileID: p.ID}

	all := make([]*assessment.Question, len(p.Questions))
	for i := range p.Questions {
		all[i] = &p.Questions[i]
	}
	query := c.Request.URL.Query()
	_, v.Submitted = query[whatIfParam]
	raw := map[string]json.RawMessage{}
	if v.Submitted {
		raw = assessment.RawFromForm(query, all)
	} else if err := json.Unmarshal(a.Answers, &raw); err != nil {
		h.log.Error("what-if: stored answers", "id", a.ID, "err", err)
		raw = map[string]json.RawMessage{}
	}
	answers, problems := p.Parse(raw)
	var errs map[string]string
	v.Problems, errs = h.pageProblems(c, p, raw, problems)
	for _, d := range p.Dimensions {
		sec := whatIfSection{Dimension: d, Questions: h.questionViews(c, p, p.QuestionsIn(d.ID), raw, answers, errs)}
		for _, q := range sec.Questions {
			sec.Open = sec.Open || q.Error != ""
		}
		v.Sections = append(v.Sections, sec)
	}
	v.Stored, v.StoredBand = stored.Overall, bandOf(p, stored.Band)
	status := http.StatusOK
	if len(problems) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		h.fillWhatIf(h.printer(c), &v, p, stored, scoring.Score(p, answers))
	}
	h.render(c, status, "whatif", h.T(c, "whatif.title", "Date", h.printer(c).DateIn(a.CreatedAt, h.zoneOf(c))), v)
}

// fillWhatIf puts what the answers would score beside the stored result.
func (s *site) fillWhatIf(pr *i18n.Printer, v *whatIfView, p *assessment.Profile, stored, w scoring.Result) {
	cmp := scoring.Compare(stored, w)
	v.Ready, v.Overall, v.Band = true, w.Overall, bandOf(p, w.Band)
	v.Change = newChange(pr, stored.Overall, w.Overall)
	v.Changed = len(cmp.Items)
	for _, it := range cmp.Items {
		if q, ok := p.Question(it.B.Question); ok {
			for i := range v.Sections {
				if v.Sections[i].Dimension.ID == q.Dimension {
					v.Sections[i].Changed++
				}
			}
		}
	}
	for _, d := range cmp.Dimensions {
		if !d.InB {
			continue // a dimension the profile no longer has
		}
		dv := whatIfDim{ID: d.ID, Name: d.Name, Weight: d.Weight, Stored: d.A, New: d.B, Change: newChange(pr, d.A, d.B)}
		if !d.InA {
			dv.Change = changeView{Class: "same", Text: "–", Words: pr.T("whatif.not_stored")}
		}
		v.Dims = append(v.Dims, dv)
	}
	was := map[string]bool{}
	for _, r := range stored.Requirements {
		was[r.ID] = r.Met
	}
	for _, r := range w.Requirements {
		rv := whatIfReq{ID: r.ID, Title: r.ID, Met: r.Met, Was: was[r.ID]}
		for _, req := range p.Requirements {
			if req.ID == r.ID {
				rv.Title = req.Title
			}
		}
		v.Reqs = append(v.Reqs, rv)
	}
	for _, st := range w.Steps {
		if !st.AlsoConsider() {
			v.Steps = append(v.Steps, st)
		}
	}
	v.Gone = cmp.StepsGone
	v.StoredSteps = stored.Steps
}

// resultRef is a result's id in its page's address.
func resultRef(id int64, visitor bool) string {
	ref := strconv.FormatInt(id, 10)
	if visitor {
		ref = "v" + ref
	}
	return ref
}
