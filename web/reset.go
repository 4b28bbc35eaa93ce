package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
)

// resetStore is what the /reset/{token} page uses: the link a token names,
// and using it. Using it stores the new password and the new session in
// one transaction.
type resetStore interface {
	ResetLinkFor(ctx context.Context, selector, verifierHash string) (db.ResetLink, error)
	UseResetLink(ctx context.Context, selector, verifierHash, passwordHash string, next db.Session) (db.User, error)
	DeleteSession(ctx context.Context, id string) error
}

// resetHandlers serve /reset/{token}: the form that sets a password through
// an invitation or reset link, and the pages that say why a link no longer
// works.
type resetHandlers struct {
	*site
	store    resetStore
	sessions *sessions
}

// resetView is the /reset page: a form, or the reason the link cannot be
// used (State), with what to do.
type resetView struct {
	State     string // "" (the form), "unknown", "used", "replaced", "expired", "disabled"
	Link      db.ResetLink
	Token     string
	Error     string   // the password's problem
	Other     *db.User // someone else logged in in this browser
	MinLength int
}

// resetLink reads the token from the path and finds its link, answering
// with the page that says why when it cannot be used.
func (h *resetHandlers) resetLink(c *gin.Context) (sel, hash string, l db.ResetLink, ok bool) {
	token := c.Param("token")
	sel, hash, ok = account.ParseResetToken(token)
	if !ok {
		h.resetEnded(c, resetView{State: "unknown"})
		return "", "", l, false
	}
	l, err := h.store.ResetLinkFor(c.Request.Context(), sel, hash)
	if err != nil {
		h.resetError(c, l, err)
		return "", "", l, false
	}
	return sel, hash, l, true
}

// resetError answers a link that cannot be used, or a store failure.
func (h *resetHandlers) resetError(c *gin.Context, l db.ResetLink, err error) {
	v := resetView{Link: l}
	switch {
	case isNotFound(err):
		v.State = "unknown"
	case errors.Is(err, db.ErrLinkUsed):
		v.State = "used"
	case errors.Is(err, db.ErrLinkReplaced):
		v.State = "replaced"
	case errors.Is(err, db.ErrLinkExpired):
		v.State = "expired"
	case errors.Is(err, db.ErrAccountDisabled):
		v.State = "disabled"
	default:
		h.pageStoreError(c, err, "")
		return
	}
	h.resetEnded(c, v)
}

// resetEnded is the page for a link that cannot be used: 404 for one that
// never existed, 403 for a disabled account, 410 Gone for the rest.
func (h *resetHandlers) resetEnded(c *gin.Context, v resetView) {
	status := http.StatusGone
	switch v.State {
	case "unknown":
		status = http.StatusNotFound
	case "disabled":
		status = http.StatusForbidden
	}
	h.renderReset(c, status, v)
}

func (h *resetHandlers) renderReset(c *gin.Context, status int, v resetView) {
	title := h.T(c, "reset.title_set")
	switch {
	case v.State != "":
		title = h.T(c, "reset.title_ended")
	case !v.Link.Invite:
		title = h.T(c, "reset.title_new")
	}
	if u := currentUser(c); u != nil && u.ID != v.Link.UserID {
		v.Other = u
	}
	v.Token, v.MinLength = c.Param("token"), account.MinPasswordChars
	// The page holds a secret in its address: never let it be kept.
	c.Header("Referrer-Policy", "no-referrer")
	h.render(c, status, "reset", title, v)
}

func (h *resetHandlers) resetPage(c *gin.Context) {
	_, _, l, ok := h.resetLink(c)
	if !ok {
		return
	}
	h.renderReset(c, http.StatusOK, resetView{Link: l})
}

func (h *resetHandlers) resetSubmit(c *gin.Context) {
	sel, hash, l, ok := h.resetLink(c)
	if !ok {
		return
	}
	pw := c.PostForm("new_password")
	if err := account.CheckPassword(pw, l.Email, l.Name); err != nil {
		h.renderReset(c, http.StatusUnprocessableEntity, resetView{Link: l, Error: h.accountProblem(c, err).Problem})
		return
	}
	pwHash, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCostFor(h.cfg))
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	ctx := c.Request.Context()
	token, next := h.sessions.next(l.UserID)
	u, err := h.store.UseResetLink(ctx, sel, hash, string(pwHash), next)
	if err != nil {
		h.resetError(c, l, err) // used or expired a moment ago, say
		return
	}
	// Whoever was logged in in this browser is not any more: a fresh
	// session for the person, as at any login.
	if old := currentSession(c); old != nil && old.UserID != u.ID {
		if err := h.store.DeleteSession(ctx, old.ID); err != nil {
			h.log.Warn("reset: end the previous session", "err", err)
		}
	}
	h.sessions.adopt(c, token, next)
	c.Set(ctxUser, &u)
	h.redirect(c, homeFor(&u), "password-set")
}

// resetLinkView is a reset link as the admin pages show it: the full
// address to copy and when it stops working.
type resetLinkView struct {
	For       string // whom it is for
	URL       string
	ExpiresAt time.Time
	Invite    bool
}
