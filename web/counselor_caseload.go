package web

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
)

// caseloadStore is what a counselor's caseload, its CSV and the cohort
// summary read. Every method takes the counselor's id and sees only
// learners who share with them.
type caseloadStore interface {
	Caseload(ctx context.Context, counselorID int64, q db.CaseloadQuery) ([]db.CaseloadEntry, error)
	CountCaseload(ctx context.Context, counselorID int64, q db.CaseloadQuery) (int, error)
	CaseloadGroups(ctx context.Context, counselorID int64) ([]db.Group, error)
	ExportCaseload(ctx context.Context, counselorID int64, q db.CaseloadQuery, what string, fn func(db.CaseloadEntry) error) error
	Cohort(ctx context.Context, counselorID int64, q db.CohortQuery) (db.Cohort, error)
}

// caseloadHandlers serve the counselor's caseload (/counselor and
// /api/v1/learners), its CSV export and the cohort summary.
type caseloadHandlers struct {
	*site
	store caseloadStore
}

// attentionReasons are the needs-attention reasons; each is in words in
// the catalog as "attention.<reason>" (short, for the caseload table: the
// page explains them above it) and "attention.<reason>_long" (for the
// learner page).
var attentionReasons = []string{db.AttentionScoreDropped, db.AttentionInactive, db.AttentionBachelorUnmet}

// bandLabel is a band's name in the current profile and the request's
// language, or its id.
func (s *site) bandLabel(c *gin.Context, id string) string {
	if b, ok := s.profileIn(c, s.profile).Band(id); ok {
		return b.Name
	}
	return id
}

// caseloadRowView is one learner on the caseload page.
type caseloadRowView struct {
	ID           int64
	Name, Email  string
	Group        string
	Attempts     int
	HasLatest    bool
	Overall      float64
	BandID, Band string
	Change       *changeView
	LastActivity *time.Time
	Flagged      bool
	// The latest result's verified overall and band, beside (never in) the
	// self score above.
	HasVerified    bool
	Verified       float64
	VerifiedBandID string
	VerifiedBand   string
	Attention      []string // in short words
	Reasons        []string // the same, in full
}

func (s *site) caseloadRow(c *gin.Context, e db.CaseloadEntry) caseloadRowView {
	r := caseloadRowView{ID: e.LearnerID, Name: e.Name, Email: e.Email, Group: e.Group, Attempts: e.Attempts,
		LastActivity: e.LastActivityAt, Flagged: e.Flagged}
	if e.LatestOverall != nil && e.LatestBand != nil {
		r.HasLatest, r.Overall, r.BandID = true, *e.LatestOverall, *e.LatestBand
		r.Band = s.bandLabel(c, r.BandID)
	}
	if e.PreviousOverall != nil && e.LatestOverall != nil {
		d := newChange(s.printer(c), *e.PreviousOverall, *e.LatestOverall)
		r.Change = &d
	}
	if e.VerifiedOverall != nil && e.VerifiedBand != nil {
		r.HasVerified, r.Verified, r.VerifiedBandID = true, *e.VerifiedOverall, *e.VerifiedBand
		r.VerifiedBand = s.bandLabel(c, r.VerifiedBandID)
	}
	for _, a := range e.NeedsAttention {
		r.Attention = append(r.Attention, s.T(c, "attention."+a))
		r.Reasons = append(r.Reasons, s.T(c, "attention."+a+"_long"))
	}
	return r
}

// caseloadView is the /counselor page.
type caseloadView struct {
	ShareCode        string
	P                caseloadParams
	Rows             []caseloadRowView
	Total            int
	Page, Pages      int
	PrevURL, NextURL string
	CSVURL           string
	ClearURL         string
	Headers          []sortHeader
	Bands            []bandOption
	Groups           []groupOption
	Problems         []problem
}

// groupOption is one group in a filter's list.
type groupOption struct {
	Name     string
	Members  int
	Selected bool
}

// groupOptions lists the groups, marking the selected one (compared as the
// store compares groups); a selected group with no one in it is listed
// too, so the filter shows what was asked for.
func groupOptions(gs []db.Group, selected string) []groupOption {
	out := make([]groupOption, 0, len(gs)+1)
	found := selected == ""
	for _, g := range gs {
		sel := selected != "" && account.GroupKey(g.Name) == account.GroupKey(selected)
		found = found || sel
		out = append(out, groupOption{g.Name, g.Members, sel})
	}
	if !found {
		out = append(out, groupOption{selected, 0, true})
	}
	return out
}

