package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/web/i18n"
)

// adminStore is what the admin users list uses: the accounts, their roles
// and groups, and the links between learners and counselors. Every change
// names the admin who makes it, for the audit log.
type adminStore interface {
	Users(ctx context.Context, q db.UserQuery) ([]db.User, error)
	CountUsers(ctx context.Context, q db.UserQuery) (int, error)
	Groups(ctx context.Context) ([]db.Group, error)
	UserByEmail(ctx context.Context, email string) (db.User, error)
	UpdateUser(ctx context.Context, actorID, id int64, ch db.UserChange) (db.User, error)
	LinksOf(ctx context.Context, learnerIDs []int64) ([]db.Link, error)
	Link(ctx context.Context, actorID, learnerID, counselorID int64) error
	Unlink(ctx context.Context, actorID, learnerID, counselorID int64) error
}

// adminPages serve /admin: accounts, roles and counselor links.
type adminPages struct {
	*site
	store adminStore
}

// adminPageSize is the users list page length.
const adminPageSize = 50

// adminParams are the users list's search, filters, sort and page. POST
// forms carry them back in hidden fields so the admin returns to the same
// page.
type adminParams struct {
	Q     string
	Role  string
	Group string
	Sort  string // a db.UserSortBy* column; "" is email
	Desc  bool
	Page  int
}

// readAdminParams reads the list's params leniently: the page ignores what
// it cannot use (the API's parseAdminQuery names each problem instead).
func readAdminParams(get func(string) string) adminParams {
	p := adminParams{Q: strings.TrimSpace(get("q")), Page: 1}
	if utf8.RuneCountInString(p.Q) > maxSearchChars || !utf8.ValidString(p.Q) {
		p.Q = ""
	}
	if r := get("role"); account.ValidRole(r) {
		p.Role = r
	}
	if g, err := account.CheckGroup(get("group")); err == nil {
		p.Group = g
	}
	if col, desc := strings.CutPrefix(get("sort"), "-"); col != "" && db.ValidUserSort(col) {
		p.Sort, p.Desc = col, desc
	}
	if n, err := strconv.Atoi(get("page")); err == nil && n > 1 && n <= 1_000_000 {
		p.Page = n
	}
	return p
}

