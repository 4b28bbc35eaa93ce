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
)

// compareForm is the two-select form that picks attempts to compare.
type compareForm struct {
	Options []attemptOption // newest first
	A, B    int64
	Errors  []string
}

type attemptOption struct {
	ID    int64
	Label string
}

func (s *site) newCompareForm(newestFirst []db.Attempt) compareForm {
	f := compareForm{}
	for _, a := range newestFirst {
		f.Options = append(f.Options, attemptOption{ID: a.ID, Label: fmt.Sprintf("%s · %.1f, %s",
			a.CreatedAt.UTC().Format("2 Jan 2006, 15:04"), a.Overall, s.bandName(a.ProfileID, a.Band))})
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

type itemChange struct {
	Prompt, Dimension string
	AnswerA, AnswerB  string
	PointsA, PointsB  int
	Target            int
	Change            changeView
}

func (h *resultPages) comparePage(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	list, err := h.store.AttemptHistory(ctx, u.ID, progressLimit)
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	v := compareView{Form: h.newCompareForm(list)}
	if len(list) >= 2 {
		v.Form.A, v.Form.B = list[1].ID, list[0].ID
	}
	ida, okA := compareParam(c, "a", "first attempt", &v.Form)
	idb, okB := compareParam(c, "b", "second attempt", &v.Form)
	if okA {
		v.Form.A = ida
	}
	if okB {
		v.Form.B = idb
	}
	if !okA || !okB {
		h.render(c, http.StatusBadRequest, "compare", "Compare two attempts", v)
		return
	}
	a, err := h.store.Assessment(ctx, u.ID, ida)
	if err == nil {
		var b db.Assessment
		if b, err = h.store.Assessment(ctx, u.ID, idb); err == nil {
			err = h.fillCompare(&v, a, b)
		}
	}
	if err != nil {
		h.pageStoreError(c, err, "There is no such attempt among your results. Choose two of your own attempts on your progress page.")
		return
	}
	h.render(c, http.StatusOK, "compare", "Compare two attempts", v)
}

// compareParam reads one attempt id, adding a message naming the parameter
// to the form when it is missing or not an id.
func compareParam(c *gin.Context, name, label string, f *compareForm) (int64, bool) {
	raw, present := c.GetQuery(name)
	if !present || raw == "" {
		f.Errors = append(f.Errors, fmt.Sprintf("Choose a %s: the %q parameter is missing.", label, name))
		return 0, false
	}
	id, ok := parseID(raw)
	if !ok {
		if utf8.RuneCountInString(raw) > 24 {
			raw = string([]rune(raw)[:24]) + "…"
		}
		f.Errors = append(f.Errors, fmt.Sprintf("The %q parameter (%s) must be the number of one of your attempts, not %q.", name, label, raw))
		return 0, false
	}
	return id, true
}

func (s *site) fillCompare(v *compareView, a, b db.Assessment) error {
	ra, err := decodeResult(a)
	if err != nil {
		return fmt.Errorf("decode %d: %w", a.ID, err)
	}
	rb, err := decodeResult(b)
	if err != nil {
		return fmt.Errorf("decode %d: %w", b.ID, err)
	}
	pa, pb := s.profileFor(ra.Profile.ID), s.profileFor(rb.Profile.ID)
	v.Ready, v.Same = true, a.ID == b.ID
	v.A = compareSide{ID: a.ID, At: a.CreatedAt, Overall: ra.Overall, Band: bandOf(pa, ra.Band)}
	v.B = compareSide{ID: b.ID, At: b.CreatedAt, Overall: rb.Overall, Band: bandOf(pb, rb.Band)}
	v.Overall = newChange(ra.Overall, rb.Overall)
	v.BandMoved = ra.Band != rb.Band

	// Dimensions: A's order, then any only B has.
	bDims := map[string]scoring.DimensionResult{}
	for _, d := range rb.Dimensions {
		bDims[d.ID] = d
	}
	aDims := map[string]bool{}
	for _, d := range ra.Dimensions {
		aDims[d.ID] = true
		dc := dimChange{Name: d.Name, Weight: d.Weight, A: fmt.Sprintf("%.1f", d.Score), B: "–"}
		if bd, ok := bDims[d.ID]; ok {
			dc.B, dc.HasBoth, dc.Change = fmt.Sprintf("%.1f", bd.Score), true, newChange(d.Score, bd.Score)
		}
		v.Dims = append(v.Dims, dc)
	}
	for _, d := range rb.Dimensions {
		if !aDims[d.ID] {
			v.Dims = append(v.Dims, dimChange{Name: d.Name, Weight: d.Weight, A: "–", B: fmt.Sprintf("%.1f", d.Score)})
		}
	}

	v.Reqs = compareRequirements(pb, ra.Requirements, rb.Requirements)
	v.Gone, v.New = stepDiff(ra.Steps, rb.Steps), stepDiff(rb.Steps, ra.Steps)
	v.Items = s.changedItems(pa, pb, ra, rb)
	return nil
}

func bandOf(p *assessment.Profile, id string) assessment.Band {
	if b, ok := p.Band(id); ok {
		return *b
	}
	return assessment.Band{ID: id, Name: id}
}

func compareRequirements(p *assessment.Profile, a, b []scoring.RequirementResult) []reqChange {
	metB := map[string]bool{}
	for _, r := range b {
		metB[r.ID] = r.Met
	}
	var out []reqChange
	for _, r := range a {
		bMet, ok := metB[r.ID]
		if !ok {
			continue
		}
		rc := reqChange{Title: r.ID, A: r.Met, B: bMet}
		for _, req := range p.Requirements {
			if req.ID == r.ID {
				rc.Title = req.Title
			}
		}
		switch {
		case !r.Met && bMet:
			rc.Status, rc.Class = "now met", "up"
		case r.Met && !bMet:
			rc.Status, rc.Class = "no longer met", "down"
		case bMet:
			rc.Status, rc.Class = "met in both", "same"
		default:
			rc.Status, rc.Class = "not met in either", "same"
		}
		out = append(out, rc)
	}
	return out
}

// stepDiff returns the steps of from, in its rank order, that to lacks.
func stepDiff(from, to []scoring.StepResult) []scoring.StepResult {
	in := map[string]bool{}
	for _, st := range to {
		in[st.ID] = true
	}
	var out []scoring.StepResult
	for _, st := range from {
		if !in[st.ID] {
			out = append(out, st)
		}
	}
	return out
}

// changedItems lists the questions whose points differ between the two
// results, in A's order.
func (s *site) changedItems(pa, pb *assessment.Profile, ra, rb scoring.Result) []itemChange {
	bItems := map[string]scoring.Item{}
	for _, d := range rb.Dimensions {
		for _, it := range d.Items {
			bItems[it.Question] = it
		}
	}
	var out []itemChange
	for _, d := range ra.Dimensions {
		for _, ia := range d.Items {
			ib, ok := bItems[ia.Question]
			if !ok || ia.Points == ib.Points {
				continue
			}
			ic := itemChange{
				Prompt: ia.Question, Dimension: d.Name,
				AnswerA: answerText(pa, ia.Question, ia.Answer), AnswerB: answerText(pb, ib.Question, ib.Answer),
				PointsA: ia.Points, PointsB: ib.Points, Target: ib.Target,
				Change: pointsChange(ib.Points - ia.Points),
			}
			if q, ok := pb.Question(ia.Question); ok {
				ic.Prompt = q.Prompt
			}
			out = append(out, ic)
		}
	}
	return out
}

// pointsChange is a change in an item's points (never zero here).
func pointsChange(d int) changeView {
	unit := "points"
	if d == 1 || d == -1 {
		unit = "point"
	}
	if d > 0 {
		return changeView{Class: "up", Text: "+" + strconv.Itoa(d), Words: fmt.Sprintf("up %d %s", d, unit)}
	}
	return changeView{Class: "down", Text: "−" + strconv.Itoa(-d), Words: fmt.Sprintf("down %d %s", -d, unit)}
}
