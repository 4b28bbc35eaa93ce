package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/web/i18n"
)

// accountStore is what a user's own account pages and API use about the
// account itself: the data export, deleting it, the time zone and the
// places they are logged in.
type accountStore interface {
	ExportUser(ctx context.Context, userID int64) (db.Export, error)
	DeleteUser(ctx context.Context, id int64) error
	SetTimeZone(ctx context.Context, id int64, zone string) error
	CountUserSessions(ctx context.Context, userID int64) (int, error)
}

// sharingStore is what the same pages use about who sees the learner's
// results: the counselors they share with, and the record of who looked.
type sharingStore interface {
	CounselorsOf(ctx context.Context, learnerID int64) ([]db.Counselor, error)
	ShareWith(ctx context.Context, learnerID int64, shareCode string) (db.Counselor, error)
	Unshare(ctx context.Context, learnerID, counselorID int64) error
	AccessLog(ctx context.Context, learnerID int64, limit, offset int) ([]db.AuditEntry, error)
	CountAccessLog(ctx context.Context, learnerID int64) (int, error)
}

// accountHandlers serve /account and the API under /me: the user's own
// account, whom they share results with, their data, deleting it all.
type accountHandlers struct {
	*site
	store    accountStore
	sharing  sharingStore
	sessions *sessions
}

type accountView struct {
	Counselors  []db.Counselor
	ShareCode   string
	ShareError  string
	DeleteError string
	Attempts    int
	Access      accessView
	Zones       []string // the zones to choose from
	ZoneError   string
	// PasswordErrors are the password form's problems by field
	// (current_password, new_password).
	PasswordErrors map[string]string
	// OtherSessions counts the places the user is logged in besides here.
	OtherSessions int
}

// accessView is a learner's record of who opened their results, one page
// of it.
type accessView struct {
	Rows             []accessRowView
	Total            int
	Page, Pages      int
	PrevURL, NextURL string
}

type accessRowView struct {
	db.AuditEntry
	Words string
}

// accessPageSize is how many entries of the record of access /account shows at once.
const accessPageSize = 20

// passwordMatches checks a user's current password, before a change that
// cannot be undone.
func passwordMatches(u *db.User, pw string) bool {
	if len(pw) > maxCheckedPassword {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(pw)) == nil
}

func (h *accountHandlers) renderAccount(c *gin.Context, status int, v accountView) {
	u := currentUser(c)
	ctx := c.Request.Context()
	n, err := h.store.CountUserSessions(ctx, u.ID)
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	v.OtherSessions = max(n-1, 0)
	if u.Role == account.RoleLearner {
		cs, err := h.sharing.CounselorsOf(ctx, u.ID)
		if err == nil {
			v.Access, err = h.accessPage(ctx, h.printer(c), u.ID, c.Query("access_page"))
		}
		if err != nil {
			h.pageStoreError(c, err, "")
			return
		}
		v.Counselors = cs
	}
	v.Zones = timeZones
	h.render(c, status, "account", h.T(c, "account_page.title"), v)
}

// accessPage is one page of the learner's record of access; a page number
// that is not one is the first page.
func (h *accountHandlers) accessPage(ctx context.Context, pr *i18n.Printer, learnerID int64, pageParam string) (accessView, error) {
	v := accessView{Page: 1}
	if n, err := strconv.Atoi(pageParam); err == nil && n > 1 && n <= 1_000_000 {
		v.Page = n
	}
	entries, err := h.sharing.AccessLog(ctx, learnerID, accessPageSize, (v.Page-1)*accessPageSize)
	if err == nil {
		v.Total, err = h.sharing.CountAccessLog(ctx, learnerID)
	}
	if err != nil {
		return v, err
	}
	for _, e := range entries {
		v.Rows = append(v.Rows, accessRowView{e, wordsFor(pr, "access_action.", e.Action)})
	}
	v.Pages = max(1, (v.Total+accessPageSize-1)/accessPageSize)
	pageURL := func(n int) string {
		if n <= 1 {
			return "/account#access-h"
		}
		return "/account?access_page=" + strconv.Itoa(n) + "#access-h"
	}
	if v.Page > 1 {
		v.PrevURL = pageURL(min(v.Page-1, v.Pages))
	}
	if v.Page < v.Pages {
		v.NextURL = pageURL(v.Page + 1)
	}
	return v, nil
}

func (h *accountHandlers) accountPage(c *gin.Context) {
	h.renderAccount(c, http.StatusOK, accountView{})
}

func (h *accountHandlers) shareSubmit(c *gin.Context) {
	u := currentUser(c)
	code := strings.TrimSpace(c.PostForm("share_code"))
	if u.Role != account.RoleLearner {
		h.renderError(c, http.StatusForbidden, h.T(c, "account_page.learners_only"))
		return
	}
	if code == "" {
		h.renderAccount(c, http.StatusUnprocessableEntity, accountView{ShareCode: code, ShareError: h.T(c, "account_page.share_required")})
		return
	}
	_, err := h.sharing.ShareWith(c.Request.Context(), u.ID, code)
	if errors.Is(err, db.ErrInvalidShareCode) {
		h.renderAccount(c, http.StatusUnprocessableEntity, accountView{ShareCode: code, ShareError: h.T(c, "account_page.share_unknown")})
		return
	}
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	h.redirect(c, "/account", "shared")
}

func (h *accountHandlers) unshareSubmit(c *gin.Context) {
	id, ok := parseID(c.Param("id"))
	if !ok {
		h.renderError(c, http.StatusNotFound, h.T(c, "account_page.not_shared"))
		return
	}
	if err := h.sharing.Unshare(c.Request.Context(), currentUser(c).ID, id); err != nil {
		h.pageStoreError(c, err, h.T(c, "account_page.not_shared"))
		return
	}
	h.redirect(c, "/account", "unshared")
}

func (h *accountHandlers) exportDownload(c *gin.Context) {
	exp, err := h.store.ExportUser(c.Request.Context(), currentUser(c).ID)
	var data []byte
	if err == nil {
		data, err = json.MarshalIndent(exp, "", "  ")
	}
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	c.Header("Content-Disposition", `attachment; filename="readiness-export.json"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/json; charset=utf-8", data)
}

// lastAdminDelete is the catalog key that says why the last admin's
// account stays.
const lastAdminDelete = "account_page.last_admin"

func (h *accountHandlers) deleteAccountSubmit(c *gin.Context) {
	u := currentUser(c)
	if !passwordMatches(u, c.PostForm("password")) {
		h.renderAccount(c, http.StatusUnprocessableEntity, accountView{DeleteError: h.T(c, "account_page.delete_wrong_password")})
		return
	}
	err := h.store.DeleteUser(c.Request.Context(), u.ID)
	if errors.Is(err, db.ErrLastAdmin) {
		h.renderAccount(c, http.StatusConflict, accountView{DeleteError: h.T(c, lastAdminDelete)})
		return
	}
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	h.sessions.setCookie(c, "", -1)
	h.redirect(c, "/", "deleted")
}
