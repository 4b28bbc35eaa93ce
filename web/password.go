package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
)

// passwordStore is what changing one's own password and ending one's other
// sessions use. Checks of the current password are throttled like logins,
// since a stolen session could otherwise guess it.
type passwordStore interface {
	ChangePassword(ctx context.Context, userID int64, hash string, next db.Session) error
	DeleteOtherSessions(ctx context.Context, userID int64, keepID string) (int64, error)
	ReserveLoginAttempt(ctx context.Context, keys []db.ThrottleKey, window time.Duration) (db.Reservation, error)
	ReleaseLoginAttempt(ctx context.Context, r db.Reservation) error
}

// passwordHandlers serve the password form and "log out everywhere else"
// on /account, and the same in the API.
type passwordHandlers struct {
	*site
	store    passwordStore
	sessions *sessions
	account  *accountHandlers // renders /account with the form's errors
}

// passwordChecks is how many wrong current passwords an account may send
// in throttleWindow before the form refuses to check more.
const passwordChecks = 5

// passwordChange is the form and the API body.
type passwordChange struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// problems lists what is wrong with the new password, before any check of
// the current one, each under its API field name.
func (p passwordChange) problems(s *site, c *gin.Context, u *db.User) []problem {
	var ps []problem
	if p.Current == "" {
		ps = append(ps, fieldProblem("current_password", s.T(c, "password.current_required")))
	}
	if err := account.CheckPassword(p.New, u.Email, u.Name); err != nil {
		pr := s.accountProblem(c, err)
		pr.Field = "new_password"
		ps = append(ps, pr)
	} else if p.New == p.Current {
		ps = append(ps, fieldProblem("new_password", s.T(c, "password.same")))
	}
	return ps
}

var errWrongPassword = errors.New("the current password is wrong")

// change checks the current password (throttled), then stores the new one,
// ending every session of the user and starting a fresh one for this
// browser. It returns errThrottled, errWrongPassword or a store error.
func (h *passwordHandlers) change(c *gin.Context, p passwordChange) error {
	ctx := c.Request.Context()
	u := currentUser(c)
	res, err := h.store.ReserveLoginAttempt(ctx,
		[]db.ThrottleKey{{Key: "password:" + strconv.FormatInt(u.ID, 10), Limit: passwordChecks}}, throttleWindow)
	if err != nil {
		return err
	}
	if res.Throttled() {
		retryAfter(c, max(res.ThrottledUntil.Sub(h.now()), time.Second))
		return errThrottled
	}
	if !passwordMatches(u, p.Current) {
		return errWrongPassword // the reservation stays, as the failure
	}
	if err := h.store.ReleaseLoginAttempt(ctx, res); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(p.New), bcryptCostFor(h.cfg))
	if err != nil {
		return err
	}
	token, next := h.sessions.next(u.ID)
	if err := h.store.ChangePassword(ctx, u.ID, string(hash), next); err != nil {
		return err
	}
	h.sessions.adopt(c, token, next)
	return nil
}

func (h *passwordHandlers) apiChangePassword(c *gin.Context) {
	var p passwordChange
	if !h.bindJSON(c, &p) {
		return
	}
	if ps := p.problems(h.site, c, currentUser(c)); len(ps) > 0 {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "password.invalid"), ps...)
		return
	}
	switch err := h.change(c, p); {
	case errors.Is(err, errThrottled):
		apiFail(c, http.StatusTooManyRequests, h.T(c, "password.throttled_api"))
	case errors.Is(err, errWrongPassword):
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "password.invalid"), fieldProblem("current_password", h.T(c, "api.password_mismatch_problem")))
	case err != nil:
		h.apiStoreError(c, err)
	default:
		c.Status(http.StatusNoContent)
	}
}

func (h *passwordHandlers) passwordSubmit(c *gin.Context) {
	p := passwordChange{Current: c.PostForm("current_password"), New: c.PostForm("new_password")}
	fail := func(status int, ps ...problem) {
		v := accountView{PasswordErrors: map[string]string{}}
		for _, pr := range ps {
			v.PasswordErrors[pr.Field] = pr.Problem
		}
		h.account.renderAccount(c, status, v)
	}
	if ps := p.problems(h.site, c, currentUser(c)); len(ps) > 0 {
		fail(http.StatusUnprocessableEntity, ps...)
		return
	}
	switch err := h.change(c, p); {
	case errors.Is(err, errThrottled):
		fail(http.StatusTooManyRequests, fieldProblem("current_password",
			h.T(c, "password.throttled", "Count", int(throttleWindow.Minutes()))))
	case errors.Is(err, errWrongPassword):
		fail(http.StatusUnprocessableEntity, fieldProblem("current_password", h.T(c, "password.wrong")))
	case err != nil:
		h.pageStoreError(c, err, "")
	default:
		h.redirect(c, "/account", "password-changed")
	}
}

// endOthers ends every session of the user but this one.
func (h *passwordHandlers) endOthers(c *gin.Context) (int64, error) {
	sess := currentSession(c)
	if sess == nil {
		return 0, fmt.Errorf("a logged-in request without a session")
	}
	return h.store.DeleteOtherSessions(c.Request.Context(), currentUser(c).ID, sess.ID)
}

func (h *passwordHandlers) apiLogoutOthers(c *gin.Context) {
	n, err := h.endOthers(c)
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"ended": n})
}

func (h *passwordHandlers) logoutOthersSubmit(c *gin.Context) {
	if _, err := h.endOthers(c); err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	h.redirect(c, "/account", "logged-out-elsewhere")
}
