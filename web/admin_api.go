package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
func parseAdminQuery(c *gin.Context) (adminParams, []problem) {
	p := adminParams{Page: 1}
	var ps []problem
	p.Q = strings.TrimSpace(c.Query("q"))
	if utf8.RuneCountInString(p.Q) > maxSearchChars || !utf8.ValidString(p.Q) {
		ps = append(ps, fieldProblem("q", fmt.Sprintf("must be text of at most %d characters", maxSearchChars)))
	}
	if r := c.Query("role"); r != "" {
		if !account.ValidRole(r) {
			ps = append(ps, fieldProblem("role", "must be "+roleWords()))
		}
		p.Role = r
	}
	g, err := account.CheckGroup(c.Query("group"))
	if err != nil {
		ps = append(ps, accountProblem(err))
	}
	p.Group = g
	if v := c.Query("sort"); v != "" {
		col, desc := strings.CutPrefix(v, "-")
		if col == "" || !db.ValidUserSort(col) {
			ps = append(ps, fieldProblem("sort", "must be email, name, role, group or created, with a leading - for descending"))
		} else {
			p.Sort, p.Desc = col, desc
		}
	}
	if v := c.Query("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			ps = append(ps, fieldProblem("page", "must be a whole number from 1"))
		}
		p.Page = n
	}
	return p, ps
}

// roleWords is "learner, counselor or admin".
func roleWords() string {
	rs := account.Roles
	return strings.Join(rs[:len(rs)-1], ", ") + " or " + rs[len(rs)-1]
}

func (h *adminAPI) apiUsers(c *gin.Context) {
	p, ps := parseAdminQuery(c)
	if len(ps) > 0 {
		apiFail(c, http.StatusUnprocessableEntity, "invalid users query", ps...)
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
func (p *newPerson) check() []problem {
	var ps []problem
	if e, err := account.NormalizeEmail(p.Email); err != nil {
		ps = append(ps, accountProblem(account.Theirs(err)))
	} else {
		p.Email = e
	}
	if n, err := account.CheckName(p.Name); err != nil {
		ps = append(ps, accountProblem(account.Theirs(err)))
	} else {
		p.Name = n
	}
	if p.Role == "" {
		p.Role = account.RoleLearner
	}
	if !account.ValidRole(p.Role) {
		ps = append(ps, fieldProblem("role", "Choose learner, counselor or admin."))
	}
	g, err := account.CheckGroup(p.Group)
	switch {
	case err != nil:
		ps = append(ps, accountProblem(err))
	case g != "" && p.Role != account.RoleLearner && account.ValidRole(p.Role):
		ps = append(ps, fieldProblem("group", "Only learners belong to a group: leave it empty for a "+p.Role+"."))
	default:
		p.Group = g
	}
	return ps
}

// createPerson creates the account with an invitation link, or says why
// not: problems for content the rules refuse, db.ErrConflict for an email
// already registered, or a store error.
func createPerson(ctx context.Context, store interface {
	CreateInvited(ctx context.Context, actorID int64, nu db.NewUser, l db.NewResetLink) (db.User, db.ResetLink, error)
}, actorID int64, p *newPerson) (db.User, string, db.ResetLink, []problem, error) {
	if ps := p.check(); len(ps) > 0 {
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
	u, token, l, ps, err := createPerson(c.Request.Context(), h.store, currentUser(c).ID, &p)
	switch {
	case len(ps) > 0:
		apiFail(c, http.StatusUnprocessableEntity, "invalid account", ps...)
	case errors.Is(err, db.ErrConflict):
		apiFail(c, http.StatusConflict, "email already registered", fieldProblem("email", "An account with this email already exists."))
	case err != nil:
		h.apiStoreError(c, err)
	default:
		link := toResetLinkJSON(token, l)
		c.JSON(http.StatusCreated, gin.H{"user": toAdminUserJSON(u), "reset_url": link.ResetURL, "expires_at": link.ExpiresAt})
	}
}

// adminUserID reads :id, answering 404 for what cannot be an id.
func adminUserID(c *gin.Context) (int64, bool) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		apiFail(c, http.StatusNotFound, "there is no such account")
	}
	return id, ok
}

func (h *adminAPI) apiUser(c *gin.Context) {
	id, ok := adminUserID(c)
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
func decodeUserPatch(body []byte) (db.UserChange, []problem, *bodyError) {
	var raw map[string]jsontext.Value
	if e := decodeJSON(body, &raw); e != nil {
		return db.UserChange{}, nil, e
	}
	if raw == nil {
		return db.UserChange{}, nil, &bodyError{http.StatusBadRequest, "malformed JSON: the body must be an object"}
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
			ps = append(ps, fieldProblem(k, "cannot be changed here: send role, disabled, group or name"))
			continue
		}
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			if k == "group" {
				empty := ""
				ch.Group = &empty // null takes the learner out of their group
				continue
			}
			ps = append(ps, fieldProblem(k, "must not be null"))
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
			want := "a string"
			if k == "disabled" {
				want = "true or false"
			}
			ps = append(ps, fieldProblem(k, "must be "+want))
		}
	}
	if len(raw) == 0 {
		ps = append(ps, fieldProblem("body", "names nothing to change: send role, disabled, group or name"))
	}
	return ch, ps, nil
}

