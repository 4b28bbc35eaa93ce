package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
)

// Login throttling (DESIGN §5.2). Failures are counted in the database per
// account-and-address pair, per account (only against addresses that have
// failed themselves, so guessing from elsewhere never locks the owner out)
// and per address (high enough for a school lab behind one address).
const (
	throttleWindow          = 15 * time.Minute
	throttleFailures        = 5   // per account and address
	throttleAccountFailures = 20  // per account
	throttleAddressFailures = 100 // per address
	registerWindow          = time.Hour
	// maxCheckedPassword bounds what bcrypt is given at login; no real
	// password is longer, and bcrypt reads only 72 bytes anyway.
	maxCheckedPassword = 1024
)

// authStore is what registering and logging in use besides the sessions:
// the accounts, and what a visitor did before they had one.
type authStore interface {
	CreateUser(ctx context.Context, u db.NewUser) (db.User, error)
	UserByEmail(ctx context.Context, email string) (db.User, error)
	ClaimVisitorResults(ctx context.Context, sessionID string, userID int64) ([]db.Assessment, error)
	MoveSessionDraftToUser(ctx context.Context, sessionID string, userID int64) (db.DraftMerge, error)
}

// throttleStore counts failed logins in the database, so limits hold
// across restarts and instances.
type throttleStore interface {
	ReserveLoginAttempt(ctx context.Context, keys []db.ThrottleKey, window time.Duration) (db.Reservation, error)
	ReleaseLoginAttempt(ctx context.Context, r db.Reservation) error
	ClearLoginFailures(ctx context.Context, key string) error
}

// loginKeys are the counters one login attempt is charged to.
func loginKeys(email, ip string) []db.ThrottleKey {
	pair := "pair:" + email + "|" + ip
	return []db.ThrottleKey{
		{Key: pair, Limit: throttleFailures},
		{Key: "account:" + email, Limit: throttleAccountFailures, OnlyAfter: pair},
		{Key: "addr:" + ip, Limit: throttleAddressFailures},
	}
}

// authHandlers register, log in and log out, on the pages and in the API.
type authHandlers struct {
	*site
	users    authStore
	failures throttleStore
	sessions *sessions
	// bcryptCost is lowered by tests; production uses bcrypt.DefaultCost.
	bcryptCost int
	dummyHash  func() []byte
}

func newAuthHandlers(s *site, users authStore, failures throttleStore, sess *sessions) *authHandlers {
	cost := bcryptCostFor(s.cfg)
	return &authHandlers{site: s, users: users, failures: failures, sessions: sess, bcryptCost: cost, dummyHash: newDummyHash(cost)}
}

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

// accountProblem is a problem the account rules found, for the API and the
// forms alike, in the request's language: the catalog's
// "account.<code>".
func (s *site) accountProblem(c *gin.Context, err error) problem {
	return s.describeAccountProblem(c, err, "account.")
}

// theirAccountProblem is accountProblem worded about someone else, for an
// admin creating or editing another person's account (account.Theirs):
// "account.theirs.<code>" where the catalog has it.
func (s *site) theirAccountProblem(c *gin.Context, err error) problem {
	return s.describeAccountProblem(c, err, "account.theirs.")
}

func (s *site) describeAccountProblem(c *gin.Context, err error, prefix string) problem {
	var p *account.Problem
	if !errors.As(err, &p) {
		return fieldProblem("", err.Error())
	}
	pr := s.printer(c)
	key := prefix + p.Code
	if !pr.Has(key) {
		key = "account." + p.Code
	}
	if !pr.Has(key) {
		return fieldProblem(p.Field, p.Message) // a code the catalogs do not know yet
	}
	return fieldProblem(p.Field, pr.T(key, "MinPassword", account.MinPasswordChars, "MaxPassword", account.MaxPasswordBytes,
		"MaxName", account.MaxNameChars, "MaxGroup", account.MaxGroupChars, "MaxEmail", account.MaxEmailBytes))
}

