package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
)

// adminPeopleStore is what the admin pages about one person use: their
// account, whom they share with, what the log says about them, and the
// changes an admin makes (each recorded in the audit log).
type adminPeopleStore interface {
	UserByID(ctx context.Context, id int64) (db.User, error)
	CounselorsOf(ctx context.Context, learnerID int64) ([]db.Counselor, error)
	AuditLog(ctx context.Context, q db.AuditQuery) ([]db.AuditEntry, error)
	Groups(ctx context.Context) ([]db.Group, error)
	CreateInvited(ctx context.Context, actorID int64, nu db.NewUser, l db.NewResetLink) (db.User, db.ResetLink, error)
	UpdateUser(ctx context.Context, actorID, id int64, ch db.UserChange) (db.User, error)
	CreateResetLink(ctx context.Context, actorID, userID int64, l db.NewResetLink) (db.ResetLink, error)
}

// adminPeoplePages serve the admin's pages for people: adding one (with an
// invitation link to hand over), one person's page with their name, group
// and recent audit entries, and making a reset link.
type adminPeoplePages struct {
	*site
	store adminPeopleStore
	list  *adminPages // re-renders the users list with a form's answer
}

// personAuditRows is how many of the latest audit entries a person's page shows.
const personAuditRows = 10

// absURL is the address of a path on this site: the configured base URL,
// or else the one the admin's browser used, so a link copied from the page
// works for whoever it is handed to.
func (s *site) absURL(c *gin.Context, path string) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL + path
	}
	scheme := "http"
	if c.Request.TLS != nil || s.cfg.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host + path
}

func (s *site) resetLinkView(c *gin.Context, u db.User, token string, l db.ResetLink) *resetLinkView {
	return &resetLinkView{For: u.Name + " (" + u.Email + ")", URL: s.absURL(c, account.ResetPath(token)), ExpiresAt: l.ExpiresAt, Invite: l.Invite}
}

// newPersonForm is the "add a person" form as typed, with its problems.
type newPersonForm struct {
	newPerson
	Errors map[string]string
}

func (h *adminPeoplePages) createSubmit(c *gin.Context) {
	p := newPerson{Email: c.PostForm("email"), Name: c.PostForm("name"), Role: c.PostForm("role"), Group: c.PostForm("group")}
	typed := p
	u, token, l, ps, err := h.createPerson(c, h.store, currentUser(c).ID, &p)
	conflict := errors.Is(err, db.ErrConflict)
	if conflict {
		ps, err = []problem{fieldProblem("email", h.T(c, "admin_people.email_exists"))}, nil
	}
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	if len(ps) > 0 {
		form := &newPersonForm{newPerson: typed, Errors: map[string]string{}}
		for _, pr := range ps {
			form.Errors[pr.Field] = pr.Problem
		}
		status := http.StatusUnprocessableEntity
		if conflict {
			status = http.StatusConflict
		}
		h.list.renderAdminUsers(c, status, backParams(c), adminUsersView{NewPerson: form})
		return
	}
	h.list.renderAdminUsers(c, http.StatusCreated, backParams(c), adminUsersView{Link: h.resetLinkView(c, u, token, l), Created: true})
}

func (h *adminPeoplePages) resetLinkSubmit(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		h.list.adminRefuse(c, http.StatusNotFound, h.T(c, "admin_users.no_account"))
		return
	}
	ctx := c.Request.Context()
	tok := account.NewResetToken()
	l, err := h.store.CreateResetLink(ctx, currentUser(c).ID, id, db.ResetLinkOf(tok))
	var u db.User
	if err == nil {
		u, err = h.store.UserByID(ctx, id)
	}
	refuse := func(status int, msg string) {
		if c.PostForm("back") == "user" {
			h.renderPerson(c, status, id, personView{Error: msg})
		} else {
			h.list.adminRefuse(c, status, msg)
		}
	}
	switch {
	case errors.Is(err, db.ErrAccountDisabled):
		refuse(http.StatusConflict, h.T(c, "admin_people.disabled_no_link"))
		return
	case isNotFound(err):
		refuse(http.StatusNotFound, h.T(c, "admin_users.no_account"))
		return
	case err != nil:
		h.pageStoreError(c, err, "")
		return
	}
	link := h.resetLinkView(c, u, tok.Token, l)
	if c.PostForm("back") == "user" {
		h.renderPerson(c, http.StatusCreated, id, personView{Link: link})
		return
	}
	h.list.renderAdminUsers(c, http.StatusCreated, backParams(c), adminUsersView{Link: link})
}