func (p adminParams) values() url.Values {
	v := url.Values{}
	if p.Q != "" {
		v.Set("q", p.Q)
	}
	if p.Role != "" {
		v.Set("role", p.Role)
	}
	if p.Group != "" {
		v.Set("group", p.Group)
	}
	if p.Sort != "" {
		v.Set("sort", p.SortParam())
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	return v
}

// SortParam is the sort as ?sort= spells it.
func (p adminParams) SortParam() string {
	if p.Desc {
		return "-" + p.Sort
	}
	return p.Sort
}

func (p adminParams) url() string {
	if q := p.values().Encode(); q != "" {
		return "/admin/users?" + q
	}
	return "/admin/users"
}

func (p adminParams) Filtered() bool { return p.Q != "" || p.Role != "" || p.Group != "" }

func (p adminParams) query(limit int) db.UserQuery {
	return db.UserQuery{Q: p.Q, Role: p.Role, Group: p.Group, Sort: p.Sort, Desc: p.Desc,
		Limit: limit, Offset: (p.Page - 1) * limit}
}

// adminColumns are the users table's sortable headings: text A–Z first,
// dates newest first.
// Each label is the catalog's "admin_users.sort.<key>".
var adminColumns = []struct {
	keys []string
}{
	{[]string{db.UserSortByName, db.UserSortByEmail}},
	{[]string{db.UserSortByRole}},
	{[]string{db.UserSortByGroup}},
	{[]string{db.UserSortByCreated}},
}

func (p adminParams) headers(pr *i18n.Printer) []sortHeader {
	current := p.Sort
	if current == "" {
		current = db.UserSortByEmail
	}
	var out []sortHeader
	for _, col := range adminColumns {
		var h sortHeader
		for _, key := range col.keys {
			l := sortLink{Label: pr.T("admin_users.sort." + key)}
			next := p
			next.Page, next.Sort = 1, key
			if key == current {
				h.AriaSort, l.Arrow = "ascending", "▲"
				if p.Desc {
					h.AriaSort, l.Arrow = "descending", "▼"
				}
				next.Desc = !p.Desc
			} else {
				next.Desc = key == db.UserSortByCreated
			}
			if next.Sort == db.UserSortByEmail && !next.Desc {
				next.Sort = ""
			}
			l.URL = next.url()
			h.Links = append(h.Links, l)
		}
		out = append(out, h)
	}
	return out
}

// adminUserRow is one account on the users page.
type adminUserRow struct {
	userView
	Self       bool
	Counselors []db.Link // for a learner: whom they share with
}

// adminUsersView is the /admin/users page.
type adminUsersView struct {
	P                adminParams
	Headers          []sortHeader
	Groups           []groupOption
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
	// NewPerson is the "add a person" form as typed, with its problems; nil
	// is an empty form.
	NewPerson *newPersonForm
	// Link is an invitation (Created) or reset link just made, to copy.
	Link    *resetLinkView
	Created bool
}

func (h *adminPages) adminUsersPage(c *gin.Context) {
	h.renderAdminUsers(c, http.StatusOK, readAdminParams(c.Query), adminUsersView{})
}

func (h *adminPages) renderAdminUsers(c *gin.Context, status int, p adminParams, v adminUsersView) {
	ctx := c.Request.Context()
	q := p.query(adminPageSize)
	users, err := h.store.Users(ctx, q)
	var (
		total  int
		groups []db.Group
	)
	if err == nil {
		total, err = h.store.CountUsers(ctx, q)
	}
	if err == nil {
		groups, err = h.store.Groups(ctx)
	}
	var learnerIDs []int64
	for _, u := range users {
		if u.Role == account.RoleLearner {
			learnerIDs = append(learnerIDs, u.ID)
		}
	}
	var links []db.Link
	if err == nil {
		links, err = h.store.LinksOf(ctx, learnerIDs)
	}
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	byLearner := map[int64][]db.Link{}
	for _, l := range links {
		byLearner[l.LearnerID] = append(byLearner[l.LearnerID], l)
	}
	me := currentUser(c)
	v.P, v.Roles, v.Total, v.Page = p, account.Roles, total, p.Page
	v.Headers, v.Groups = p.headers(h.printer(c)), groupOptions(groups, p.Group)
	if v.NewPerson == nil {
		v.NewPerson = &newPersonForm{newPerson: newPerson{Role: account.RoleLearner}}
	}
	v.Pages = max(1, (total+adminPageSize-1)/adminPageSize)
	for _, u := range users {
		v.Users = append(v.Users, adminUserRow{userView: *userViewOf(&u), Self: u.ID == me.ID, Counselors: byLearner[u.ID]})
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
	h.render(c, status, "admin_users", h.T(c, "admin_users.title"), v)
}

// backParams are the list params a POST form carried in its hidden fields.
func backParams(c *gin.Context) adminParams {
	return readAdminParams(func(k string) string { return c.PostForm("back_" + k) })
}

// adminRefuse re-renders the list with a message saying why nothing changed.
func (h *adminPages) adminRefuse(c *gin.Context, status int, msg string) {
	h.renderAdminUsers(c, status, backParams(c), adminUsersView{Error: msg})
}

func (h *adminPages) adminRoleSubmit(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		h.adminRefuse(c, http.StatusNotFound, h.T(c, "admin_users.no_account"))
		return
	}
	role := c.PostForm("role")
	if !account.ValidRole(role) {
		h.adminRefuse(c, http.StatusUnprocessableEntity, h.T(c, "admin_users.role_invalid", "Roles", strings.Join(account.Roles, ", ")))
		return
	}
	_, err := h.store.UpdateUser(c.Request.Context(), currentUser(c).ID, id, db.UserChange{Role: &role})
	switch {
	case errors.Is(err, db.ErrLastAdmin):
		h.adminRefuse(c, http.StatusConflict, h.T(c, "admin_users.last_admin_role"))
		return
	case isNotFound(err):
		h.adminRefuse(c, http.StatusNotFound, h.T(c, "admin_users.no_account"))
		return
	case err != nil:
		h.pageStoreError(c, err, "")
		return
	}
	if id == currentUser(c).ID && role != account.RoleAdmin {
		// They have just left the admin pages.
		h.redirect(c, "/account", "role-changed")
		return
	}
	h.redirect(c, backParams(c).url(), "role-changed")
}

func (h *adminPages) adminDisabledSubmit(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		h.adminRefuse(c, http.StatusNotFound, h.T(c, "admin_users.no_account"))
		return
	}
	disabled, valid := parseBoolParam(c.PostForm("disabled"))
	if !valid || c.PostForm("disabled") == "" {
		h.adminRefuse(c, http.StatusUnprocessableEntity, h.T(c, "admin_users.disabled_bool"))
		return
	}
	if disabled && id == currentUser(c).ID {
		h.adminRefuse(c, http.StatusConflict, h.T(c, "admin_users.not_yourself"))
		return
	}
	_, err := h.store.UpdateUser(c.Request.Context(), currentUser(c).ID, id, db.UserChange{Disabled: &disabled})
	switch {
	case errors.Is(err, db.ErrLastAdmin):
		h.adminRefuse(c, http.StatusConflict, h.T(c, "admin_users.last_admin_disable"))
		return
	case isNotFound(err):
		h.adminRefuse(c, http.StatusNotFound, h.T(c, "admin_users.no_account"))
		return
	case err != nil:
		h.pageStoreError(c, err, "")
		return
	}
	h.redirect(c, backParams(c).url(), "user-updated")
}