// problems normalises the registration and lists what the account rules
// refuse in it, in the form's order; describe puts each in words.
func (r *registration) problems(describe func(error) problem) []problem {
	var ps []problem
	email, emailErr := account.NormalizeEmail(r.Email)
	if emailErr == nil {
		r.Email = email
	}
	name, nameErr := account.CheckName(r.Name)
	if nameErr == nil {
		r.Name = name
	}
	if emailErr != nil {
		ps = append(ps, describe(emailErr))
	}
	if err := account.CheckPassword(r.Password, r.Email, r.Name); err != nil {
		ps = append(ps, describe(err))
	}
	if nameErr != nil {
		ps = append(ps, describe(nameErr))
	}
	return ps
}

// createLearner registers a learner account, keeps any result and draft the
// visitor made in this browser, and logs them in with a fresh session.
func (h *authHandlers) createLearner(c *gin.Context, reg registration) (db.User, arrival, error) {
	if limit := h.cfg.RegistrationsPerHour; limit > 0 {
		r, err := h.failures.ReserveLoginAttempt(c.Request.Context(),
			[]db.ThrottleKey{{Key: "register:" + c.ClientIP(), Limit: limit}}, registerWindow)
		if err != nil {
			return db.User{}, arrival{}, err
		}
		if r.Throttled() {
			h.metrics.throttledAttempt(throttledRegister)
			retryAfter(c, max(r.ThrottledUntil.Sub(h.now()), time.Second))
			return db.User{}, arrival{}, errThrottled
		}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(reg.Password), h.bcryptCost)
	if err != nil {
		return db.User{}, arrival{}, err
	}
	u, err := h.users.CreateUser(c.Request.Context(), db.NewUser{Email: reg.Email, Name: reg.Name, PasswordHash: string(hash), Role: account.RoleLearner})
	if err != nil {
		return db.User{}, arrival{}, err
	}
	a, err := h.logIn(c, &u)
	return u, a, err
}

// arrival is what logging in did with what the visitor left in this
// browser: the results it saved to the account, and what became of the
// unfinished assessment.
type arrival struct {
	saved []db.Assessment // oldest first
	draft db.DraftMerge
}

// savedResultPath is the newest result saved at login, or "".
func (a arrival) savedResultPath() string {
	if len(a.saved) == 0 {
		return ""
	}
	return "/results/" + strconv.FormatInt(a.saved[len(a.saved)-1].ID, 10)
}

// flashes are the messages that say what happened at login, after the
// greeting given.
func (a arrival) flashes(greeting string) []string {
	codes := []string{greeting}
	if len(a.saved) > 0 {
		codes = []string{"saved"}
	}
	if a.draft == db.DraftKeptAccount {
		codes = append(codes, "draft-kept-account")
	}
	return codes
}

// logIn attaches what the visitor did to the account, whatever its role
// (a counselor or admin who took the assessment keeps their result too),
// and rotates the session.
func (h *authHandlers) logIn(c *gin.Context, u *db.User) (arrival, error) {
	ctx := c.Request.Context()
	old := currentSession(c)
	var a arrival
	if old != nil && old.UserID == 0 {
		var err error
		if a.saved, err = h.users.ClaimVisitorResults(ctx, old.ID, u.ID); err != nil {
			return a, err
		}
		if a.draft, err = h.users.MoveSessionDraftToUser(ctx, old.ID, u.ID); err != nil {
			return a, err
		}
	}
	if old != nil {
		if err := h.sessions.store.DeleteSession(ctx, old.ID); err != nil {
			return a, err
		}
	}
	if _, err := h.sessions.start(c, u.ID); err != nil {
		return a, err
	}
	c.Set(ctxUser, u)
	return a, nil
}

var (
	errThrottled = errors.New("too many attempts")
	errDisabled  = errors.New("account disabled")
)

