package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
)

// adminPageSize is the users list page length.
const adminPageSize = 50

var allRoles = []string{db.RoleLearner, db.RoleCounselor, db.RoleAdmin}

// adminParams are the users list's search, role filter and page. POST forms
// carry them back in hidden fields so the admin returns to the same page.
type adminParams struct {
	Q    string
	Role string
	Page int
}

func readAdminParams(get func(string) string) adminParams {
	p := adminParams{Q: strings.TrimSpace(get("q")), Page: 1}
	if utf8.RuneCountInString(p.Q) > maxSearchChars || !utf8.ValidString(p.Q) {
		p.Q = ""
	}
	for _, r := range allRoles {
		if get("role") == r {
			p.Role = r
		}
	}
	if n, err := strconv.Atoi(get("page")); err == nil && n > 1 && n <= 1_000_000 {
		p.Page = n
	}
	return p
}

func (p adminParams) url() string {
	v := url.Values{}
	if p.Q != "" {
		v.Set("q", p.Q)
	}
	if p.Role != "" {
		v.Set("role", p.Role)
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	if len(v) == 0 {
		return "/admin/users"
	}
	return "/admin/users?" + v.Encode()
}

// adminUserRow is one account on the users page.
type adminUserRow struct {
	db.User
	Self       bool
	Counselors []db.Link // for a learner: whom they share with
}

// adminUsersView is the /admin/users page.
type adminUsersView struct {
	P                adminParams
	Roles            []string
	Users            []adminUserRow
	Total            int
	Page, Pages      int
	PrevURL, NextURL string
	Error            string // a refused change, shown at the top
	LinkLearner      string
	LinkCounselor    string
	LearnerError     string
	CounselorError   string
}

func (s *server) adminUsersPage(c *gin.Context) {
	s.renderAdminUsers(c, http.StatusOK, readAdminParams(c.Query), adminUsersView{})
}

func (s *server) renderAdminUsers(c *gin.Context, status int, p adminParams, v adminUsersView) {
	ctx := c.Request.Context()
	q := db.UserQuery{Q: p.Q, Role: p.Role, Limit: adminPageSize, Offset: (p.Page - 1) * adminPageSize}
	users, err := s.store.Users(ctx, q)
	var total int
	if err == nil {
		total, err = s.store.CountUsers(ctx, q)
	}
	var learnerIDs []int64
	for _, u := range users {
		if u.Role == db.RoleLearner {
			learnerIDs = append(learnerIDs, u.ID)
		}
	}
	var links []db.Link
	if err == nil {
		links, err = s.store.LinksOf(ctx, learnerIDs)
	}
	if err != nil {
		s.log.Error("admin users", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not load the users. Please try again.")
		return
	}
	byLearner := map[int64][]db.Link{}
	for _, l := range links {
		byLearner[l.LearnerID] = append(byLearner[l.LearnerID], l)
	}
	me := currentUser(c)
	v.P, v.Roles, v.Total, v.Page = p, allRoles, total, p.Page
	v.Pages = max(1, (total+adminPageSize-1)/adminPageSize)
	for _, u := range users {
		v.Users = append(v.Users, adminUserRow{User: u, Self: u.ID == me.ID, Counselors: byLearner[u.ID]})
	}
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
	s.render(c, status, "admin_users", "Users", v)
}

// backParams are the list params a POST form carried in its hidden fields.
func backParams(c *gin.Context) adminParams {
	return readAdminParams(func(k string) string { return c.PostForm("back_" + k) })
}

// adminRefuse re-renders the list with a message saying why nothing changed.
func (s *server) adminRefuse(c *gin.Context, status int, msg string) {
	s.renderAdminUsers(c, status, backParams(c), adminUsersView{Error: msg})
}

func (s *server) adminRoleSubmit(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		s.adminRefuse(c, http.StatusNotFound, "There is no such account.")
		return
	}
	role := c.PostForm("role")
	valid := false
	for _, r := range allRoles {
		valid = valid || r == role
	}
	if !valid {
		s.adminRefuse(c, http.StatusUnprocessableEntity, "Role must be learner, counselor or admin.")
		return
	}
	err := s.store.UpdateRole(c.Request.Context(), id, role)
	switch {
	case errors.Is(err, db.ErrLastAdmin):
		s.adminRefuse(c, http.StatusConflict, "That is the last enabled admin account, so it keeps the admin role. Make another account an admin first.")
		return
	case isNotFound(err):
		s.adminRefuse(c, http.StatusNotFound, "There is no such account.")
		return
	case err != nil:
		s.log.Error("update role", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not change the role. Please try again.")
		return
	}
	if id == currentUser(c).ID && role != db.RoleAdmin {
		// They have just left the admin pages.
		s.redirect(c, "/account", "role-changed")
		return
	}
	s.redirect(c, backParams(c).url(), "role-changed")
}

func (s *server) adminDisabledSubmit(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		s.adminRefuse(c, http.StatusNotFound, "There is no such account.")
		return
	}
	disabled, valid := parseBoolParam(c.PostForm("disabled"))
	if !valid || c.PostForm("disabled") == "" {
		s.adminRefuse(c, http.StatusUnprocessableEntity, "Disabled must be true or false.")
		return
	}
	if disabled && id == currentUser(c).ID {
		s.adminRefuse(c, http.StatusConflict, "You cannot disable your own account: ask another admin.")
		return
	}
	err := s.store.UpdateDisabled(c.Request.Context(), id, disabled)
	switch {
	case errors.Is(err, db.ErrLastAdmin):
		s.adminRefuse(c, http.StatusConflict, "That is the last enabled admin account, so it cannot be disabled.")
		return
	case isNotFound(err):
		s.adminRefuse(c, http.StatusNotFound, "There is no such account.")
		return
	case err != nil:
		s.log.Error("update disabled", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not change the account. Please try again.")
		return
	}
	s.redirect(c, backParams(c).url(), "user-updated")
}

func (s *server) adminLinkSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	v := adminUsersView{LinkLearner: strings.TrimSpace(c.PostForm("learner_email")), LinkCounselor: strings.TrimSpace(c.PostForm("counselor_email"))}
	var learner, counselor db.User
	lookup := func(email, role string, u *db.User, problem *string) {
		if email == "" {
			*problem = "is required"
			return
		}
		found, err := s.store.UserByEmail(ctx, email)
		switch {
		case isNotFound(err):
			*problem = "does not match any account"
		case err != nil:
			s.log.Error("link lookup", "err", err)
			*problem = "could not be checked; please try again"
		case found.Role != role:
			*problem = fmt.Sprintf("belongs to a %s account, not a %s", found.Role, role)
		case found.Disabled && role == db.RoleCounselor:
			*problem = "belongs to a disabled counselor account"
		default:
			*u = found
		}
	}
	lookup(v.LinkLearner, db.RoleLearner, &learner, &v.LearnerError)
	lookup(v.LinkCounselor, db.RoleCounselor, &counselor, &v.CounselorError)
	if v.LearnerError != "" || v.CounselorError != "" {
		s.renderAdminUsers(c, http.StatusUnprocessableEntity, backParams(c), v)
		return
	}
	err := s.store.Link(ctx, learner.ID, counselor.ID)
	switch {
	case errors.Is(err, db.ErrNotLearner):
		v.LearnerError = "is no longer a learner account"
	case errors.Is(err, db.ErrNotCounselor):
		v.CounselorError = "is no longer an enabled counselor account"
	case isNotFound(err):
		v.LearnerError = "does not match any account"
	case err != nil:
		s.log.Error("link", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not link them. Please try again.")
		return
	default:
		s.redirect(c, backParams(c).url(), "linked")
		return
	}
	s.renderAdminUsers(c, http.StatusUnprocessableEntity, backParams(c), v)
}

func (s *server) adminUnlinkSubmit(c *gin.Context) {
	learnerID, ok1 := parseID(c.PostForm("learner_id"))
	counselorID, ok2 := parseID(c.PostForm("counselor_id"))
	if !ok1 || !ok2 {
		s.adminRefuse(c, http.StatusNotFound, "Those two accounts are not linked.")
		return
	}
	err := s.store.Unshare(c.Request.Context(), learnerID, counselorID)
	switch {
	case isNotFound(err):
		s.adminRefuse(c, http.StatusNotFound, "Those two accounts are not linked.")
		return
	case err != nil:
		s.log.Error("unlink", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not unlink them. Please try again.")
		return
	}
	s.redirect(c, backParams(c).url(), "unlinked")
}
