package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
)

// counselorRoutes registers the counselor workspace: pages under /counselor
// and the caseload API. Both are for counselor accounts only; a learner who
// does not share with the counselor is a 404 everywhere, so the counselor
// cannot tell them apart from an id that does not exist.
func (s *server) counselorRoutes(r *gin.Engine, apiUser *gin.RouterGroup) {
	pages := r.Group("/counselor", s.requireUser, s.requireRole(db.RoleCounselor))
	pages.GET("", s.caseloadPage)
	pages.GET("/caseload.csv", s.caseloadCSV)
	pages.GET("/cohort", s.cohortPage)
	pages.GET("/learners/:id", s.learnerPage)
	pages.POST("/learners/:id/notes", s.noteSubmit)
	pages.POST("/learners/:id/flag", s.flagSubmit)

	api := apiUser.Group("", s.requireRole(db.RoleCounselor))
	api.GET("/learners", s.apiCaseload)
	api.GET("/learners.csv", s.caseloadCSV)
	api.GET("/learners/:id/assessments", s.apiLearnerAssessments)
	api.GET("/learners/:id/notes", s.apiNotes)
	api.POST("/learners/:id/notes", s.apiAddNote)
	api.PUT("/learners/:id/flag", s.apiSetFlag)
	api.GET("/cohort", s.apiCohort)
}

// caseloadPageSize is the caseload page length, on the page and in the API.
const caseloadPageSize = 50

// maxSearchChars bounds the caseload and users search boxes.
const maxSearchChars = 100

// caseloadParams are the caseload's filters, sort and page, as the page's
// GET form, the API and the CSV link all spell them.
type caseloadParams struct {
	Q         string
	Band      string
	Flagged   bool
	Attention bool
	Sort      string // a db.SortBy* column; "" is name
	Desc      bool
	Page      int
}

// attentionWords are the needs-attention reasons in words: short for the
// caseload table (the page explains them above it), long for the learner page.
var attentionWords = map[string][2]string{
	db.AttentionScoreDropped:  {"Score dropped", "their score dropped since the previous attempt"},
	db.AttentionInactive:      {"Inactive 90+ days", "no attempt in the last 90 days"},
	db.AttentionBachelorUnmet: {"Bachelor's unmet", "their latest result does not meet the bachelor's degree requirement"},
}

// parseCaseloadParams reads the query string; every problem names its field.
func (s *server) parseCaseloadParams(c *gin.Context) (caseloadParams, []fieldProblem) {
	p := caseloadParams{Page: 1}
	var problems []fieldProblem
	p.Q = strings.TrimSpace(c.Query("q"))
	if utf8.RuneCountInString(p.Q) > maxSearchChars || !utf8.ValidString(p.Q) {
		problems = append(problems, fieldProblem{"q", fmt.Sprintf("must be text of at most %d characters", maxSearchChars)})
		p.Q = ""
	}
	if b := c.Query("band"); b != "" {
		if _, ok := s.profile.Band(b); ok || b == db.BandNone {
			p.Band = b
		} else {
			problems = append(problems, fieldProblem{"band", "must be one of " + s.bandList()})
		}
	}
	var ok bool
	if p.Flagged, ok = parseBoolParam(c.Query("flagged")); !ok {
		problems = append(problems, fieldProblem{"flagged", "must be true or false"})
	}
	if p.Attention, ok = parseBoolParam(c.Query("needs_attention")); !ok {
		problems = append(problems, fieldProblem{"needs_attention", "must be true or false"})
	}
	if v := c.Query("sort"); v != "" {
		col, desc := strings.CutPrefix(v, "-")
		if col == "" || !db.ValidCaseloadSort(col) {
			problems = append(problems, fieldProblem{"sort", "must be name, email, attempts, overall, delta, activity, flagged or linked, with a leading - for descending"})
		} else {
			p.Sort, p.Desc = col, desc
		}
	}
	if v := c.Query("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			problems = append(problems, fieldProblem{"page", "must be a whole number from 1"})
		} else {
			p.Page = n
		}
	}
	return p, problems
}

func parseBoolParam(v string) (value, ok bool) {
	switch strings.ToLower(v) {
	case "", "false", "0", "off", "no":
		return false, true
	case "true", "1", "on", "yes":
		return true, true
	}
	return false, false
}

// bandLabel is a band's name in the current profile, or its id.
func (s *server) bandLabel(id string) string {
	if b, ok := s.profile.Band(id); ok {
		return b.Name
	}
	return id
}