// authenticate checks credentials. The attempt is reserved in the database
// before the password is checked, so parallel guesses get no more checks
// than sequential ones and limits hold across restarts and instances; a
// correct password releases it. It returns errThrottled with the wait, or
// db.ErrBadCredentials.
func (h *authHandlers) authenticate(ctx context.Context, ip string, cr credentials) (db.User, time.Duration, error) {
	email, err := account.NormalizeEmail(cr.Email)
	if err != nil {
		email = cr.Email // matches no account; still counted and timed as a failure
	}
	keys := loginKeys(email, ip)
	res, err := h.failures.ReserveLoginAttempt(ctx, keys, throttleWindow)
	if err != nil {
		return db.User{}, 0, err
	}
	if res.Throttled() {
		h.metrics.throttledAttempt(throttledLogin)
		return db.User{}, max(res.ThrottledUntil.Sub(h.now()), time.Second), errThrottled
	}
	u, err := h.users.UserByEmail(ctx, email)
	// An unknown email, and an invited account whose owner has not set a
	// password yet, are checked against the dummy hash: the same work, and
	// never a match (see below).
	hash := h.dummyHash()
	if err == nil && u.PasswordHash != "" {
		hash = []byte(u.PasswordHash)
	} else if err != nil && !errors.Is(err, db.ErrNotFound) {
		// Not the caller's failure: give the attempt back.
		if rerr := h.failures.ReleaseLoginAttempt(ctx, res); rerr != nil {
			h.log.Warn("release login attempt", "err", rerr)
		}
		return db.User{}, 0, err
	}
	if len(cr.Password) > maxCheckedPassword {
		cr.Password = cr.Password[:maxCheckedPassword]
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(cr.Password)) != nil || err != nil || u.PasswordHash == "" {
		h.metrics.loginFailed()
		return db.User{}, 0, db.ErrBadCredentials // the reservation stays, as the failure
	}
	if err := h.failures.ReleaseLoginAttempt(ctx, res); err != nil {
		return db.User{}, 0, err
	}
	if u.Disabled {
		// Only someone who knows the password learns that the account is
		// disabled; anyone else was told the credentials are wrong.
		return db.User{}, 0, errDisabled
	}
	// The pair's earlier failures are forgiven; the account's and the
	// address's stay, as they may be someone else's.
	if err := h.failures.ClearLoginFailures(ctx, keys[0].Key); err != nil {
		return db.User{}, 0, err
	}
	return u, 0, nil
}

func retryAfter(c *gin.Context, wait time.Duration) {
	c.Header("Retry-After", strconv.Itoa(int(wait.Round(time.Second).Seconds())))
}

// --- API ---

func (h *authHandlers) apiRegister(c *gin.Context) {
	var reg registration
	if !h.bindJSON(c, &reg) {
		return
	}
	if ps := reg.problems(func(err error) problem { return h.accountProblem(c, err) }); len(ps) > 0 {
		apiFail(c, http.StatusUnprocessableEntity, h.T(c, "api.invalid_registration"), ps...)
		return
	}
	u, _, err := h.createLearner(c, reg)
	if errors.Is(err, errThrottled) {
		apiFail(c, http.StatusTooManyRequests, h.T(c, "api.too_many_registrations"))
		return
	}
	if errors.Is(err, db.ErrConflict) {
		apiFail(c, http.StatusConflict, h.T(c, "api.email_taken"), fieldProblem("email", h.T(c, "api.email_taken_problem")))
		return
	}
	if err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusCreated, meOf(&u))
}

func (h *authHandlers) apiLogin(c *gin.Context) {
	var cr credentials
	if !h.bindJSON(c, &cr) {
		return
	}
	u, wait, err := h.authenticate(c.Request.Context(), c.ClientIP(), cr)
	switch {
	case errors.Is(err, errThrottled):
		retryAfter(c, wait)
		apiFail(c, http.StatusTooManyRequests, h.T(c, "api.too_many_logins"))
		return
	case errors.Is(err, db.ErrBadCredentials):
		apiFail(c, http.StatusUnauthorized, h.T(c, "api.bad_credentials"))
		return
	case errors.Is(err, errDisabled):
		apiFail(c, http.StatusForbidden, h.T(c, "login.disabled"))
		return
	case err != nil:
		h.apiStoreError(c, err)
		return
	}
	if _, err := h.logIn(c, &u); err != nil {
		h.apiStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, meOf(&u))
}

