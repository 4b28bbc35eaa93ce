package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/scoring"
	"github.com/readiness/readiness/web/i18n"
)

// compareForm is the two-select form that picks attempts to compare.
type compareForm struct {
	Options []attemptOption // newest first
	A, B    int64
	Errors  []string
	Action  string // where it GETs; "" is the learner's /progress/compare
}

type attemptOption struct {
	ID    int64
	Label string
}

func (s *site) newCompareForm(c *gin.Context, newestFirst []db.Attempt, loc *time.Location) compareForm {
	pr := s.printer(c)
	f := compareForm{}
	for _, a := range newestFirst {
		f.Options = append(f.Options, attemptOption{ID: a.ID, Label: pr.T("compare.option",
			"Date", pr.DateIn(a.CreatedAt, loc)+", "+a.CreatedAt.In(loc).Format("15:04"), "Score", pr.Num(a.Overall, 1),
			"Band", s.bandName(c, a.ProfileID, a.Band))})
	}
	return f
}

// compareView is the /progress/compare page. Ready is false when the
// parameters were wrong and only the form shows.
type compareView struct {
	Form      compareForm
	Ready     bool
	Same      bool
	A, B      compareSide
	Overall   changeView
	Dims      []dimChange
	Reqs      []reqChange
	Gone      []scoring.StepResult // steps in A that B no longer needs
	New       []scoring.StepResult // steps B has that A did not
	Items     []itemChange
	BandMoved bool
	// Done are the plan's steps done between the two attempts, with what
	// moved from the earlier to the later.
	Done []planItemView
	// Learner is set when a counselor compares a learner's attempts.
	Learner *compareLearner
}

type compareSide struct {
	ID      int64
	At      time.Time
	Overall float64
	Band    assessment.Band
}

type dimChange struct {
	Name    string
	A, B    string // "–" when that attempt lacks the dimension
	Change  changeView
	HasBoth bool
	Weight  int
}

type reqChange struct {
	Title  string
	A, B   bool
	Status string
	Class  string
}

// itemChange is one answer that changed: the answers in words (levels as
// levels, never as points), and what the change did to the overall score,
// in score points.
type itemChange struct {
	Prompt, Dimension string
	AnswerA, AnswerB  string
	Target            string     // the level the role needs, in words
	Effect            changeView // overall score points gained (lost points that went)
	NoEffect          string     // why the score did not move, when it did not
}

func (h *resultPages) comparePage(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	list, err := h.store.AttemptHistory(ctx, u.ID, progressLimit)
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	v := compareView{Form: h.newCompareForm(c, list, h.zoneOf(c))}
	ida, idb, ok := h.chooseAttempts(c, list, &v.Form)
	if !ok {
		h.render(c, http.StatusBadRequest, "compare", h.T(c, "compare.title"), v)
		return
	}
	a, err := h.store.Assessment(ctx, u.ID, ida)
	var b db.Assessment
	if err == nil {
		b, err = h.store.Assessment(ctx, u.ID, idb)
	}
	var ra, rb attemptResult
	if err == nil {
		ra, rb, err = h.fillCompare(c, &v, a, b)
	}
	if err != nil {
		h.pageStoreError(c, err, h.T(c, "compare.not_found"))
		return
	}
	items, err := h.store.PlanItems(ctx, u.ID)
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	v.Done = h.doneBetween(c, items, ra, rb)
	for i := range v.Done {
		v.Done[i].Own = true
	}
	h.render(c, http.StatusOK, "compare", h.T(c, "compare.title"), v)
}

// chooseAttempts reads the two attempts to compare from ?a= and ?b=,
// showing the two latest in the form until both are given. ok is false
// when either is missing or not an id: the form then says why.
func (s *site) chooseAttempts(c *gin.Context, newestFirst []db.Attempt, f *compareForm) (a, b int64, ok bool) {
	if len(newestFirst) >= 2 {
		f.A, f.B = newestFirst[1].ID, newestFirst[0].ID
	}
	a, okA := s.compareParam(c, "a", s.T(c, "compare.first_lower"), f)
	b, okB := s.compareParam(c, "b", s.T(c, "compare.second_lower"), f)
	if okA {
		f.A = a
	}
	if okB {
		f.B = b
	}
	return a, b, okA && okB
}

// compareParam reads one attempt id, adding a message naming the parameter
// to the form when it is missing or not an id.
func (s *site) compareParam(c *gin.Context, name, label string, f *compareForm) (int64, bool) {
	raw, present := c.GetQuery(name)
	if !present || raw == "" {
		f.Errors = append(f.Errors, s.T(c, "compare.missing", "Label", label, "Param", name))
		return 0, false
	}
	id, ok := parseID(raw)
	if !ok {
		if utf8.RuneCountInString(raw) > 24 {
			raw = string([]rune(raw)[:24]) + "…"
		}
		f.Errors = append(f.Errors, s.T(c, "compare.not_an_id", "Param", name, "Label", label, "Value", raw))
		return 0, false
	}
	return id, true
}