func (s *server) bandList() string {
	var ids []string
	for _, b := range s.profile.Bands {
		ids = append(ids, b.ID)
	}
	return strings.Join(append(ids, db.BandNone), ", ")
}

// query is the store query for one page of these params.
func (s *server) caseloadQuery(p caseloadParams) db.CaseloadQuery {
	return db.CaseloadQuery{
		Q: p.Q, Band: p.Band, FlaggedOnly: p.Flagged, NeedsAttention: p.Attention,
		Sort: p.Sort, Desc: p.Desc, Now: s.now(),
		Limit: caseloadPageSize, Offset: (p.Page - 1) * caseloadPageSize,
	}
}

// values spells the params as a query string; page 1 and defaults are left out.
func (p caseloadParams) values() url.Values {
	v := url.Values{}
	if p.Q != "" {
		v.Set("q", p.Q)
	}
	if p.Band != "" {
		v.Set("band", p.Band)
	}
	if p.Flagged {
		v.Set("flagged", "true")
	}
	if p.Attention {
		v.Set("needs_attention", "true")
	}
	if p.Sort != "" {
		if p.Desc {
			v.Set("sort", "-"+p.Sort)
		} else {
			v.Set("sort", p.Sort)
		}
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	return v
}

func (p caseloadParams) url(path string) string {
	if q := p.values().Encode(); q != "" {
		return path + "?" + q
	}
	return path
}

func (p caseloadParams) Filtered() bool { return p.Q != "" || p.Band != "" || p.Flagged || p.Attention }

// deltaView is a change in overall score: a class for colour, signed text
// and words for screen readers, so colour never carries it alone.
type deltaView struct {
	Class string // "up", "down" or "same"
	Text  string
	Words string
}

// deltaOf shows a change to one decimal, as the scores beside it are shown.
func deltaOf(d float64) deltaView {
	r := math.Round(d*10) / 10
	switch {
	case r > 0:
		return deltaView{"up", signed1(r), fmt.Sprintf("up %.1f points", r)}
	case r < 0:
		return deltaView{"down", signed1(r), fmt.Sprintf("down %.1f points", -r)}
	}
	return deltaView{"same", signed1(0), "no change"}
}

// caseloadRowView is one learner on the caseload page.
type caseloadRowView struct {
	ID           int64
	Name, Email  string
	Attempts     int
	HasLatest    bool
	Overall      float64
	BandID, Band string
	Change       *deltaView
	LastActivity *time.Time
	Flagged      bool
	Attention    []string // in short words
	Reasons      []string // the same, in full
}

func (s *server) caseloadRow(e db.CaseloadEntry) caseloadRowView {
	r := caseloadRowView{ID: e.LearnerID, Name: e.Name, Email: e.Email, Attempts: e.Attempts,
		LastActivity: e.LastActivityAt, Flagged: e.Flagged}
	if e.LatestOverall != nil && e.LatestBand != nil {
		r.HasLatest, r.Overall, r.BandID = true, *e.LatestOverall, *e.LatestBand
		r.Band = s.bandLabel(r.BandID)
	}
	if e.Delta != nil {
		d := deltaOf(*e.Delta)
		r.Change = &d
	}
	for _, a := range e.NeedsAttention {
		r.Attention = append(r.Attention, attentionWords[a][0])
		r.Reasons = append(r.Reasons, attentionWords[a][1])
	}
	return r
}

// sortHeader is one column heading: links that sort by it, and aria-sort
// on the column the table is sorted by. The first column holds the name and
// the email, so its heading has a link for each.
type sortHeader struct {
	Links    []sortLink
	AriaSort string // "ascending", "descending" or "" when not sorted by it
	Num      bool
}

// sortLink sorts by one key; Arrow marks the key the table is sorted by.
type sortLink struct {
	Label, URL, Arrow string
}

// caseloadColumns are the sortable columns in table order, each with its
// keys. Numbers and dates sort high-to-low on the first click, text A–Z.
var caseloadColumns = []struct {
	keys   []string
	labels []string
	num    bool
}{
	{[]string{db.SortByName, db.SortByEmail}, []string{"Name", "email"}, false},
	{[]string{db.SortByAttempts}, []string{"Attempts"}, true},
	{[]string{db.SortByOverall}, []string{"Latest score"}, true},
	{[]string{db.SortByDelta}, []string{"Change"}, true},
	{[]string{db.SortByActivity}, []string{"Last activity"}, false},
	{[]string{db.SortByFlagged}, []string{"Flag"}, false},
}

func (p caseloadParams) headers() []sortHeader {
	current := p.Sort
	if current == "" {
		current = db.SortByName
	}
	var out []sortHeader
	for _, col := range caseloadColumns {
		h := sortHeader{Num: col.num}
		for i, key := range col.keys {
			l := sortLink{Label: col.labels[i]}
			next := p
			next.Page, next.Sort = 1, key
			if key == current {
				h.AriaSort, l.Arrow = "ascending", "▲"
				if p.Desc {
					h.AriaSort, l.Arrow = "descending", "▼"
				}
				next.Desc = !p.Desc
			} else {
				next.Desc = key != db.SortByName && key != db.SortByEmail
			}
			if next.Sort == db.SortByName && !next.Desc {
				next.Sort = ""
			}
			l.URL = next.url("/counselor")
			h.Links = append(h.Links, l)
		}
		out = append(out, h)
	}
	return out
}

type bandOption struct {
	ID, Name string
	Selected bool
}

func (s *server) bandOptions(selected string) []bandOption {
	var out []bandOption
	for _, b := range s.profile.Bands {
		out = append(out, bandOption{b.ID, b.Name, b.ID == selected})
	}
	return append(out, bandOption{db.BandNone, "No attempt yet", selected == db.BandNone})
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
	Problems         []fieldProblem
}

func (s *server) caseloadPage(c *gin.Context) {
	u := currentUser(c)
	p, problems := s.parseCaseloadParams(c)
	ctx := c.Request.Context()
	q := s.caseloadQuery(p)
	entries, err := s.store.Caseload(ctx, u.ID, q)
	var total int
	if err == nil {
		total, err = s.store.CountCaseload(ctx, u.ID, q)
	}
	if err != nil {
		s.log.Error("caseload", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not load your caseload. Please try again.")
		return
	}
	v := caseloadView{ShareCode: u.ShareCode, P: p, Total: total, Page: p.Page, Headers: p.headers(),
		Bands: s.bandOptions(p.Band), Problems: problems, ClearURL: "/counselor"}
	v.Pages = max(1, (total+caseloadPageSize-1)/caseloadPageSize)
	for _, e := range entries {
		v.Rows = append(v.Rows, s.caseloadRow(e))
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
	s.render(c, http.StatusOK, "counselor", "Caseload", v)
}

// caseloadJSON is one learner as GET /api/v1/learners shows them.
type caseloadJSON struct {
	ID             int64       `json:"id"`
	Name           string      `json:"name"`
	Email          string      `json:"email"`
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
}

func toCaseloadJSON(e db.CaseloadEntry) caseloadJSON {
	j := caseloadJSON{ID: e.LearnerID, Name: e.Name, Email: e.Email, Attempts: e.Attempts,
		Delta: e.Delta, Flagged: e.Flagged, NeedsAttention: e.NeedsAttention}
	if j.NeedsAttention == nil {
		j.NeedsAttention = []string{}
	}
	if e.LatestID != nil && e.LatestOverall != nil && e.LatestBand != nil && e.LastActivityAt != nil {
		at := e.LastActivityAt.UTC().Format(time.RFC3339)
		j.Latest = &latestJSON{ID: *e.LatestID, Overall: *e.LatestOverall, Band: *e.LatestBand, CreatedAt: at}
		j.LastActivityAt = &at
	}
	return j
}

func (s *server) apiCaseload(c *gin.Context) {
	p, problems := s.parseCaseloadParams(c)
	if len(problems) > 0 {
		abortFields(c, http.StatusUnprocessableEntity, "invalid caseload query", problems...)
		return
	}
	ctx := c.Request.Context()
	u := currentUser(c)
	q := s.caseloadQuery(p)
	entries, err := s.store.Caseload(ctx, u.ID, q)
	if err != nil {
		s.abortStoreError(c, err)
		return
	}
	total, err := s.store.CountCaseload(ctx, u.ID, q)
	if err != nil {
		s.abortStoreError(c, err)
		return
	}
	out := make([]caseloadJSON, len(entries))
	for i, e := range entries {
		out[i] = toCaseloadJSON(e)
	}
	c.JSON(http.StatusOK, gin.H{"total": total, "page": p.Page, "per_page": caseloadPageSize, "learners": out})
}