// checkChange applies the account rules to a change before the store sees
// it, so each problem names its field.
func checkChange(ch *db.UserChange) []problem {
	var ps []problem
	if ch.Role != nil && !account.ValidRole(*ch.Role) {
		ps = append(ps, fieldProblem("role", "must be "+roleWords()))
	}
	if ch.Name != nil {
		n, err := account.CheckName(*ch.Name)
		if err != nil {
			ps = append(ps, accountProblem(account.Theirs(err)))
		}
		ch.Name = &n
	}
	if ch.Group != nil {
		g, err := account.CheckGroup(*ch.Group)
		if err != nil {
			ps = append(ps, accountProblem(err))
		}
		ch.Group = &g
	}
	return ps
}

// changeProblem says, for the API and the pages, why the store refused a
// change that passed the rules; ok is false for an error it does not know.
func changeProblem(err error) (status int, p problem, ok bool) {
	switch {
	case errors.Is(err, db.ErrLastAdmin):
		return http.StatusConflict, fieldProblem("role", "That is the last enabled admin account, so it stays an enabled admin. Make another account an admin first."), true
	case errors.Is(err, db.ErrGroupNotLearner):
		return http.StatusUnprocessableEntity, fieldProblem("group", "Only learners belong to a group."), true
	case isNotFound(err):
		return http.StatusNotFound, fieldProblem("id", "There is no such account."), true
	}
	return 0, problem{}, false
}

func (h *adminAPI) apiUpdateUser(c *gin.Context) {
	id, ok := adminUserID(c)
	if !ok {
		return
	}
	var (
		ch db.UserChange
		ps []problem
	)
	if !h.withJSONBody(c, func(body []byte) bool {
		var e *bodyError
		if ch, ps, e = decodeUserPatch(body); e != nil {
			abortBody(c, e)
			return false
		}
		return true
	}) {
		return
	}
	ps = append(ps, checkChange(&ch)...)
	if len(ps) > 0 {
		apiFail(c, http.StatusUnprocessableEntity, "invalid change", ps...)
		return
	}
	if ch.Disabled != nil && *ch.Disabled && id == currentUser(c).ID {
		apiFail(c, http.StatusConflict, "you cannot disable your own account", fieldProblem("disabled", "You cannot disable your own account: ask another admin."))
		return
	}
	u, err := h.store.UpdateUser(c.Request.Context(), currentUser(c).ID, id, ch)
	if err != nil {
		if status, p, ok := changeProblem(err); ok {
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
	id, ok := adminUserID(c)
	if !ok {
		return
	}
	tok := account.NewResetToken()
	l, err := h.store.CreateResetLink(c.Request.Context(), currentUser(c).ID, id, db.ResetLinkOf(tok))
	switch {
	case errors.Is(err, db.ErrAccountDisabled):
		apiFail(c, http.StatusConflict, "the account is disabled: enable it first, then make a link")
	case err != nil:
		h.apiStoreError(c, err)
	default:
		c.JSON(http.StatusCreated, toResetLinkJSON(tok.Token, l))
	}
}