func (h *adminPages) adminLinkSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	v := adminUsersView{LinkLearner: strings.TrimSpace(c.PostForm("learner_email")), LinkCounselor: strings.TrimSpace(c.PostForm("counselor_email"))}
	// lookup finds the account an email field names, or says in a sentence
	// why it cannot be linked.
	lookup := func(label, email, role string) (u db.User, problem string, err error) {
		if email == "" {
			return u, h.T(c, "admin_users.link_required", "Label", label), nil
		}
		u, err = h.store.UserByEmail(ctx, email)
		switch {
		case isNotFound(err):
			return u, h.T(c, "admin_users.link_unknown", "Label", label), nil
		case err != nil:
			return u, "", err
		case u.Role != role:
			return u, h.T(c, "admin_users.link_wrong_role", "Label", label,
				"Role", h.T(c, "role_word."+u.Role), "Want", h.T(c, "role_word."+role)), nil
		case u.Disabled && role == account.RoleCounselor:
			return u, h.T(c, "admin_users.link_disabled", "Label", label), nil
		}
		return u, "", nil
	}
	learner, lp, err := lookup(h.T(c, "admin_users.learner_email"), v.LinkLearner, account.RoleLearner)
	var counselor db.User
	if err == nil {
		counselor, v.CounselorError, err = lookup(h.T(c, "admin_users.counselor_email"), v.LinkCounselor, account.RoleCounselor)
	}
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	v.LearnerError = lp
	if v.LearnerError != "" || v.CounselorError != "" {
		h.renderAdminUsers(c, http.StatusUnprocessableEntity, backParams(c), v)
		return
	}
	err = h.store.Link(ctx, currentUser(c).ID, learner.ID, counselor.ID)
	switch {
	case errors.Is(err, db.ErrNotLearner):
		v.LearnerError = h.T(c, "admin_users.learner_gone")
	case errors.Is(err, db.ErrNotCounselor):
		v.CounselorError = h.T(c, "admin_users.counselor_gone")
	case isNotFound(err):
		v.LearnerError = h.T(c, "admin_users.learner_unknown")
	case err != nil:
		h.pageStoreError(c, err, "")
		return
	default:
		h.redirect(c, backParams(c).url(), "linked")
		return
	}
	h.renderAdminUsers(c, http.StatusUnprocessableEntity, backParams(c), v)
}

func (h *adminPages) adminUnlinkSubmit(c *gin.Context) {
	learnerID, ok1 := parseID(c.PostForm("learner_id"))
	counselorID, ok2 := parseID(c.PostForm("counselor_id"))
	if !ok1 || !ok2 {
		h.adminRefuse(c, http.StatusNotFound, h.T(c, "admin_users.not_linked"))
		return
	}
	err := h.store.Unlink(c.Request.Context(), currentUser(c).ID, learnerID, counselorID)
	switch {
	case isNotFound(err):
		h.adminRefuse(c, http.StatusNotFound, h.T(c, "admin_users.not_linked"))
		return
	case err != nil:
		h.pageStoreError(c, err, "")
		return
	}
	h.redirect(c, backParams(c).url(), "unlinked")
}
