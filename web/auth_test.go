package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/db"
)

// fakeAuthStore is the accounts, failed-login counts and sessions of the
// auth handlers, in memory. userErr, when set, is what every account
// lookup returns.
type fakeAuthStore struct {
	users    map[string]db.User // by email
	userErr  error
	failures map[string]int // by throttle key
	reserved []string       // the keys of the last reservation
	sessions map[string]db.Session
	sessErr  error // what SessionUser answers, when set
}

func newFakeAuthStore() *fakeAuthStore {
	return &fakeAuthStore{users: map[string]db.User{}, failures: map[string]int{}, sessions: map[string]db.Session{}}
}

func (f *fakeAuthStore) CreateUser(_ context.Context, u db.NewUser) (db.User, error) {
	if _, ok := f.users[u.Email]; ok {
		return db.User{}, db.ErrConflict
	}
	row := db.User{ID: int64(len(f.users) + 1), Email: u.Email, Name: u.Name, PasswordHash: u.PasswordHash, Role: u.Role}
	f.users[u.Email] = row
	return row, nil
}

func (f *fakeAuthStore) UserByEmail(_ context.Context, email string) (db.User, error) {
	if f.userErr != nil {
		return db.User{}, f.userErr
	}
	u, ok := f.users[email]
	if !ok {
		return db.User{}, fmt.Errorf("fake: %w", db.ErrNotFound)
	}
	return u, nil
}

func (f *fakeAuthStore) ClaimVisitorResults(context.Context, string, int64) ([]db.Assessment, error) {
	return nil, nil
}

func (f *fakeAuthStore) MoveSessionDraftToUser(context.Context, string, int64) (db.DraftMerge, error) {
	return db.DraftNoneToMove, nil
}

// ReserveLoginAttempt counts like the database does, with every failure
// made five minutes before the test clock.
func (f *fakeAuthStore) ReserveLoginAttempt(_ context.Context, keys []db.ThrottleKey, window time.Duration) (db.Reservation, error) {
	for _, k := range keys {
		if f.failures[k.Key] >= k.Limit && (k.OnlyAfter == "" || f.failures[k.OnlyAfter] > 0) {
			return db.Reservation{ThrottledUntil: time.Date(2026, 3, 2, 8, 55, 0, 0, time.UTC).Add(window), Key: k.Key}, nil
		}
	}
	f.reserved = f.reserved[:0]
	for _, k := range keys {
		f.failures[k.Key]++
		f.reserved = append(f.reserved, k.Key)
	}
	return db.Reservation{}, nil
}

func (f *fakeAuthStore) ReleaseLoginAttempt(context.Context, db.Reservation) error {
	for _, k := range f.reserved {
		if f.failures[k]--; f.failures[k] <= 0 {
			delete(f.failures, k)
		}
	}
	f.reserved = nil
	return nil
}

func (f *fakeAuthStore) ClearLoginFailures(_ context.Context, key string) error {
	delete(f.failures, key)
	return nil
}

func (f *fakeAuthStore) CreateSession(_ context.Context, s db.Session) error {
	f.sessions[s.ID] = s
	return nil
}

func (f *fakeAuthStore) SessionUser(ctx context.Context, id string) (db.Session, db.User, error) {
	if f.sessErr != nil {
		return db.Session{}, db.User{}, f.sessErr
	}
	s, ok := f.sessions[id]
	if !ok {
		return db.Session{}, db.User{}, db.ErrNotFound
	}
	if s.UserID == 0 {
		return s, db.User{}, nil
	}
	u, err := f.UserByID(ctx, s.UserID)
	return s, u, err
}

func (f *fakeAuthStore) TouchSession(context.Context, string, time.Time, time.Time) error { return nil }

func (f *fakeAuthStore) DeleteSession(_ context.Context, id string) error {
	delete(f.sessions, id)
	return nil
}

func (f *fakeAuthStore) UserByID(_ context.Context, id int64) (db.User, error) {
	for _, u := range f.users {
		if u.ID == id {
			return u, nil
		}
	}
	return db.User{}, db.ErrNotFound
}

// authTest serves the login routes of authHandlers over a fake store.
func authTest(t *testing.T, store *fakeAuthStore) http.Handler {
	t.Helper()
	s, _ := testSite(t)
	h := newAuthHandlers(s, store, store, &sessions{site: s, store: store})
	r := testEngine(nil)
	r.POST("/api/v1/auth/login", h.apiLogin)
	r.POST("/login", h.loginSubmit)
	return r
}

