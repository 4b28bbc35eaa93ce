package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/web/i18n"
)

// adminAPIStore is what the admin API under /api/v1/admin/users uses.
// Every change names the admin who makes it, for the audit log.
type adminAPIStore interface {
	Users(ctx context.Context, q db.UserQuery) ([]db.User, error)
	CountUsers(ctx context.Context, q db.UserQuery) (int, error)
	UserByID(ctx context.Context, id int64) (db.User, error)
	CounselorsOf(ctx context.Context, learnerID int64) ([]db.Counselor, error)
	CreateInvited(ctx context.Context, actorID int64, nu db.NewUser, l db.NewResetLink) (db.User, db.ResetLink, error)
	UpdateUser(ctx context.Context, actorID, id int64, ch db.UserChange) (db.User, error)
	CreateResetLink(ctx context.Context, actorID, userID int64, l db.NewResetLink) (db.ResetLink, error)
}

// adminAPI serves the accounts API for admins: list, create (with an
// invitation link), read, change, and reset links.
type adminAPI struct {
	*site
	store adminAPIStore
}

// adminUserJSON is an account as admins see it: never the password hash,
// only whether a password is set.
type adminUserJSON struct {
	ID          int64           `json:"id"`
	Email       string          `json:"email"`
	Name        string          `json:"name"`
	Role        string          `json:"role"`
	Group       string          `json:"group"`
	Disabled    bool            `json:"disabled"`
	PasswordSet bool            `json:"password_set"`
	ShareCode   string          `json:"share_code,omitempty"`
	CreatedAt   string          `json:"created_at"`
	Counselors  []adminLinkJSON `json:"counselors,omitempty"` // a learner's, on GET /admin/users/{id}
}

type adminLinkJSON struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Since   string `json:"since"`
	ByAdmin bool   `json:"by_admin"`
}

func toAdminUserJSON(u db.User) adminUserJSON {
	j := adminUserJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Group: u.Group, Disabled: u.Disabled,
		PasswordSet: u.PasswordSet, CreatedAt: u.CreatedAt.UTC().Format(time.RFC3339)}
	if u.Role == account.RoleCounselor {
		j.ShareCode = u.ShareCode
	}
	return j
}

// resetLinkJSON is a new link as the API gives it: the path to hand out
// (prefix the site's address) and when it stops working.
type resetLinkJSON struct {
	ResetURL  string `json:"reset_url"`
	ExpiresAt string `json:"expires_at"`
}

func toResetLinkJSON(token string, l db.ResetLink) resetLinkJSON {
	return resetLinkJSON{ResetURL: account.ResetPath(token), ExpiresAt: l.ExpiresAt.UTC().Format(time.RFC3339)}
}

// parseAdminQuery reads the list's query string strictly: every problem
// names its parameter.
func (s *site) parseAdminQuery(c *gin.Context) (adminParams, []problem) {
	p := adminParams{Page: 1}
	var ps []problem
	p.Q = strings.TrimSpace(c.Query("q"))
	if utf8.RuneCountInString(p.Q) > maxSearchChars || !utf8.ValidString(p.Q) {
		ps = append(ps, fieldProblem("q", s.T(c, "problem.max_text", "Max", maxSearchChars)))
	}
	if r := c.Query("role"); r != "" {
		if !account.ValidRole(r) {
			ps = append(ps, fieldProblem("role", s.T(c, "problem.must_be", "What", roleWords(s.printer(c)))))
		}
		p.Role = r
	}
	g, err := account.CheckGroup(c.Query("group"))
	if err != nil {
		ps = append(ps, s.accountProblem(c, err))
	}
	p.Group = g
	if v := c.Query("sort"); v != "" {
		col, desc := strings.CutPrefix(v, "-")
		if col == "" || !db.ValidUserSort(col) {
			ps = append(ps, fieldProblem("sort", s.T(c, "problem.users_sort")))
		} else {
			p.Sort, p.Desc = col, desc
		}
	}
	if v := c.Query("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			ps = append(ps, fieldProblem("page", s.T(c, "problem.page")))
		}
		p.Page = n
	}
	return p, ps
}

// roleWords is "learner, counselor or admin": the ids, which the API
// takes, joined in pr's language.
func roleWords(pr *i18n.Printer) string {
	rs := account.Roles
	return strings.Join(rs[:len(rs)-1], ", ") + " " + pr.T("api.or") + " " + rs[len(rs)-1]
}

func (h *adminAPI) apiUsers(c *gin.Context) {
	p, ps := h.parseAdminQuery(c)
	if len(ps) > 0 {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "admin_api.invalid_query"), ps...)
		return
	}
	ctx := c.Request.Context()
	q := p.query(adminPageSize)
	users, err := h.store.Users(ctx, q)
	var total int
	if err == nil {
		total, err = h.store.CountUsers(ctx, q)
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	out := make([]adminUserJSON, len(users))
	for i, u := range users {
		out[i] = toAdminUserJSON(u)
	}
	c.JSON(http.StatusOK, gin.H{"total": total, "page": p.Page, "per_page": adminPageSize, "users": out})
}

