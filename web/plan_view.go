package web

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/plan"
	"github.com/readiness/readiness/scoring"
	"github.com/readiness/readiness/web/i18n"
)

// planItemView is one plan item on /progress (with its form) or on a
// counselor's learner page (read only).
type planItemView struct {
	ID          int64
	Step        string
	Title       string
	Status      string
	StatusLabel string
	Evidence    string
	DoneAt      time.Time // zero unless done
	Moved       *movedView
	Form        planFormView
	Own         bool // on the learner's own pages: their results are links
}

// planFormView is an item's form: its values, and the problems of a
// refused submission beside their fields.
type planFormView struct {
	Status, Evidence           string
	StatusError, EvidenceError string
}

type statusOption struct{ Value, Label string }

// planStatusIDs are the statuses in the order the pages list them; each is
// named by the catalog's "plan_status.<status>".
var planStatusIDs = []string{plan.StatusPlanned, plan.StatusInProgress, plan.StatusDone}

// planStatuses are the statuses as the pages name them, in pr's language.
func planStatuses(pr *i18n.Printer) []statusOption {
	out := make([]statusOption, len(planStatusIDs))
	for i, st := range planStatusIDs {
		out[i] = statusOption{st, pr.T("plan_status." + st)}
	}
	return out
}

func statusLabel(pr *i18n.Printer, status string) string { return wordsFor(pr, "plan_status.", status) }

// movedView is what moved on a done item's answers between two attempts:
// the one before it was done and the one after.
type movedView struct {
	Measured     bool
	Note         string // why nothing is measured
	FromID, ToID int64
	From, To     time.Time
	// Line is the summary after "Title, done date: ".
	Line    string
	Moved   bool // an addressed answer changed its points
	Dims    []movedDim
	Overall changeView
	Items   []movedItem // the addressed answers that changed
	Same    []string    // prompts of the addressed answers that did not
}

type movedDim struct {
	Name   string
	Change changeView
}

type movedItem struct {
	Prompt           string
	PointsA, PointsB int
	Target           int
	Change           changeView // in points
	Gain             changeView // in overall points
}

// attemptResult is a stored result with when it was taken.
type attemptResult struct {
	ID     int64
	At     time.Time
	Result scoring.Result
}

// lowerFirst writes a dimension's name inside a sentence: "online
// security", but an acronym ("MBA options") stays as it is.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if next, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(next) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// movedOf puts what moved from attempt a to the later attempt b on the
// item's answers into words, using b's profile for the prompts, in the
// request's language.
func (s *site) movedOf(c *gin.Context, it db.PlanItem, a, b attemptResult) *movedView {
	pr := s.printer(c)
	p := s.localResult(c, &b.Result)
	s.localResult(c, &a.Result)
	m := plan.Moved(it.Addresses, a.Result, b.Result)
	v := &movedView{Measured: true, FromID: a.ID, ToID: b.ID, From: a.At, To: b.At,
		Overall: newChange(pr, a.Result.Overall, b.Result.Overall), Moved: m.Moved()}
	for _, im := range m.Items {
		prompt := im.Question
		if q, ok := p.Question(im.Question); ok {
			prompt = q.Prompt
		}
		if !im.Moved() {
			v.Same = append(v.Same, prompt)
			continue
		}
		v.Items = append(v.Items, movedItem{Prompt: prompt, PointsA: im.A.Points, PointsB: im.B.Points, Target: im.B.Target,
			Change: pointsChange(pr, im.B.Points-im.A.Points), Gain: changeOf(pr, im.Gain)})
	}
	var parts []string
	for _, d := range m.Dimensions {
		ch := newChange(pr, d.A, d.B)
		v.Dims = append(v.Dims, movedDim{Name: d.Name, Change: ch})
		parts = append(parts, pr.T("plan.moved_area", "Area", lowerFirst(d.Name), "Change", ch.Text))
	}
	overall := pr.T("plan.moved_overall", "Change", v.Overall.Text)
	switch {
	case len(m.Items) == 0:
		v.Line = pr.T("plan.moved_no_answer", "Overall", overall)
	case !v.Moved:
		v.Line = pr.T("plan.moved_none", "Count", len(m.Items))
		v.Same = nil // the line says it: listing them all is noise
		if v.Overall.Class != "same" {
			v.Line = pr.T("plan.moved_none_other", "Line", v.Line, "Overall", overall)
		}
	default:
		v.Line = strings.Join(append(parts, overall), ", ")
	}
	return v
}

// planViews shows a plan with what moved on each done item, between the
// attempts either side of when it was done. history is the attempts to look
// among; load reads one of them in full.
func (s *site) planViews(c *gin.Context, items []db.PlanItem, history []plan.Taken, load func(id int64) (attemptResult, error)) ([]planItemView, error) {
	pr := s.printer(c)
	out := make([]planItemView, len(items))
	for i, it := range items {
		v := planItemView{ID: it.ID, Step: it.Step, Title: s.planTitle(c, it), Status: it.Status, StatusLabel: statusLabel(pr, it.Status),
			Evidence: it.Evidence, DoneAt: it.DoneAt, Form: planFormView{Status: it.Status, Evidence: it.Evidence}}
		if it.Status == plan.StatusDone {
			before, after := plan.Around(it.DoneAt, history)
			switch {
			case before < 0:
				v.Moved = &movedView{Note: pr.T("plan.not_measured_before")}
			case after < 0:
				v.Moved = &movedView{Note: pr.T("plan.not_measured_yet")}
			default:
				a, err := load(history[before].ID)
				if err != nil {
					return nil, err
				}
				b, err := load(history[after].ID)
				if err != nil {
					return nil, err
				}
				v.Moved = s.movedOf(c, it, a, b)
			}
		}
		out[i] = v
	}
	return out, nil
}

