package web

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
)

// testApp is the real router served by a real HTTP server on loopback, with
// a SQLite file in a temp dir. Every API answer, through the server or
// handler, is checked against openapi.json.
type testApp struct {
	t       testing.TB
	handler http.Handler // the router, its API answers checked against openapi.json
	router  http.Handler // the router alone, for benchmarks and fuzz targets (which check for themselves)
	srv     *httptest.Server
	metrics *prometheus.Registry // what the router's Metrics record, as /metrics would show it
	store   *db.Store
	dbPath  string
	clock   *testClock
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newTestApp(t testing.TB) *testApp {
	t.Helper()
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	return startTestApp(t, filepath.Join(t.TempDir(), "readiness.db"), clock, nil)
}

// startTestApp serves dbPath; profiles nil means the builtin ones.
func startTestApp(t testing.TB, dbPath string, clock *testClock, profiles *assessment.Registry) *testApp {
	t.Helper()
	return startTestAppConfig(t, dbPath, clock, profiles, nil)
}

// startTestAppWith serves dbPath with the builtin profiles and a config
// changed by set.
func startTestAppWith(t testing.TB, dbPath string, clock *testClock, set func(*Config)) *testApp {
	t.Helper()
	return startTestAppConfig(t, dbPath, clock, nil, set)
}

func startTestAppConfig(t testing.TB, dbPath string, clock *testClock, profiles *assessment.Registry, set func(*Config)) *testApp {
	t.Helper()
	store, err := db.Open(dbPath, clock.Now)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	if profiles == nil {
		if profiles, err = assessment.Builtin(); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{BcryptCost: 4}
	if set != nil {
		set(&cfg)
	}
	return serveTestApp(t, Deps{Store: store, Profiles: profiles, Now: clock.Now, Logger: discardLogger(), Config: cfg}, store, dbPath, clock)
}

// serveTestApp serves the router on a real loopback server, with metrics
// recorded into a registry of the app's own.
func serveTestApp(t testing.TB, d Deps, store *db.Store, dbPath string, clock *testClock) *testApp {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	d.Metrics = m
	r, err := NewRouter(d)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	checked := checkedHandler(t, r)
	app := &testApp{t: t, handler: checked, router: r, srv: httptest.NewServer(checked), metrics: reg, store: store, dbPath: dbPath, clock: clock}
	t.Cleanup(app.stop)
	return app
}

func (a *testApp) stop() {
	if a.srv != nil {
		a.srv.Close()
		a.store.Close()
		a.srv = nil
	}
}

// client is a browser-like client: it keeps cookies and does not follow
// redirects, so tests see each 303.
func (a *testApp) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// do sends a request; a non-nil body that is not []byte or string is sent as JSON.
func (a *testApp) do(c *http.Client, method, path string, body any, headers ...string) (*http.Response, []byte) {
	a.t.Helper()
	var r io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		r, ct = bytes.NewReader(b), "application/json"
	case string:
		r, ct = strings.NewReader(b), "application/json"
	case url.Values:
		r, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		data, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		r, ct = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequest(method, a.srv.URL+path, r)
	if err != nil {
		a.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

// expect fails the test unless the response has the status.
func expect(t testing.TB, resp *http.Response, body []byte, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body: %.400s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, body)
	}
}

func (a *testApp) register(c *http.Client, email string) meResponse {
	a.t.Helper()
	resp, body := a.do(c, "POST", "/api/v1/auth/register", map[string]string{"email": email, "password": "correct horse battery", "name": "Test " + email})
	expect(a.t, resp, body, http.StatusCreated)
	var me meResponse
	if err := json.Unmarshal(body, &me); err != nil {
		a.t.Fatal(err)
	}
	return me
}

// createUser adds an account of any role straight into the store.
func (a *testApp) createUser(email, role string) db.User {
	a.t.Helper()
	hash := mustHash(a.t, "correct horse battery")
	u, err := a.store.CreateUser(a.t.Context(), db.NewUser{Email: email, Name: "User " + email, PasswordHash: hash, Role: role})
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

func (a *testApp) login(c *http.Client, email string) {
	a.t.Helper()
	resp, body := a.do(c, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": "correct horse battery"})
	expect(a.t, resp, body, http.StatusOK)
}

// sampleSubmission is testdata/answers.json as a decoded body.
func sampleSubmission(t testing.TB) map[string]any {
	t.Helper()
	data, err := os.ReadFile("../testdata/answers.json")
	if err != nil {
		t.Fatal(err)
	}
	var sub map[string]any
	if err := json.Unmarshal(data, &sub); err != nil {
		t.Fatal(err)
	}
	return sub
}

// withAnswers returns a copy of the sample submission with some answers changed.
func withAnswers(t testing.TB, changes map[string]any) map[string]any {
	sub := sampleSubmission(t)
	answers := sub["answers"].(map[string]any)
	for k, v := range changes {
		if v == nil {
			delete(answers, k)
		} else {
			answers[k] = v
		}
	}
	return sub
}

// storeCount counts a table's rows by reading the database file directly.
func (a *testApp) storeCount(table string, n *int64) error {
	conn, err := sql.Open("sqlite3", "file:"+a.dbPath+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.QueryRow("SELECT COUNT(*) FROM " + table).Scan(n)
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func mustHash(t testing.TB, pw string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}