// newPerson is an admin's new account, from the API or the form.
type newPerson struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	Group string `json:"group"`
}

// check normalises the new account and lists what the account rules refuse
// in it, in the form's order. An empty role is a learner.
func (p *newPerson) check(s *site, c *gin.Context) []problem {
	var ps []problem
	if e, err := account.NormalizeEmail(p.Email); err != nil {
		ps = append(ps, s.theirAccountProblem(c, err))
	} else {
		p.Email = e
	}
	if n, err := account.CheckName(p.Name); err != nil {
		ps = append(ps, s.theirAccountProblem(c, err))
	} else {
		p.Name = n
	}
	if p.Role == "" {
		p.Role = account.RoleLearner
	}
	if !account.ValidRole(p.Role) {
		ps = append(ps, fieldProblem("role", s.T(c, "admin_api.choose_role")))
	}
	g, err := account.CheckGroup(p.Group)
	switch {
	case err != nil:
		ps = append(ps, s.accountProblem(c, err))
	case g != "" && p.Role != account.RoleLearner && account.ValidRole(p.Role):
		ps = append(ps, fieldProblem("group", s.T(c, "admin_api.group_learners_only_for", "Role", s.T(c, "role_word."+p.Role))))
	default:
		p.Group = g
	}
	return ps
}

// createPerson creates the account with an invitation link, or says why
// not: problems for content the rules refuse, db.ErrConflict for an email
// already registered, or a store error.
func (s *site) createPerson(c *gin.Context, store interface {
	CreateInvited(ctx context.Context, actorID int64, nu db.NewUser, l db.NewResetLink) (db.User, db.ResetLink, error)
}, actorID int64, p *newPerson) (db.User, string, db.ResetLink, []problem, error) {
	ctx := c.Request.Context()
	if ps := p.check(s, c); len(ps) > 0 {
		return db.User{}, "", db.ResetLink{}, ps, nil
	}
	tok := account.NewResetToken()
	u, l, err := store.CreateInvited(ctx, actorID, db.NewUser{Email: p.Email, Name: p.Name, Role: p.Role, Group: p.Group}, db.ResetLinkOf(tok))
	return u, tok.Token, l, nil, err
}

func (h *adminAPI) apiCreateUser(c *gin.Context) {
	var p newPerson
	if !h.bindJSON(c, &p) {
		return
	}
	u, token, l, ps, err := h.createPerson(c, h.store, currentUser(c).ID, &p)
	switch {
	case len(ps) > 0:
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "admin_api.invalid_account"), ps...)
	case errors.Is(err, db.ErrConflict):
		apiFail(c, http.StatusConflict, h.T(c, "api.email_taken"), fieldProblem("email", h.T(c, "admin_api.email_exists")))
	case err != nil:
		h.apiStoreError(c, err)
	default:
		link := toResetLinkJSON(token, l)
		c.JSON(http.StatusCreated, gin.H{"user": toAdminUserJSON(u), "reset_url": link.ResetURL, "expires_at": link.ExpiresAt})
	}
}

// adminUserID reads :id, answering 404 for what cannot be an id.
func (s *site) adminUserID(c *gin.Context) (int64, bool) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		apiFail(c, http.StatusNotFound, s.T(c, "admin_api.no_account"))
	}
	return id, ok
}