// doneBetween is what moved on each item done between attempts a and b
// (in either order), from the earlier to the later.
func (s *site) doneBetween(c *gin.Context, items []db.PlanItem, a, b attemptResult) []planItemView {
	if b.At.Before(a.At) {
		a, b = b, a
	}
	var out []planItemView
	for _, it := range items {
		if it.Status != plan.StatusDone || !plan.Between(it.DoneAt, a.At, b.At) {
			continue
		}
		out = append(out, planItemView{ID: it.ID, Step: it.Step, Title: s.planTitle(c, it), Status: it.Status,
			StatusLabel: statusLabel(s.printer(c), it.Status), Evidence: it.Evidence, DoneAt: it.DoneAt, Moved: s.movedOf(c, it, a, b)})
	}
	return out
}

// withForm puts a refused form's values and problems on its item.
func withForm(pr *i18n.Printer, views []planItemView, f *planFormState) []planItemView {
	if f == nil {
		return views
	}
	for i := range views {
		if views[i].ID != f.ID {
			continue
		}
		views[i].Form = planFormView{Status: f.Status, Evidence: f.Evidence}
		for _, p := range f.Errors {
			switch p.Field {
			case "status":
				views[i].Form.StatusError = pr.T("plan.status_error", "Problem", p.Problem)
			case "evidence":
				views[i].Form.EvidenceError = pr.T("plan.evidence_error", "Problem", p.Problem)
			}
		}
	}
	return views
}

// takenOf lists attempts for plan.Around.
func takenOf(list []db.Attempt) []plan.Taken {
	out := make([]plan.Taken, len(list))
	for i, a := range list {
		out[i] = plan.Taken{ID: a.ID, At: a.CreatedAt}
	}
	return out
}

// resultLoader reads full results through get, each once.
func resultLoader(get func(id int64) (db.Assessment, error)) func(id int64) (attemptResult, error) {
	seen := map[int64]attemptResult{}
	return func(id int64) (attemptResult, error) {
		if r, ok := seen[id]; ok {
			return r, nil
		}
		a, err := get(id)
		if err != nil {
			return attemptResult{}, err
		}
		r, err := decodeResult(a)
		if err != nil {
			return attemptResult{}, fmt.Errorf("decode %d: %w", a.ID, err)
		}
		seen[id] = attemptResult{ID: a.ID, At: a.CreatedAt, Result: r}
		return seen[id], nil
	}
}

// takenOfResults lists full results for plan.Around.
func takenOfResults(list []db.Assessment) []plan.Taken {
	out := make([]plan.Taken, len(list))
	for i, a := range list {
		out[i] = plan.Taken{ID: a.ID, At: a.CreatedAt}
	}
	return out
}

// byID looks results up among those already loaded.
func byID(list []db.Assessment) func(id int64) (db.Assessment, error) {
	return func(id int64) (db.Assessment, error) {
		for _, a := range list {
			if a.ID == id {
				return a, nil
			}
		}
		return db.Assessment{}, db.ErrNotFound
	}
}

// planAddView is "Add to my plan" beside one step (of a result, or a
// counselor's recommendation) on a learner's own page.
type planAddView struct {
	Show   bool // a learner's own page, and the step can still be added
	InPlan bool
	StepID string // as POST /plan/items takes it
	Title  string
	From   string // the page to come back to
}

func planAddOf(v resultView, st scoring.StepResult) planAddView {
	return planAddView{Show: v.CanPlan && (v.InPlan[st.ID] || v.Addable[st.ID]), InPlan: v.InPlan[st.ID],
		StepID: st.ID, Title: st.Title, From: "/results/" + v.ID}
}

// recItem is a counselor's recommendation on a learner's page, with "Add
// to my plan" beside it.
type recItem struct {
	db.Recommendation
	Plan planAddView
}

// recItems shows recommendations with their plan buttons when canPlan;
// inPlan holds the plan's steps, from the page at from.
func recItems(recs []db.Recommendation, inPlan map[string]bool, canPlan bool, from string) []recItem {
	out := make([]recItem, len(recs))
	for i, r := range recs {
		step := plan.RecommendationStep(r.ID)
		out[i] = recItem{Recommendation: r, Plan: planAddView{Show: canPlan, InPlan: inPlan[step], StepID: step, Title: r.Title, From: from}}
	}
	return out
}

// stepsOf is the set of steps in a plan.
func stepsOf(items []db.PlanItem) map[string]bool {
	in := make(map[string]bool, len(items))
	for _, it := range items {
		in[it.Step] = true
	}
	return in
}
