package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/readiness/readiness/db"
)

const (
	minPasswordChars = 10
	maxPasswordBytes = 72 // bcrypt ignores anything longer
	maxNameChars     = 100
	maxEmailBytes    = 254

	throttleWindow   = 15 * time.Minute
	throttleFailures = 5
)

// bcryptCostFor is bcrypt's default unless the config lowers it for tests.
func bcryptCostFor(cfg Config) int {
	if cfg.BcryptCost >= bcrypt.MinCost && cfg.BcryptCost <= bcrypt.MaxCost {
		return cfg.BcryptCost
	}
	return bcrypt.DefaultCost
}

// newDummyHash returns the hash compared against when the email is unknown,
// so a login takes as long whether or not the account exists. It is made at
// the server's cost (bcrypt's default in production) on first use, not at
// start-up, so commands that never log anyone in do not pay for it.
func newDummyHash(cost int) func() []byte {
	return sync.OnceValue(func() []byte {
		h, _ := bcrypt.GenerateFromPassword([]byte("readiness-dummy-password"), cost)
		return h
	})
}

type registration struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
}

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func normalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckPassword returns what is wrong with a new password, or "".
func CheckPassword(pw string) string {
	switch {
	case utf8.RuneCountInString(pw) < minPasswordChars:
		return fmt.Sprintf("must be at least %d characters", minPasswordChars)
	case len(pw) > maxPasswordBytes:
		return fmt.Sprintf("must be at most %d bytes (about %d letters)", maxPasswordBytes, maxPasswordBytes)
	case !utf8.ValidString(pw):
		return "must be valid text"
	}
	return ""
}

func (r *registration) problems() []fieldProblem {
	var ps []fieldProblem
	r.Email = normalizeEmail(r.Email)
	r.Name = strings.TrimSpace(r.Name)
	if r.Email == "" {
		ps = append(ps, fieldProblem{"email", "is required"})
	} else if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email || len(r.Email) > maxEmailBytes {
		ps = append(ps, fieldProblem{"email", "must be an email address like name@example.com"})
	}
	if msg := CheckPassword(r.Password); msg != "" {
		ps = append(ps, fieldProblem{"password", msg})
	}
	switch {
	case r.Name == "":
		ps = append(ps, fieldProblem{"name", "is required"})
	case !utf8.ValidString(r.Name) || strings.ContainsAny(r.Name, "\x00\r\n"):
		ps = append(ps, fieldProblem{"name", "must be plain text on one line"})
	case utf8.RuneCountInString(r.Name) > maxNameChars:
		ps = append(ps, fieldProblem{"name", fmt.Sprintf("must be at most %d characters", maxNameChars)})
	}
	return ps
}

// createLearner registers a learner account, keeps any result and draft the
// visitor made in this browser, and logs them in with a fresh session.
func (s *server) createLearner(c *gin.Context, reg registration) (db.User, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(reg.Password), s.bcryptCost)
	if err != nil {
		return db.User{}, err
	}
	u, err := s.store.CreateUser(c.Request.Context(), db.NewUser{Email: reg.Email, Name: reg.Name, PasswordHash: string(hash), Role: "learner"})
	if err != nil {
		return db.User{}, err
	}
	return u, s.logIn(c, &u)
}

// logIn attaches what the visitor did to the account and rotates the session.
func (s *server) logIn(c *gin.Context, u *db.User) error {
	ctx := c.Request.Context()
	old := currentSession(c)
	if old != nil && old.UserID == 0 && u.Role == "learner" {
		if _, err := s.store.ClaimVisitorResults(ctx, old.ID, u.ID); err != nil {
			return err
		}
		if err := s.store.MoveSessionDraftToUser(ctx, old.ID, u.ID); err != nil {
			return err
		}
	}
	if old != nil {
		if err := s.store.DeleteSession(ctx, old.ID); err != nil {
			return err
		}
	}
	if _, err := s.startSession(c, u.ID); err != nil {
		return err
	}
	c.Set(ctxUser, u)
	return nil
}

var errThrottled = errors.New("too many failed logins")

// authenticate checks credentials, counting failures per account and per
// client address in the database so limits hold across restarts. It
// returns errThrottled with the wait, or db.ErrNotFound for bad credentials.
func (s *server) authenticate(ctx context.Context, ip string, cr credentials) (db.User, time.Duration, error) {
	email := normalizeEmail(cr.Email)
	keys := []string{"email:" + email, "ip:" + ip}
	now := s.now()
	since := now.Add(-throttleWindow)
	for _, key := range keys {
		n, err := s.store.CountLoginFailures(ctx, key, since)
		if err != nil {
			return db.User{}, 0, err
		}
		if n >= throttleFailures {
			oldest, err := s.store.OldestLoginFailure(ctx, key, since)
			if err != nil {
				return db.User{}, 0, err
			}
			wait := oldest.Add(throttleWindow).Sub(now)
			return db.User{}, max(wait, time.Second), errThrottled
		}
	}
	u, err := s.store.UserByEmail(ctx, email)
	var hash []byte
	if err == nil {
		hash = []byte(u.PasswordHash)
	} else if errors.Is(err, db.ErrNotFound) {
		hash = s.dummyHash()
	} else {
		return db.User{}, 0, err
	}
	if len(cr.Password) > 1024 {
		cr.Password = cr.Password[:1024]
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(cr.Password)) != nil || err != nil || u.Disabled {
		if rerr := s.store.RecordLoginFailure(ctx, keys...); rerr != nil {
			return db.User{}, 0, rerr
		}
		return db.User{}, 0, db.ErrNotFound
	}
	if err := s.store.ClearLoginFailures(ctx, keys[0]); err != nil {
		return db.User{}, 0, err
	}
	return u, 0, nil
}

