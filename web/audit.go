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
	"github.com/readiness/readiness/web/i18n"
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

// auditActions are the actions of the log; each is in words in the
// catalog as "audit_action.<action>" (what the actor did, for the admin's
// log) and, for the actions that open a learner's results,
// "access_action.<action>" (said to the learner).
var auditActions = []string{
	db.ActionUserCreate, db.ActionUserRole, db.ActionUserDisable, db.ActionUserEnable, db.ActionUserGroup,
	db.ActionUserName, db.ActionResetLink, db.ActionImport, db.ActionLinkCreate, db.ActionLinkRemove,
	db.ActionResultsPage, db.ActionResultsAPI, db.ActionResultsCSV, db.ActionPlanAPI,
	db.ActionReviewPage, db.ActionComparePage, db.ActionVerifiedAPI,
}

// accessActions are the actions a learner's record of access shows.
var accessActions = []string{db.ActionResultsPage, db.ActionResultsAPI, db.ActionResultsCSV, db.ActionPlanAPI,
	db.ActionReviewPage, db.ActionComparePage, db.ActionVerifiedAPI}

// wordsFor is an action in words from the catalog (prefix + action); an
// action added later reads as its name until it has words.
func wordsFor(pr *i18n.Printer, prefix, action string) string {
	if pr.Has(prefix + action) {
		return pr.T(prefix + action)
	}
	return action
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
			problems = append(problems, fieldProblem("user_id", s.T(c, "problem.account_id")))
		}
		p.UserID = id
	}
	if v := strings.TrimSpace(c.Query("email")); v != "" {
		e, err := account.NormalizeEmail(v)
		if err != nil {
			problems = append(problems, s.accountProblem(c, err))
		}
		p.Email = e
	}
	switch k := c.Query("kind"); k {
	case "", db.KindAdmin, db.KindAccess:
		p.Kind = k
	default:
		problems = append(problems, fieldProblem("kind", s.T(c, "problem.audit_kind")))
	}
	if v := c.Query("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			problems = append(problems, fieldProblem("page", s.T(c, "problem.page")))
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
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "api.invalid_audit_query"), problems...)
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
		h.render(c, http.StatusUnprocessableEntity, "admin_audit", h.T(c, "admin_audit.title"), v)
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
	pr := h.printer(c)
	for _, e := range entries {
		v.Rows = append(v.Rows, auditRowView{e, wordsFor(pr, "audit_action.", e.Action)})
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
	h.render(c, status, "admin_audit", h.T(c, "admin_audit.title"), v)
}