func (h *adminAPI) apiUser(c *gin.Context) {
	id, ok := h.adminUserID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	u, err := h.store.UserByID(ctx, id)
	var cs []db.Counselor
	if err == nil && u.Role == account.RoleLearner {
		cs, err = h.store.CounselorsOf(ctx, id)
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	j := toAdminUserJSON(u)
	for _, co := range cs {
		j.Counselors = append(j.Counselors, adminLinkJSON{co.ID, co.Name, co.Email, co.Since.UTC().Format(time.RFC3339), co.ByAdmin})
	}
	c.JSON(http.StatusOK, j)
}

// userPatchFields are the fields PATCH accepts.
var userPatchFields = map[string]bool{"role": true, "disabled": true, "group": true, "name": true}

// decodeUserPatch reads a PATCH body into a change, naming each field that
// is unknown or has the wrong type; a field it does not know is refused
// rather than ignored, so a change the admin meant is never silently lost.
func decodeUserPatch(pr *i18n.Printer, body []byte) (db.UserChange, []problem, *bodyError) {
	var raw map[string]jsontext.Value
	if e := decodeJSON(body, &raw); e != nil {
		return db.UserChange{}, nil, e
	}
	if raw == nil {
		return db.UserChange{}, nil, &bodyError{http.StatusBadRequest, malformed + "the body is not the expected JSON object"}
	}
	var (
		ch db.UserChange
		ps []problem
	)
	names := make([]string, 0, len(raw))
	for k := range raw {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := raw[k]
		if !userPatchFields[k] {
			ps = append(ps, fieldProblem(k, pr.T("admin_api.patch_unknown")))
			continue
		}
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			if k == "group" {
				empty := ""
				ch.Group = &empty // null takes the learner out of their group
				continue
			}
			ps = append(ps, fieldProblem(k, pr.T("admin_api.patch_null")))
			continue
		}
		var err error
		switch k {
		case "disabled":
			var b bool
			err = json.Unmarshal(v, &b)
			ch.Disabled = &b
		default:
			var s string
			err = json.Unmarshal(v, &s)
			switch k {
			case "role":
				ch.Role = &s
			case "group":
				ch.Group = &s
			case "name":
				ch.Name = &s
			}
		}
		if err != nil {
			want := pr.T("admin_api.patch_string")
			if k == "disabled" {
				want = pr.T("problem.bool")
			}
			ps = append(ps, fieldProblem(k, want))
		}
	}
	if len(raw) == 0 {
		ps = append(ps, fieldProblem("body", pr.T("admin_api.patch_empty")))
	}
	return ch, ps, nil
}

// checkChange applies the account rules to a change before the store sees
// it, so each problem names its field.
func (s *site) checkChange(c *gin.Context, ch *db.UserChange) []problem {
	var ps []problem
	if ch.Role != nil && !account.ValidRole(*ch.Role) {
		ps = append(ps, fieldProblem("role", s.T(c, "problem.must_be", "What", roleWords(s.printer(c)))))
	}
	if ch.Name != nil {
		n, err := account.CheckName(*ch.Name)
		if err != nil {
			ps = append(ps, s.theirAccountProblem(c, err))
		}
		ch.Name = &n
	}
	if ch.Group != nil {
		g, err := account.CheckGroup(*ch.Group)
		if err != nil {
			ps = append(ps, s.accountProblem(c, err))
		}
		ch.Group = &g
	}
	return ps
}

// changeProblem says, for the API and the pages, why the store refused a
// change that passed the rules; ok is false for an error it does not know.
func changeProblem(pr *i18n.Printer, err error) (status int, p problem, ok bool) {
	switch {
	case errors.Is(err, db.ErrLastAdmin):
		return http.StatusConflict, fieldProblem("role", pr.T("admin_api.last_admin")), true
	case errors.Is(err, db.ErrGroupNotLearner):
		return http.StatusUnprocessableEntity, fieldProblem("group", pr.T("admin_api.group_learners_only")), true
	case isNotFound(err):
		return http.StatusNotFound, fieldProblem("id", pr.T("admin_users.no_account")), true
	}
	return 0, problem{}, false
}

func (h *adminAPI) apiUpdateUser(c *gin.Context) {
	id, ok := h.adminUserID(c)
	if !ok {
		return
	}
	var (
		ch db.UserChange
		ps []problem
	)
	if !h.withJSONBody(c, func(body []byte) bool {
		var e *bodyError
		if ch, ps, e = decodeUserPatch(h.printer(c), body); e != nil {
			h.abortBody(c, e)
			return false
		}
		return true
	}) {
		return
	}
	ps = append(ps, h.checkChange(c, &ch)...)
	if len(ps) > 0 {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "admin_api.invalid_change"), ps...)
		return
	}
	if ch.Disabled != nil && *ch.Disabled && id == currentUser(c).ID {
		apiFail(c, http.StatusConflict, h.T(c, "admin_api.not_yourself"), fieldProblem("disabled", h.T(c, "admin_users.not_yourself")))
		return
	}
	u, err := h.store.UpdateUser(c.Request.Context(), currentUser(c).ID, id, ch)
	if err != nil {
		if status, p, ok := changeProblem(h.printer(c), err); ok {
			if errors.Is(err, db.ErrLastAdmin) && ch.Role == nil {
				p.Field = "disabled"
			}
			apiFail(c, status, p.Problem, p)
			return
		}
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, toAdminUserJSON(u))
}

func (h *adminAPI) apiResetLink(c *gin.Context) {
	id, ok := h.adminUserID(c)
	if !ok {
		return
	}
	tok := account.NewResetToken()
	l, err := h.store.CreateResetLink(c.Request.Context(), currentUser(c).ID, id, db.ResetLinkOf(tok))
	switch {
	case errors.Is(err, db.ErrAccountDisabled):
		apiFail(c, http.StatusConflict, h.T(c, "admin_api.disabled_no_link"))
	case err != nil:
		h.apiStoreError(c, err)
	default:
		c.JSON(http.StatusCreated, toResetLinkJSON(tok.Token, l))
	}
}
