package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
)

// auditStore is what the audit log's readers use: the log, filtered and
// paged. Nothing here writes to it.
type auditStore interface {
	AuditLog(ctx context.Context, q db.AuditQuery) ([]db.AuditEntry, error)
	CountAudit(ctx context.Context, q db.AuditQuery) (int, error)
}

// auditHandlers serve the audit log to admins: /admin/audit and
// GET /api/v1/admin/audit.
type auditHandlers struct {
	*site
	store auditStore
}

// auditPageSize is the log's page length, on the page and in the API.
const auditPageSize = 50

// auditWords say what each action did, in the log's "who did what" order.
var auditWords = map[string]string{
	db.ActionUserCreate:  "created the account",
	db.ActionUserRole:    "changed the role",
	db.ActionUserDisable: "disabled the account",
	db.ActionUserEnable:  "enabled the account",
	db.ActionUserGroup:   "changed the group",
	db.ActionUserName:    "changed the name",
	db.ActionResetLink:   "made a password link",
	db.ActionImport:      "imported a roster",
	db.ActionLinkCreate:  "linked the learner",
	db.ActionLinkRemove:  "unlinked the learner",
	db.ActionResultsPage: "opened the results page",
	db.ActionResultsAPI:  "read the results through the API",
	db.ActionResultsCSV:  "exported the latest result in a caseload CSV",
	db.ActionPlanAPI:     "read the plan through the API",
}

// accessWords say how someone opened a learner's results, to the learner.
var accessWords = map[string]string{
	db.ActionResultsPage: "opened your results",
	db.ActionResultsAPI:  "read your results through the API",
	db.ActionResultsCSV:  "exported your latest result in a caseload spreadsheet (CSV)",
	db.ActionPlanAPI:     "read your plan through the API",
}

func wordsFor(words map[string]string, action string) string {
	if w, ok := words[action]; ok {
		return w
	}
	return action // an action added later reads as its name until it has words
}

// auditParams are the log's filters and page, as the page's form and the
// API spell them.
type auditParams struct {
	UserID int64
	Email  string
	Kind   string
	Page   int
}

func (s *site) parseAuditParams(c *gin.Context) (auditParams, []problem) {
	p := auditParams{Page: 1}
	var problems []problem
	if v := c.Query("user_id"); v != "" {
		id, ok := parseID(v)
		if !ok {
			problems = append(problems, fieldProblem("user_id", "must be an account id, a whole number from 1"))
		}
		p.UserID = id
	}
	if v := strings.TrimSpace(c.Query("email")); v != "" {
		e, err := account.NormalizeEmail(v)
		if err != nil {
			problems = append(problems, accountProblem(err))
		}
		p.Email = e
	}
	switch k := c.Query("kind"); k {
	case "", db.KindAdmin, db.KindAccess:
		p.Kind = k
	default:
		problems = append(problems, fieldProblem("kind", "must be admin or access"))
	}
	if v := c.Query("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			problems = append(problems, fieldProblem("page", "must be a whole number from 1"))
		} else {
			p.Page = n
		}
	}
	return p, problems
}

func (p auditParams) query() db.AuditQuery {
	return db.AuditQuery{PersonID: p.UserID, PersonEmail: p.Email, Kind: p.Kind,
		Limit: auditPageSize, Offset: (p.Page - 1) * auditPageSize}
}

func (p auditParams) url() string {
	v := url.Values{}
	if p.UserID != 0 {
		v.Set("user_id", strconv.FormatInt(p.UserID, 10))
	}
	if p.Email != "" {
		v.Set("email", p.Email)
	}
	if p.Kind != "" {
		v.Set("kind", p.Kind)
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	if len(v) == 0 {
		return "/admin/audit"
	}
	return "/admin/audit?" + v.Encode()
}

func (p auditParams) Filtered() bool { return p.UserID != 0 || p.Email != "" || p.Kind != "" }

// auditPartyJSON is the actor or subject of a row. ID is null for the
// command line and for an account since deleted.
type auditPartyJSON struct {
	ID    *int64 `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type auditEntryJSON struct {
	ID      int64           `json:"id"`
	At      string          `json:"at"`
	Kind    string          `json:"kind"`
	Action  string          `json:"action"`
	Detail  string          `json:"detail"`
	Actor   auditPartyJSON  `json:"actor"`
	Subject *auditPartyJSON `json:"subject"` // null when the action had no one as its subject (an import)
}

func partyJSON(id int64, name, email string) auditPartyJSON {
	p := auditPartyJSON{Name: name, Email: email}
	if id != 0 {
		p.ID = &id
	}
	return p
}

func toAuditJSON(e db.AuditEntry) auditEntryJSON {
	j := auditEntryJSON{ID: e.ID, At: e.At.UTC().Format(time.RFC3339), Kind: e.Kind, Action: e.Action, Detail: e.Detail,
		Actor: partyJSON(e.ActorID, e.ActorName, e.ActorEmail)}
	if e.SubjectID != 0 || e.SubjectEmail != "" {
		s := partyJSON(e.SubjectID, e.SubjectName, e.SubjectEmail)
		j.Subject = &s
	}
	return j
}

func (h *auditHandlers) apiAudit(c *gin.Context) {
	p, problems := h.parseAuditParams(c)
	if len(problems) > 0 {
		apiFail(c, http.StatusUnprocessableEntity, "invalid audit query", problems...)
		return
	}
	ctx := c.Request.Context()
	q := p.query()
	entries, err := h.store.AuditLog(ctx, q)
	var total int
	if err == nil {
		total, err = h.store.CountAudit(ctx, q)
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	out := make([]auditEntryJSON, len(entries))
	for i, e := range entries {
		out[i] = toAuditJSON(e)
	}
	c.JSON(http.StatusOK, gin.H{"total": total, "page": p.Page, "per_page": auditPageSize, "entries": out})
}

// auditRowView is one row of the /admin/audit page.
type auditRowView struct {
	db.AuditEntry
	Words string
}

type auditView struct {
	P                auditParams
	EmailInput       string // as typed, shown back when refused
	Rows             []auditRowView
	Total            int
	Page, Pages      int
	PrevURL, NextURL string
	Problems         []problem
}

func (h *auditHandlers) auditPage(c *gin.Context) {
	p, problems := h.parseAuditParams(c)
	v := auditView{P: p, EmailInput: c.Query("email"), Problems: problems}
	status := http.StatusOK
	if len(problems) > 0 {
		// Show the form with what is wrong, and no rows it did not ask for.
		h.render(c, http.StatusUnprocessableEntity, "admin_audit", "Audit log", v)
		return
	}
	ctx := c.Request.Context()
	q := p.query()
	entries, err := h.store.AuditLog(ctx, q)
	if err == nil {
		v.Total, err = h.store.CountAudit(ctx, q)
	}
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	for _, e := range entries {
		v.Rows = append(v.Rows, auditRowView{e, wordsFor(auditWords, e.Action)})
	}
	v.Page, v.Pages = p.Page, max(1, (v.Total+auditPageSize-1)/auditPageSize)
	if p.Page > 1 {
		prev := p
		prev.Page = min(p.Page-1, v.Pages)
		v.PrevURL = prev.url()
	}
	if p.Page < v.Pages {
		next := p
		next.Page++
		v.NextURL = next.url()
	}
	h.render(c, status, "admin_audit", "Audit log", v)
}