func TestAuthLogin_UnknownEmailIsBadCredentials(t *testing.T) {
	store := newFakeAuthStore()
	w := serveTest(t, authTest(t, store), "POST", "/api/v1/auth/login", "application/json", `{"email":"Nobody@Example.org","password":"correct horse battery"}`)
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401; %s", w.Code, w.Body)
	}
	var e apiError
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error != "email or password is incorrect" {
		t.Fatalf("body %s, want the bad-credentials error", w.Body)
	}
	// The failure counts against the normalised email, the address and the pair.
	if store.failures["pair:nobody@example.org|192.0.2.1"] != 1 || store.failures["account:nobody@example.org"] != 1 || store.failures["addr:192.0.2.1"] != 1 {
		t.Errorf("failures %v, want one for the pair, the account and the address", store.failures)
	}
	if len(store.sessions) != 0 || w.Header().Get("Set-Cookie") != "" {
		t.Errorf("a failed login made a session: %v, cookie %q", store.sessions, w.Header().Get("Set-Cookie"))
	}
}

func TestAuthLogin_WrongPasswordThenRightOne(t *testing.T) {
	store := newFakeAuthStore()
	store.users["ada@example.org"] = db.User{ID: 7, Email: "ada@example.org", Name: "Ada", Role: "learner", PasswordHash: mustHash(t, "correct horse battery")}
	h := authTest(t, store)

	w := serveTest(t, h, "POST", "/api/v1/auth/login", "application/json", `{"email":"ada@example.org","password":"not the password"}`)
	if w.Code != http.StatusUnauthorized || store.failures["pair:ada@example.org|192.0.2.1"] != 1 {
		t.Fatalf("wrong password: status %d, failures %v", w.Code, store.failures)
	}
	w = serveTest(t, h, "POST", "/api/v1/auth/login", "application/json", `{"email":" ADA@example.org ","password":"correct horse battery"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("right password: status %d; %s", w.Code, w.Body)
	}
	var me meResponse
	if err := json.Unmarshal(w.Body.Bytes(), &me); err != nil || me.ID != 7 || me.Email != "ada@example.org" {
		t.Fatalf("body %s, want Ada", w.Body)
	}
	if strings.Contains(w.Body.String(), "$2a$") {
		t.Fatalf("the response carries the hash: %s", w.Body)
	}
	// The right password forgives this address's failures and is not
	// counted itself; the account's earlier failure stays.
	if _, ok := store.failures["pair:ada@example.org|192.0.2.1"]; ok || store.failures["account:ada@example.org"] != 1 {
		t.Errorf("failures after the right password: %v", store.failures)
	}
	if len(store.sessions) != 1 || !strings.Contains(w.Header().Get("Set-Cookie"), sessionCookie+"=") {
		t.Errorf("sessions %v, cookie %q: want one new session and its cookie", store.sessions, w.Header().Get("Set-Cookie"))
	}
}

// A disabled account is told so, and whom to ask, only after the right
// password; a wrong one gets the same answer as for any account.
func TestAuthLogin_DisabledAccountToldOnlyAfterTheRightPassword(t *testing.T) {
	store := newFakeAuthStore()
	store.users["off@example.org"] = db.User{ID: 3, Email: "off@example.org", Role: "learner", Disabled: true, PasswordHash: mustHash(t, "correct horse battery")}
	h := authTest(t, store)
	w := serveTest(t, h, "POST", "/login", formType, url.Values{"email": {"off@example.org"}, "password": {"correct horse battery"}}.Encode())
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "This account is disabled") || !strings.Contains(w.Body.String(), "Ask an administrator") {
		t.Fatalf("page, right password: status %d, want 403 saying the account is disabled and whom to ask; %.300s", w.Code, w.Body)
	}
	w = serveTest(t, h, "POST", "/api/v1/auth/login", "application/json", `{"email":"off@example.org","password":"correct horse battery"}`)
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "This account is disabled") {
		t.Fatalf("API, right password: status %d, want 403 saying the account is disabled; %.300s", w.Code, w.Body)
	}
	if len(store.sessions) != 0 {
		t.Errorf("a disabled account got a session: %v", store.sessions)
	}
	w = serveTest(t, h, "POST", "/login", formType, url.Values{"email": {"off@example.org"}, "password": {"a wrong guess here"}}.Encode())
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "Email or password is incorrect.") || strings.Contains(w.Body.String(), "disabled") {
		t.Fatalf("page, wrong password: status %d, want 401 with the generic message; %.300s", w.Code, w.Body)
	}
	w = serveTest(t, h, "POST", "/api/v1/auth/login", "application/json", `{"email":"off@example.org","password":"a wrong guess here"}`)
	if w.Code != http.StatusUnauthorized || strings.Contains(w.Body.String(), "disabled") {
		t.Fatalf("API, wrong password: status %d, want 401 with the generic message; %.300s", w.Code, w.Body)
	}
}

func TestAuthLogin_ThrottledAfterFiveFailures(t *testing.T) {
	store := newFakeAuthStore()
	store.failures["pair:ada@example.org|192.0.2.1"] = throttleFailures
	w := serveTest(t, authTest(t, store), "POST", "/api/v1/auth/login", "application/json", `{"email":"ada@example.org","password":"correct horse battery"}`)
	// The oldest failure was five minutes ago, so the lockout ends in ten.
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "600" {
		t.Fatalf("status %d, Retry-After %q; want 429 and 600", w.Code, w.Header().Get("Retry-After"))
	}
}

func TestAuthLogin_StoreErrors(t *testing.T) {
	cases := []struct {
		err    error
		status int
		want   string
	}{
		{fmt.Errorf("lookup: %w", db.ErrUnavailable), http.StatusServiceUnavailable, "database cannot be written"},
		{errors.New("disk on fire"), http.StatusInternalServerError, "internal error"},
	}
	for _, tc := range cases {
		store := newFakeAuthStore()
		store.userErr = tc.err
		h := authTest(t, store)
		w := serveTest(t, h, "POST", "/api/v1/auth/login", "application/json", `{"email":"ada@example.org","password":"correct horse battery"}`)
		if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("API, %v: status %d %s; want %d with %q", tc.err, w.Code, w.Body, tc.status, tc.want)
		}
		w = serveTest(t, h, "POST", "/login", formType, "email=ada%40example.org&password=x")
		if w.Code != tc.status || !strings.Contains(w.Header().Get("Content-Type"), "text/html") {
			t.Errorf("page, %v: status %d (%s); want an HTML %d", tc.err, w.Code, w.Header().Get("Content-Type"), tc.status)
		}
		if len(store.failures) != 0 {
			t.Errorf("%v: a store error counted as a failed login: %v", tc.err, store.failures)
		}
	}
}

// A session the database cannot look up is an outage, not a logout:
// pages and API calls that need a user, and every write, answer 503 with a
// message and Retry-After and leave the cookie alone; a page anyone may
// see is served as to a visitor. A session that is not there is a
// visitor everywhere, as before.
func TestSessions_LookupFailureIsUnavailableNotLoggedOut(t *testing.T) {
	outage := map[string]int{"GET /progress": 503, "GET /api/v1/me": 503, "POST /api/v1/score": 503, "POST /assessment": 503, "GET /": 200}
	for _, c := range []struct {
		err  error
		want map[string]int
	}{
		{fmt.Errorf("db: session user: %w", db.ErrUnavailable), outage},
		{errors.New("db: session user: connection refused"), outage},
		{fmt.Errorf("db: session user: %w", db.ErrNotFound),
			map[string]int{"GET /progress": 303, "GET /api/v1/me": 401, "POST /api/v1/score": 200, "POST /assessment": 200, "GET /": 200}},
	} {
		store := newFakeAuthStore()
		store.sessErr = c.err
		s, logs := testSite(t)
		sess := &sessions{site: s, store: store}
		r := gin.New()
		r.Use(sess.load)
		visitor := func(g *gin.Context) {
			if currentUser(g) != nil {
				g.String(http.StatusTeapot, "a user")
				return
			}
			g.String(http.StatusOK, "a visitor")
		}
		r.GET("/", visitor)
		r.POST("/api/v1/score", visitor)
		r.POST("/assessment", visitor)
		r.GET("/progress", s.requireUser, visitor)
		r.GET("/api/v1/me", s.requireUser, visitor)
		for req, status := range c.want {
			method, path, _ := strings.Cut(req, " ")
			hr := httptest.NewRequest(method, path, nil)
			hr.AddCookie(&http.Cookie{Name: sessionCookie, Value: "some-token"})
			w := httptest.NewRecorder()
			r.ServeHTTP(w, hr)
			body := w.Body.String()
			if w.Code != status {
				t.Errorf("%v, %s: status %d, want %d; %.200s", c.err, req, w.Code, status, body)
				continue
			}
			if strings.Contains(w.Header().Get("Set-Cookie"), sessionCookie) {
				t.Errorf("%v, %s: the cookie was touched: %q", c.err, req, w.Header().Get("Set-Cookie"))
			}
			switch {
			case status == http.StatusOK && body != "a visitor":
				t.Errorf("%v, %s: %q, want it served as to a visitor", c.err, req, body)
			case status == http.StatusServiceUnavailable:
				if !strings.Contains(body, "cannot reach its database just now") || w.Header().Get("Retry-After") != "30" {
					t.Errorf("%s: body %.300s, Retry-After %q", req, body, w.Header().Get("Retry-After"))
				}
				var e apiError
				if isAPIPath(path) && (json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error == "") {
					t.Errorf("%s: API body %s, want the problem shape", req, body)
				}
			}
		}
		wantLog := !errors.Is(c.err, db.ErrNotFound) // an outage is logged, a missing session is not
		if logged := strings.Contains(logs.String(), "session lookup"); logged != wantLog {
			t.Errorf("%v: logged %v, want %v: %s", c.err, logged, wantLog, logs)
		}
	}
}

func isAPIPath(p string) bool { return strings.HasPrefix(p, "/api/") }