// personView is /admin/users/{id}.
type personView struct {
	U          userView
	Self       bool
	Roles      []string
	Groups     []groupOption
	Counselors []db.Counselor
	Audit      []auditRowView
	AuditURL   string
	Name       string // the edit form, as typed
	Group      string
	Errors     map[string]string
	Error      string         // a refused change, at the top
	Link       *resetLinkView // a link just made
}

func (h *adminPeoplePages) personPage(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		h.renderError(c, http.StatusNotFound, h.T(c, "admin_users.no_account"))
		return
	}
	h.renderPerson(c, http.StatusOK, id, personView{})
}

// renderPerson shows a person's page; the form shows what v carries, or
// else the account as stored.
func (h *adminPeoplePages) renderPerson(c *gin.Context, status int, id int64, v personView) {
	ctx := c.Request.Context()
	u, err := h.store.UserByID(ctx, id)
	var (
		log    []db.AuditEntry
		groups []db.Group
	)
	if err == nil && u.Role == account.RoleLearner {
		v.Counselors, err = h.store.CounselorsOf(ctx, id)
	}
	if err == nil {
		log, err = h.store.AuditLog(ctx, db.AuditQuery{PersonID: id, Limit: personAuditRows})
	}
	if err == nil {
		groups, err = h.store.Groups(ctx)
	}
	if err != nil {
		h.pageStoreError(c, err, h.T(c, "admin_users.no_account"))
		return
	}
	v.U, v.Self, v.Roles = *userViewOf(&u), u.ID == currentUser(c).ID, account.Roles
	if v.Errors == nil {
		v.Name, v.Group = u.Name, u.Group
	}
	v.Groups = groupOptions(groups, "")
	for _, e := range log {
		v.Audit = append(v.Audit, auditRowView{e, wordsFor(h.printer(c), "audit_action.", e.Action)})
	}
	v.AuditURL = auditParams{UserID: id}.url()
	h.render(c, status, "admin_user", u.Name, v)
}

// personSubmit changes what the form sent of name, group, role and
// disabled: the details form sends the first three, the status button the
// last.
func (h *adminPeoplePages) personSubmit(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		h.renderError(c, http.StatusNotFound, h.T(c, "admin_users.no_account"))
		return
	}
	form := c.Request.PostForm
	var ch db.UserChange
	for _, f := range []struct {
		key string
		to  **string
	}{{"name", &ch.Name}, {"group", &ch.Group}, {"role", &ch.Role}} {
		if form.Has(f.key) {
			v := form.Get(f.key)
			*f.to = &v
		}
	}
	var ps []problem
	if form.Has("disabled") {
		d, valid := parseBoolParam(form.Get("disabled"))
		if !valid || form.Get("disabled") == "" {
			ps = append(ps, fieldProblem("disabled", h.T(c, "admin_users.disabled_bool")))
		}
		ch.Disabled = &d
	}
	typedName, typedGroup := form.Get("name"), form.Get("group")
	fail := func(status int, ps ...problem) {
		v := personView{Errors: map[string]string{}}
		if ch.Name != nil || ch.Group != nil {
			v.Name, v.Group = typedName, typedGroup
		} else {
			v.Errors = nil // the details form shows the account as stored
		}
		for _, p := range ps {
			if v.Errors != nil && (p.Field == "name" || p.Field == "group") {
				v.Errors[p.Field] = p.Problem
			} else {
				v.Error = p.Problem
			}
		}
		h.renderPerson(c, status, id, v)
	}
	ps = append(ps, h.checkChange(c, &ch)...)
	if ch == (db.UserChange{}) {
		ps = append(ps, fieldProblem("", h.T(c, "admin_people.nothing_sent")))
	}
	if len(ps) > 0 {
		fail(http.StatusUnprocessableEntity, ps...)
		return
	}
	if ch.Disabled != nil && *ch.Disabled && id == currentUser(c).ID {
		fail(http.StatusConflict, fieldProblem("disabled", h.T(c, "admin_users.not_yourself")))
		return
	}
	_, err := h.store.UpdateUser(c.Request.Context(), currentUser(c).ID, id, ch)
	if err != nil {
		if status, p, ok := changeProblem(h.printer(c), err); ok && !isNotFound(err) {
			fail(status, p)
			return
		}
		h.pageStoreError(c, err, h.T(c, "admin_users.no_account"))
		return
	}
	if id == currentUser(c).ID && ch.Role != nil && *ch.Role != account.RoleAdmin {
		h.redirect(c, "/account", "role-changed") // they have just left the admin pages
		return
	}
	h.redirect(c, personPath(id), "user-updated")
}

func personPath(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }
