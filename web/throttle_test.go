package web

import (
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
)

// A burst of parallel wrong passwords gets no more password checks than a
// sequential run: throttleFailures are checked (401), the rest refused (429).
func TestLogin_ParallelBurstGetsOnlyTheLimit(t *testing.T) {
	app := newTestApp(t)
	app.register(app.client(), "target@example.org")
	const attempts = 40
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		status = map[int]int{}
	)
	start := make(chan struct{})
	for range attempts {
		wg.Go(func() {
			<-start
			resp, _ := app.do(app.client(), "POST", "/api/v1/auth/login", map[string]string{"email": "target@example.org", "password": "a wrong guess"})
			mu.Lock()
			status[resp.StatusCode]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	if status[http.StatusUnauthorized] != throttleFailures || status[http.StatusTooManyRequests] != attempts-throttleFailures {
		t.Errorf("statuses %v: want %d checked (401) and %d refused (429)", status, throttleFailures, attempts-throttleFailures)
	}
}

// proxiedApp is a test app behind a trusted proxy, so each request can say
// which address it comes from with X-Forwarded-For.
func proxiedApp(t *testing.T, registrationsPerHour int) *testApp {
	t.Helper()
	clock := &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	dbPath := filepath.Join(t.TempDir(), "readiness.db")
	store, err := db.Open(dbPath, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return serveTestApp(t, Deps{Store: store, Profiles: profiles, Now: clock.Now, Logger: discardLogger(),
		Config: Config{BcryptCost: 4, TrustedProxies: []string{"127.0.0.1"}, RegistrationsPerHour: registrationsPerHour}}, store, dbPath, clock)
}

func (a *testApp) loginFrom(addr, email, password string) int {
	a.t.Helper()
	resp, _ := a.do(a.client(), "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password}, "X-Forwarded-For", addr)
	return resp.StatusCode
}

func TestLogin_LimitsPerPairAccountAndAddress(t *testing.T) {
	app := proxiedApp(t, 0)
	app.register(app.client(), "owner@example.org")
	const good, bad = "correct horse battery", "a wrong guess"

	// An attacker at one address gets throttleFailures guesses...
	for i := range throttleFailures {
		if got := app.loginFrom("198.51.100.1", "owner@example.org", bad); got != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, got)
		}
	}
	if got := app.loginFrom("198.51.100.1", "owner@example.org", bad); got != http.StatusTooManyRequests {
		t.Errorf("guess past the pair limit: %d, want 429", got)
	}
	// ... and does not lock the owner out elsewhere.
	if got := app.loginFrom("203.0.113.2", "owner@example.org", good); got != http.StatusOK {
		t.Errorf("owner from a clean address: %d, want 200", got)
	}
	// Guesses from many addresses reach the per-account bound; a clean
	// address still gets its check.
	for i := range throttleAccountFailures {
		app.loginFrom(fmt.Sprintf("198.51.101.%d", i), "owner@example.org", bad)
	}
	if got := app.loginFrom("198.51.101.1", "owner@example.org", bad); got != http.StatusTooManyRequests {
		t.Errorf("failed address at the account bound: %d, want 429", got)
	}
	if got := app.loginFrom("203.0.113.3", "owner@example.org", good); got != http.StatusOK {
		t.Errorf("owner from a clean address at the account bound: %d, want 200", got)
	}

	// A lab behind one address: many students mistype once, and the others
	// still log in from there.
	for i := range 30 {
		email := fmt.Sprintf("student%d@example.org", i)
		app.createUser(email, "learner")
		if got := app.loginFrom("192.0.2.50", email, bad); got != http.StatusUnauthorized {
			t.Fatalf("student %d mistyping: %d", i, got)
		}
	}
	app.createUser("latecomer@example.org", "learner")
	if got := app.loginFrom("192.0.2.50", "latecomer@example.org", good); got != http.StatusOK {
		t.Errorf("a student in the lab after 30 mistypes there: %d, want 200", got)
	}
}

func TestRegister_LimitedPerAddress(t *testing.T) {
	const limit = 12
	app := proxiedApp(t, limit)
	for i := range limit {
		resp, body := app.do(app.client(), "POST", "/api/v1/auth/register",
			map[string]string{"email": fmt.Sprintf("r%d@example.org", i), "password": "correct horse battery", "name": "R"}, "X-Forwarded-For", "192.0.2.9")
		expect(t, resp, body, http.StatusCreated)
	}
	resp, body := app.do(app.client(), "POST", "/api/v1/auth/register",
		map[string]string{"email": "one-more@example.org", "password": "correct horse battery", "name": "R"}, "X-Forwarded-For", "192.0.2.9")
	expect(t, resp, body, http.StatusTooManyRequests)
	if resp.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After on a refused registration")
	}
	resp, body = app.do(app.client(), "POST", "/api/v1/auth/register",
		map[string]string{"email": "elsewhere@example.org", "password": "correct horse battery", "name": "R"}, "X-Forwarded-For", "192.0.2.10")
	expect(t, resp, body, http.StatusCreated)
}