func (h *caseloadHandlers) caseloadPage(c *gin.Context) {
	u := currentUser(c)
	p, problems := h.parseCaseloadParams(c)
	ctx := c.Request.Context()
	q := h.caseloadQuery(p)
	entries, err := h.store.Caseload(ctx, u.ID, q)
	var (
		total  int
		groups []db.Group
	)
	if err == nil {
		total, err = h.store.CountCaseload(ctx, u.ID, q)
	}
	if err == nil {
		groups, err = h.store.CaseloadGroups(ctx, u.ID)
	}
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	v := caseloadView{ShareCode: u.ShareCode, P: p, Total: total, Page: p.Page,
		Bands: h.bandOptions(c, p.Band), Groups: groupOptions(groups, p.Group), Problems: problems, ClearURL: "/counselor",
		Headers: p.headers(h.printer(c))}
	v.Pages = max(1, (total+caseloadPageSize-1)/caseloadPageSize)
	for _, e := range entries {
		v.Rows = append(v.Rows, h.caseloadRow(c, e))
	}
	if p.Page > 1 {
		prev := p
		prev.Page = min(p.Page-1, v.Pages)
		v.PrevURL = prev.url("/counselor")
	}
	if p.Page < v.Pages {
		next := p
		next.Page++
		v.NextURL = next.url("/counselor")
	}
	all := p
	all.Page = 1
	v.CSVURL = all.url("/counselor/caseload.csv")
	h.render(c, http.StatusOK, "counselor", h.T(c, "counselor.title"), v)
}

// caseloadJSON is one learner as GET /api/v1/learners shows them.
type caseloadJSON struct {
	ID             int64       `json:"id"`
	Name           string      `json:"name"`
	Email          string      `json:"email"`
	Group          string      `json:"group"`
	Attempts       int         `json:"attempts"`
	Latest         *latestJSON `json:"latest"`
	Delta          *float64    `json:"delta"`
	Flagged        bool        `json:"flagged"`
	NeedsAttention []string    `json:"needs_attention"`
	LastActivityAt *string     `json:"last_activity_at"`
}

type latestJSON struct {
	ID        int64   `json:"id"`
	Overall   float64 `json:"overall"`
	Band      string  `json:"band"`
	CreatedAt string  `json:"created_at"`
	// Verified is that result's verified score, beside the self score;
	// null when no counselor recorded verified levels for it.
	Verified *verifiedScoreJSON `json:"verified"`
}

type verifiedScoreJSON struct {
	Overall float64 `json:"overall"`
	Band    string  `json:"band"`
}

func toCaseloadJSON(e db.CaseloadEntry) caseloadJSON {
	j := caseloadJSON{ID: e.LearnerID, Name: e.Name, Email: e.Email, Group: e.Group, Attempts: e.Attempts,
		Delta: e.Delta, Flagged: e.Flagged, NeedsAttention: e.NeedsAttention}
	if j.NeedsAttention == nil {
		j.NeedsAttention = []string{}
	}
	if e.LatestID != nil && e.LatestOverall != nil && e.LatestBand != nil && e.LastActivityAt != nil {
		at := e.LastActivityAt.UTC().Format(time.RFC3339)
		j.Latest = &latestJSON{ID: *e.LatestID, Overall: *e.LatestOverall, Band: *e.LatestBand, CreatedAt: at}
		if e.VerifiedOverall != nil && e.VerifiedBand != nil {
			j.Latest.Verified = &verifiedScoreJSON{*e.VerifiedOverall, *e.VerifiedBand}
		}
		j.LastActivityAt = &at
	}
	return j
}

func (h *caseloadHandlers) apiCaseload(c *gin.Context) {
	p, problems := h.parseCaseloadParams(c)
	if len(problems) > 0 {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "counselor.invalid_query"), problems...)
		return
	}
	ctx := c.Request.Context()
	u := currentUser(c)
	q := h.caseloadQuery(p)
	entries, err := h.store.Caseload(ctx, u.ID, q)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	total, err := h.store.CountCaseload(ctx, u.ID, q)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	out := make([]caseloadJSON, len(entries))
	for i, e := range entries {
		out[i] = toCaseloadJSON(e)
	}
	c.JSON(http.StatusOK, gin.H{"total": total, "page": p.Page, "per_page": caseloadPageSize, "learners": out})
}
