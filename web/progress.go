package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/plan"
	"github.com/readiness/readiness/web/i18n"
)

// progressLimit caps how many attempts the progress pages load.
const progressLimit = 200

// progressView is the /progress page.
type progressView struct {
	Chart       chartView
	HasChart    bool
	Attempts    []attemptRow // newest first
	Limited     bool         // there may be older attempts than those shown
	Form        compareForm
	Draft       *draftNote // an unfinished assessment, if any
	Plan        []planItemView
	Statuses    []statusOption
	LatestID    int64 // the latest result, where steps are added from; 0 if none
	MaxEvidence int
	Recs        []db.Recommendation
	RecItems    []recItem
	NewFeedback []db.FeedbackNotice // results with feedback not yet opened
}

// draftNote tells of an unfinished assessment: how far it got and where
// to go on.
type draftNote struct {
	Answered, Total, Section int
	UpdatedAt                time.Time
}

// draftNoteFor is the user's unfinished assessment, or nil.
func (h *resultPages) draftNoteFor(c *gin.Context, userID int64) (*draftNote, error) {
	d, err := h.store.Draft(c.Request.Context(), db.DraftOwner{UserID: userID})
	if errors.Is(err, db.ErrNotFound) || err == nil && d.ProfileID != h.profile.ID {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	raw := map[string]json.RawMessage{}
	if json.Unmarshal(d.Answers, &raw) != nil || len(raw) == 0 {
		return nil, nil
	}
	return &draftNote{Answered: answeredCount(h.profile, raw), Total: len(h.profile.Questions), Section: max(d.Section, 1), UpdatedAt: d.UpdatedAt}, nil
}

// attemptRow is one attempt in the history table.
type attemptRow struct {
	ID      int64
	At      time.Time
	Time    string // "14:05 UTC", telling apart attempts of one day
	Overall float64
	BandID  string
	Band    string
	Change  *changeView // nil for the first attempt shown
}

// changeView is a score change: a class for colour, signed text to see and
// words for screen readers, so colour never carries it alone.
type changeView struct {
	Class string // "up", "down" or "same"
	Text  string // "+3.2", "−1.0", "±0.0"
	Words string // "up 3.2 points"
}

// newChange compares scores as shown, to one decimal, so the change always
// matches the two numbers beside it. Every page and the CSV show a change
// this way, from the two stored overall scores, so a learner and their
// counselor always see the same figure.
func newChange(pr *i18n.Printer, from, to float64) changeView {
	return changeOf(pr, shownChange(from, to))
}

// shownChange is the change between two scores as they are shown: each
// rounded once to one decimal, then subtracted (and the float noise of the
// subtraction rounded away).
func shownChange(from, to float64) float64 { return round1(round1(to) - round1(from)) }

// changeOf shows a change in score to one decimal, as scores are shown, in
// pr's language.
func changeOf(pr *i18n.Printer, d float64) changeView {
	d = round1(d)
	switch {
	case d > 0:
		return changeView{Class: "up", Text: pr.Signed(d), Words: pr.T("change.up", "Points", pr.Num(d, 1))}
	case d < 0:
		return changeView{Class: "down", Text: pr.Signed(d), Words: pr.T("change.down", "Points", pr.Num(-d, 1))}
	}
	return changeView{Class: "same", Text: pr.Signed(0), Words: pr.T("change.none")}
}

func (h *resultPages) progressPage(c *gin.Context) {
	h.renderProgress(c, http.StatusOK, nil)
}

// renderProgress shows /progress; f is a plan form refused a moment ago,
// shown again beside its item, or nil.
func (h *resultPages) renderProgress(c *gin.Context, status int, f *planFormState) {
	u := currentUser(c)
	ctx := c.Request.Context()
	list, err := h.store.AttemptHistory(ctx, u.ID, progressLimit)
	var items []db.PlanItem
	if err == nil {
		items, err = h.store.PlanItems(ctx, u.ID)
	}
	var planViews []planItemView
	if err == nil {
		load := resultLoader(func(id int64) (db.Assessment, error) { return h.store.Assessment(ctx, u.ID, id) })
		planViews, err = h.planViews(c, items, takenOf(list), load)
	}
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	if f != nil && !hasItem(items, f.ID) {
		h.renderError(c, http.StatusNotFound, h.T(c, notFoundPlanItem))
		return
	}
	loc := h.zoneOf(c)
	pr := h.printer(c)
	v := progressView{Limited: len(list) == progressLimit, Form: h.newCompareForm(c, list, loc),
		Plan: withForm(pr, planViews, f), Statuses: planStatuses(pr), MaxEvidence: plan.MaxEvidence}
	if v.Draft, err = h.draftNoteFor(c, u.ID); err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	for i := range v.Plan {
		v.Plan[i].Own = true
	}
	if len(list) > 0 {
		v.LatestID = list[0].ID
	}
	if v.Recs, err = h.review.Recommendations(c.Request.Context(), u.ID); err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	v.RecItems = recItems(v.Recs, stepsOf(items), true, "/progress")
	if v.NewFeedback, err = h.review.NewFeedback(c.Request.Context(), u.ID); err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	if len(list) >= 2 {
		v.Form.A, v.Form.B = list[1].ID, list[0].ID
	}
	for i, a := range list {
		row := attemptRow{ID: a.ID, At: a.CreatedAt, Time: a.CreatedAt.In(loc).Format("15:04 ") + zoneAbbrev(a.CreatedAt.In(loc)), Overall: a.Overall, BandID: a.Band, Band: h.bandName(c, a.ProfileID, a.Band)}
		if i+1 < len(list) {
			ch := newChange(pr, list[i+1].Overall, a.Overall)
			row.Change = &ch
		}
		v.Attempts = append(v.Attempts, row)
	}
	v.Chart, v.HasChart = h.trendOf(c, list, loc)
	title := h.T(c, "progress.title")
	if f != nil {
		title = h.T(c, "progress.title_check", "Title", title)
	}
	h.render(c, status, "progress", title, v)
}

func hasItem(items []db.PlanItem, id int64) bool {
	for _, it := range items {
		if it.ID == id {
			return true
		}
	}
	return false
}

// trendOf charts attempts given newest first, as the store returns them,
// with dates (and times where two share a date) in loc, in the request's
// language.
func (s *site) trendOf(c *gin.Context, newestFirst []db.Attempt, loc *time.Location) (chartView, bool) {
	var dims []dimInfo
	seen := map[string]bool{}
	for _, d := range s.profileIn(c, s.profile).Dimensions {
		dims = append(dims, dimInfo{ID: d.ID, Name: d.Name})
		seen[d.ID] = true
	}
	points := make([]trendPoint, 0, len(newestFirst))
	for i := len(newestFirst) - 1; i >= 0; i-- {
		a := newestFirst[i]
		for id := range a.Dimensions {
			if !seen[id] {
				// A dimension an older profile had keeps its line.
				name := id
				if d, ok := s.profileIn(c, s.profileFor(a.ProfileID)).Dimension(id); ok {
					name = d.Name
				}
				dims = append(dims, dimInfo{ID: id, Name: name})
				seen[id] = true
			}
		}
		points = append(points, trendPoint{At: a.CreatedAt.In(loc), Overall: a.Overall, Dims: a.Dimensions})
	}
	return trendChart(points, dims, s.printer(c))
}

// attemptOf is a stored result as a chartable attempt, without its
// dimension scores: the caller adds them from the result it decodes anyway.
func attemptOf(a db.Assessment) db.Attempt {
	return db.Attempt{ID: a.ID, ProfileID: a.ProfileID, Overall: a.Overall, Band: a.Band, CreatedAt: a.CreatedAt, Dimensions: map[string]float64{}}
}

// bandName is a band's name in the request's language.
func (s *site) bandName(c *gin.Context, profileID, band string) string {
	if b, ok := s.profileIn(c, s.profileFor(profileID)).Band(band); ok {
		return b.Name
	}
	return band
}