// fillCompare puts scoring.Compare's answer into words, using each
// result's own profile for the wording, in the request's language. It
// returns the two results it decoded, for the rest of the page.
func (s *site) fillCompare(gc *gin.Context, v *compareView, a, b db.Assessment) (attemptResult, attemptResult, error) {
	ra, err := decodeResult(a)
	if err != nil {
		return attemptResult{}, attemptResult{}, fmt.Errorf("decode %d: %w", a.ID, err)
	}
	rb, err := decodeResult(b)
	if err != nil {
		return attemptResult{}, attemptResult{}, fmt.Errorf("decode %d: %w", b.ID, err)
	}
	pa, pb := s.localResult(gc, &ra), s.localResult(gc, &rb)
	pr, notAsked := s.printer(gc), s.T(gc, "result.not_asked")
	c := scoring.Compare(ra, rb)
	v.Ready, v.Same = true, a.ID == b.ID
	v.A = compareSide{ID: a.ID, At: a.CreatedAt, Overall: ra.Overall, Band: bandOf(pa, ra.Band)}
	v.B = compareSide{ID: b.ID, At: b.CreatedAt, Overall: rb.Overall, Band: bandOf(pb, rb.Band)}
	v.Overall = newChange(pr, ra.Overall, rb.Overall)
	v.BandMoved = c.BandMoved
	for _, d := range c.Dimensions {
		dc := dimChange{Name: d.Name, Weight: d.Weight, A: "–", B: "–", HasBoth: d.InA && d.InB}
		if d.InA {
			dc.A = pr.Num(d.A, 1)
		}
		if d.InB {
			dc.B = pr.Num(d.B, 1)
		}
		if dc.HasBoth {
			dc.Change = newChange(pr, d.A, d.B)
		}
		v.Dims = append(v.Dims, dc)
	}
	for _, r := range c.Requirements {
		v.Reqs = append(v.Reqs, requirementChange(pr, pb, r))
	}
	v.Gone, v.New = c.StepsGone, c.StepsNew
	for _, it := range c.Items {
		ic := itemChange{
			Prompt: it.A.Question, Dimension: it.Dimension,
			AnswerA: answerText(pa, it.A.Question, it.A.Answer, notAsked), AnswerB: answerText(pb, it.B.Question, it.B.Answer, notAsked),
			Target: targetText(pb, it.B.Question, it.B.Target),
			// Score gained is the lost points that went: lost in A minus lost in B.
			Effect: newChange(pr, -it.A.Lost, -it.B.Lost),
		}
		if q, ok := pb.Question(it.A.Question); ok {
			ic.Prompt = q.Prompt
		}
		if ic.Effect.Class == "same" {
			ic.NoEffect = pr.T("compare.no_effect_target")
			if it.A.Points < it.A.Target && it.B.Points < it.B.Target {
				ic.NoEffect = pr.T("compare.no_effect_small")
			}
		}
		v.Items = append(v.Items, ic)
	}
	return attemptResult{ID: a.ID, At: a.CreatedAt, Result: ra}, attemptResult{ID: b.ID, At: b.CreatedAt, Result: rb}, nil
}

// targetText is the level a question's target stands for, in words: the
// label of the first option worth that many points, or the number.
func targetText(p *assessment.Profile, questionID string, target int) string {
	if q, ok := p.Question(questionID); ok {
		for _, o := range p.OptionsOf(q) {
			if o.Points == target {
				if q.Type == assessment.TypeRating {
					return o.Key + " · " + o.Label
				}
				return o.Label
			}
		}
	}
	return strconv.Itoa(target)
}

func bandOf(p *assessment.Profile, id string) assessment.Band {
	if b, ok := p.Band(id); ok {
		return *b
	}
	return assessment.Band{ID: id, Name: id}
}

// requirementChange is a requirement's change in words, titled from p.
func requirementChange(pr *i18n.Printer, p *assessment.Profile, r scoring.RequirementChange) reqChange {
	rc := reqChange{Title: r.ID, A: r.A, B: r.B}
	for _, req := range p.Requirements {
		if req.ID == r.ID {
			rc.Title = req.Title
		}
	}
	switch {
	case !r.A && r.B:
		rc.Status, rc.Class = pr.T("compare.req_now_met"), "up"
	case r.A && !r.B:
		rc.Status, rc.Class = pr.T("compare.req_no_longer"), "down"
	case r.B:
		rc.Status, rc.Class = pr.T("compare.req_both"), "same"
	default:
		rc.Status, rc.Class = pr.T("compare.req_neither"), "same"
	}
	return rc
}

// pointsChange is a change in an item's points (never zero here).
func pointsChange(pr *i18n.Printer, d int) changeView {
	if d > 0 {
		return changeView{Class: "up", Text: "+" + strconv.Itoa(d), Words: pr.T("change.up_points", "Count", d)}
	}
	return changeView{Class: "down", Text: "−" + strconv.Itoa(-d), Words: pr.T("change.down_points", "Count", -d)}
}