func retryAfter(c *gin.Context, wait time.Duration) {
	c.Header("Retry-After", strconv.Itoa(int(wait.Round(time.Second).Seconds())))
}

// --- API ---

func (s *server) apiRegister(c *gin.Context) {
	var reg registration
	if !s.bindJSON(c, &reg) {
		return
	}
	if ps := reg.problems(); len(ps) > 0 {
		abortFields(c, http.StatusUnprocessableEntity, "invalid registration", ps...)
		return
	}
	u, err := s.createLearner(c, reg)
	if errors.Is(err, db.ErrConflict) {
		abortFields(c, http.StatusConflict, "email already registered", fieldProblem{"email", "is already registered; log in instead"})
		return
	}
	if err != nil {
		s.abortStoreError(c, err)
		return
	}
	c.JSON(http.StatusCreated, s.meResponse(&u))
}

func (s *server) apiLogin(c *gin.Context) {
	var cr credentials
	if !s.bindJSON(c, &cr) {
		return
	}
	u, wait, err := s.authenticate(c.Request.Context(), c.ClientIP(), cr)
	switch {
	case errors.Is(err, errThrottled):
		retryAfter(c, wait)
		abortJSON(c, http.StatusTooManyRequests, "too many failed logins; try again later")
		return
	case errors.Is(err, db.ErrNotFound):
		abortJSON(c, http.StatusUnauthorized, "email or password is incorrect")
		return
	case err != nil:
		s.abortStoreError(c, err)
		return
	}
	if err := s.logIn(c, &u); err != nil {
		s.abortStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.meResponse(&u))
}

func (s *server) apiLogout(c *gin.Context) {
	if err := s.endSession(c); err != nil {
		s.abortStoreError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// --- pages ---

type authForm struct {
	Email, Name, Next string
	Errors            map[string]string
	Error             string
	Save              bool // the visitor came to keep a result
}

func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	return next
}

func (s *server) registerPage(c *gin.Context) {
	if currentUser(c) != nil {
		c.Redirect(http.StatusSeeOther, "/progress")
		return
	}
	s.render(c, http.StatusOK, "register", "Create an account", authForm{Next: safeNext(c.Query("next")), Save: c.Query("save") != ""})
}

func (s *server) registerSubmit(c *gin.Context) {
	reg := registration{Email: c.PostForm("email"), Password: c.PostForm("password"), Name: c.PostForm("name")}
	form := authForm{Email: reg.Email, Name: reg.Name, Next: safeNext(c.PostForm("next")), Save: c.PostForm("save") != "", Errors: map[string]string{}}
	if ps := reg.problems(); len(ps) > 0 {
		for _, p := range ps {
			form.Errors[p.Field] = p.Problem
		}
		s.render(c, http.StatusUnprocessableEntity, "register", "Create an account", form)
		return
	}
	_, err := s.createLearner(c, reg)
	if errors.Is(err, db.ErrConflict) {
		form.Errors["email"] = "is already registered: log in instead"
		s.render(c, http.StatusConflict, "register", "Create an account", form)
		return
	}
	if err != nil {
		s.log.Error("register", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not create your account. Please try again.")
		return
	}
	to := form.Next
	if to == "" {
		to = "/progress"
	}
	flash := "registered"
	if form.Save {
		flash = "saved"
	}
	s.redirect(c, to, flash)
}

func (s *server) loginPage(c *gin.Context) {
	if currentUser(c) != nil {
		c.Redirect(http.StatusSeeOther, homeFor(currentUser(c)))
		return
	}
	s.render(c, http.StatusOK, "login", "Log in", authForm{Next: safeNext(c.Query("next")), Save: c.Query("save") != ""})
}

func (s *server) loginSubmit(c *gin.Context) {
	cr := credentials{Email: c.PostForm("email"), Password: c.PostForm("password")}
	form := authForm{Email: cr.Email, Next: safeNext(c.PostForm("next")), Save: c.PostForm("save") != ""}
	u, wait, err := s.authenticate(c.Request.Context(), c.ClientIP(), cr)
	switch {
	case errors.Is(err, errThrottled):
		retryAfter(c, wait)
		form.Error = fmt.Sprintf("Too many failed attempts. Try again in %d minutes.", int(wait.Minutes())+1)
		s.render(c, http.StatusTooManyRequests, "login", "Log in", form)
		return
	case errors.Is(err, db.ErrNotFound):
		form.Error = "Email or password is incorrect."
		s.render(c, http.StatusUnauthorized, "login", "Log in", form)
		return
	case err != nil:
		s.log.Error("login", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not log you in. Please try again.")
		return
	}
	if err := s.logIn(c, &u); err != nil {
		s.log.Error("login", "err", err)
		s.renderError(c, http.StatusInternalServerError, "We could not log you in. Please try again.")
		return
	}
	to := form.Next
	if to == "" {
		to = homeFor(&u)
	}
	s.redirect(c, to, "logged-in")
}

func (s *server) logoutSubmit(c *gin.Context) {
	if err := s.endSession(c); err != nil {
		s.log.Error("logout", "err", err)
	}
	s.redirect(c, "/", "logged-out")
}

// homeFor is where a user lands after logging in.
func homeFor(u *db.User) string {
	switch u.Role {
	case "counselor":
		return "/counselor"
	case "admin":
		return "/admin/users"
	}
	return "/progress"
}
