package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/scoring"
	"github.com/readiness/readiness/web/i18n"
)

// cohortView is the cohort summary, for the page and (as JSON) the API.
type cohortView struct {
	Learners int              `json:"learners"`
	Assessed int              `json:"assessed"` // with at least one attempt
	Bands    []cohortBand     `json:"bands"`    // profile order, then "none"
	Dims     []cohortDim      `json:"dimensions"`
	TopSteps []cohortStep     `json:"top_steps"`
	Change   cohortChangeJSON `json:"change"`
}

type cohortBand struct {
	ID      string  `json:"band"`
	Name    string  `json:"name"`
	Count   int     `json:"count"`
	Percent float64 `json:"percent"` // of all learners on the caseload
}

type cohortDim struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Weight   int     `json:"weight"`
	Mean     float64 `json:"mean"`
	Learners int     `json:"learners"`
}

type cohortStep struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Learners int    `json:"learners"`
}

type cohortChangeJSON struct {
	Improved     int `json:"improved"`
	Declined     int `json:"declined"`
	Same         int `json:"same"`
	FirstAttempt int `json:"first_attempt"`
}

// cohortOf is a cohort summary with its names in the request's language.
func (s *site) cohortOf(gc *gin.Context, c db.Cohort) cohortView {
	p := s.profileIn(gc, s.profile)
	v := cohortView{Learners: c.Learners, Bands: []cohortBand{}, Dims: []cohortDim{}, TopSteps: []cohortStep{},
		Change: cohortChangeJSON{c.Improved, c.Declined, c.Same, c.FirstAttempt}}
	pct := func(n int) float64 {
		if c.Learners == 0 {
			return 0
		}
		return i18n.Round(100*float64(n)/float64(c.Learners), 1)
	}
	seen := map[string]bool{}
	for _, b := range p.Bands {
		n := c.Bands[b.ID]
		v.Bands = append(v.Bands, cohortBand{b.ID, b.Name, n, pct(n)})
		seen[b.ID] = true
	}
	for id, n := range c.Bands { // bands of an older profile, if any
		if !seen[id] && id != db.BandNone {
			v.Bands = append(v.Bands, cohortBand{id, id, n, pct(n)})
		}
	}
	none := c.Bands[db.BandNone]
	v.Bands = append(v.Bands, cohortBand{db.BandNone, s.T(gc, "counselor.no_attempt"), none, pct(none)})
	v.Assessed = c.Learners - none

	means := map[string]db.DimensionMean{}
	for _, d := range c.Dimensions {
		means[d.ID] = d
	}
	for _, d := range p.Dimensions {
		m := means[d.ID]
		v.Dims = append(v.Dims, cohortDim{d.ID, d.Name, d.Weight, i18n.Round(m.Mean, 1), m.Learners})
	}
	for _, st := range c.TopSteps {
		title := st.StepID
		for _, ps := range p.Steps {
			if ps.ID == st.StepID {
				title = ps.Title
			}
		}
		v.TopSteps = append(v.TopSteps, cohortStep{st.StepID, title, st.Learners})
	}
	return v
}

// cohortPageView adds what only the page needs: the dimension bars as the
// shared "dimension-bars" partial takes them.
type cohortPageView struct {
	cohortView
	DimBars []scoring.DimensionResult
	MaxBand int
	Group   string // the group shown, "" for the whole caseload
	Groups  []groupOption
}

// cohortGroup reads ?group=, answering 422 (a page, or the API's problem)
// for a name the group rules refuse.
func (h *caseloadHandlers) cohortGroup(c *gin.Context) (string, bool) {
	g, err := account.CheckGroup(c.Query("group"))
	if err == nil {
		return g, true
	}
	if isAPI(c) {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "api.invalid_cohort_query"), h.accountProblem(c, err))
	} else {
		h.renderError(c, http.StatusUnprocessableEntity, h.T(c, "cohort.bad_group", "Problem", h.accountProblem(c, err).Problem))
	}
	return "", false
}

func (h *caseloadHandlers) cohortPage(c *gin.Context) {
	group, ok := h.cohortGroup(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	u := currentUser(c)
	co, err := h.store.Cohort(ctx, u.ID, db.CohortQuery{Group: group})
	var groups []db.Group
	if err == nil {
		groups, err = h.store.CaseloadGroups(ctx, u.ID)
	}
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	v := cohortPageView{cohortView: h.cohortOf(c, co), Group: group, Groups: groupOptions(groups, group)}
	for _, d := range v.Dims {
		if d.Learners > 0 {
			v.DimBars = append(v.DimBars, scoring.DimensionResult{ID: d.ID, Name: d.Name, Weight: d.Weight, Score: d.Mean})
		}
	}
	h.render(c, http.StatusOK, "counselor_cohort", h.T(c, "cohort.title"), v)
}

func (h *caseloadHandlers) apiCohort(c *gin.Context) {
	group, ok := h.cohortGroup(c)
	if !ok {
		return
	}
	co, err := h.store.Cohort(c.Request.Context(), currentUser(c).ID, db.CohortQuery{Group: group})
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, h.cohortOf(c, co))
}