func (h *authHandlers) apiLogout(c *gin.Context) {
	if err := h.sessions.end(c); err != nil {
		h.apiStoreError(c, err)
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

func (h *authHandlers) registerPage(c *gin.Context) {
	if currentUser(c) != nil {
		c.Redirect(http.StatusSeeOther, "/progress")
		return
	}
	h.render(c, http.StatusOK, "register", h.T(c, "register.title"), authForm{Next: safeNext(c.Query("next")), Save: c.Query("save") != ""})
}

func (h *authHandlers) registerSubmit(c *gin.Context) {
	reg := registration{Email: c.PostForm("email"), Password: c.PostForm("password"), Name: c.PostForm("name")}
	form := authForm{Email: reg.Email, Name: reg.Name, Next: safeNext(c.PostForm("next")), Save: c.PostForm("save") != "", Errors: map[string]string{}}
	if ps := reg.problems(func(err error) problem { return h.accountProblem(c, err) }); len(ps) > 0 {
		for _, p := range ps {
			form.Errors[p.Field] = p.Problem
		}
		h.render(c, http.StatusUnprocessableEntity, "register", h.T(c, "register.title"), form)
		return
	}
	_, arrived, err := h.createLearner(c, reg)
	if errors.Is(err, errThrottled) {
		form.Error = h.T(c, "register.throttled")
		h.render(c, http.StatusTooManyRequests, "register", h.T(c, "register.title"), form)
		return
	}
	if errors.Is(err, db.ErrConflict) {
		form.Errors["email"] = h.T(c, "register.email_taken")
		h.render(c, http.StatusConflict, "register", h.T(c, "register.title"), form)
		return
	}
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	to := form.Next
	if p := arrived.savedResultPath(); form.Save && p != "" {
		to = p // the result they came to keep, now in their account
	}
	if to == "" {
		to = "/progress"
	}
	h.redirect(c, to, arrived.flashes("registered")...)
}

func (h *authHandlers) loginPage(c *gin.Context) {
	if u := currentUser(c); u != nil {
		c.Redirect(http.StatusSeeOther, homeFor(u))
		return
	}
	h.render(c, http.StatusOK, "login", h.T(c, "login.title"), authForm{Next: safeNext(c.Query("next")), Save: c.Query("save") != ""})
}

func (h *authHandlers) loginSubmit(c *gin.Context) {
	cr := credentials{Email: c.PostForm("email"), Password: c.PostForm("password")}
	form := authForm{Email: cr.Email, Next: safeNext(c.PostForm("next")), Save: c.PostForm("save") != ""}
	u, wait, err := h.authenticate(c.Request.Context(), c.ClientIP(), cr)
	switch {
	case errors.Is(err, errThrottled):
		retryAfter(c, wait)
		form.Error = h.T(c, "login.throttled", "Count", int(wait.Minutes())+1)
		h.render(c, http.StatusTooManyRequests, "login", h.T(c, "login.title"), form)
		return
	case errors.Is(err, db.ErrBadCredentials):
		form.Error = h.T(c, "login.bad_credentials")
		h.render(c, http.StatusUnauthorized, "login", h.T(c, "login.title"), form)
		return
	case errors.Is(err, errDisabled):
		form.Error = h.T(c, "login.disabled")
		h.render(c, http.StatusForbidden, "login", h.T(c, "login.title"), form)
		return
	case err != nil:
		h.pageStoreError(c, err, "")
		return
	}
	arrived, err := h.logIn(c, &u)
	if err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	to := form.Next
	if p := arrived.savedResultPath(); form.Save && p != "" {
		to = p // the result they came to keep, now in their account
	}
	if to == "" {
		to = homeFor(&u)
	}
	h.redirect(c, to, arrived.flashes("logged-in")...)
}

func (h *authHandlers) logoutSubmit(c *gin.Context) {
	if err := h.sessions.end(c); err != nil {
		h.log.Error("logout", "err", err)
	}
	h.redirect(c, "/", "logged-out")
}

// homeFor is where a user lands after logging in.
func homeFor(u *db.User) string {
	switch u.Role {
	case account.RoleCounselor:
		return "/counselor"
	case account.RoleAdmin:
		return "/admin/users"
	}
	return "/progress"
}
