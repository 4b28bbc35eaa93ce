package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

type storedResult struct {
	ID        int64   `json:"id"`
	CreatedAt string  `json:"created_at"`
	Overall   float64 `json:"overall"`
	Band      string  `json:"band"`
	Profile   struct {
		ID, Version string
	} `json:"profile"`
	Steps []struct {
		ID string `json:"id"`
	} `json:"steps"`
	Answers map[string]any `json:"answers"`
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T: %v; body %.300s", v, err, body)
	}
	return v
}

func TestFlow_RegisterSubmitHistoryCompareExportDelete(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	me := app.register(c, "ada@example.org")
	if me.Role != "learner" || me.Email != "ada@example.org" || me.ShareCode != "" {
		t.Fatalf("register returned %+v", me)
	}

	resp, body := app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	first := decode[storedResult](t, body)
	if first.ID == 0 || first.CreatedAt == "" || first.Band != "nearly-ready" || first.Profile.ID != "ecommerce-manager" {
		t.Fatalf("first result: %+v", first)
	}
	if first.Answers["edu.degree"] != "bachelor" {
		t.Fatalf("stored answers missing: %v", first.Answers)
	}

	app.clock.Advance(24 * time.Hour)
	better := withAnswers(t, map[string]any{"sec.practices": 4, "sec.threats": 4, "sec.payments": 4, "sec.incidents": 3})
	resp, body = app.do(c, "POST", "/api/v1/assessments", better)
	expect(t, resp, body, http.StatusCreated)
	second := decode[storedResult](t, body)
	if second.Overall <= first.Overall {
		t.Fatalf("better answers scored %.2f, not above %.2f", second.Overall, first.Overall)
	}

	resp, body = app.do(c, "GET", "/api/v1/assessments", nil)
	expect(t, resp, body, http.StatusOK)
	list := decode[struct{ Assessments []storedResult }](t, body)
	if len(list.Assessments) != 2 || list.Assessments[0].ID != second.ID || list.Assessments[1].ID != first.ID {
		t.Fatalf("history not newest first: %+v", list.Assessments)
	}

	resp, body = app.do(c, "GET", "/api/v1/assessments/"+strconv.FormatInt(first.ID, 10), nil)
	expect(t, resp, body, http.StatusOK)
	if got := decode[storedResult](t, body); got.Overall != first.Overall {
		t.Fatalf("GET one: overall %.4f, want %.4f", got.Overall, first.Overall)
	}

	resp, body = app.do(c, "GET", "/progress", nil)
	expect(t, resp, body, http.StatusOK)
	resp, body = app.do(c, "GET", "/progress/compare?a="+strconv.FormatInt(first.ID, 10)+"&b="+strconv.FormatInt(second.ID, 10), nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Online security") {
		t.Fatalf("compare page lacks the dimension that changed")
	}

	resp, body = app.do(c, "GET", "/api/v1/me/export", nil)
	expect(t, resp, body, http.StatusOK)
	exp := decode[struct {
		User        struct{ Email string }
		Assessments []struct{ ID int64 }
	}](t, body)
	if exp.User.Email != "ada@example.org" || len(exp.Assessments) != 2 {
		t.Fatalf("export: %+v", exp)
	}
	if strings.Contains(string(body), "password") || strings.Contains(string(body), "$2a$") {
		t.Fatalf("export leaks the password hash: %s", body)
	}

	resp, body = app.do(c, "DELETE", "/api/v1/me", map[string]string{"password": "wrong password!"})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	resp, body = app.do(c, "DELETE", "/api/v1/me", map[string]string{"password": "correct horse battery"})
	expect(t, resp, body, http.StatusNoContent)

	resp, body = app.do(c, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusUnauthorized)
	resp, body = app.do(app.client(), "POST", "/api/v1/auth/login", map[string]string{"email": "ada@example.org", "password": "correct horse battery"})
	expect(t, resp, body, http.StatusUnauthorized)
	var n int64
	for _, table := range []string{"users", "sessions", "assessments", "learner_stats", "drafts"} {
		if err := app.storeCount(table, &n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s still has %d rows after the account was deleted", table, n)
		}
	}
}

func TestAPI_ErrorStatuses(t *testing.T) {
	app := newTestApp(t)
	learner := app.client()
	app.register(learner, "lin@example.org")
	app.createUser("coach@example.org", "counselor")
	counselor := app.client()
	app.login(counselor, "coach@example.org")
	anon := app.client()

	big := `{"profile":"ecommerce-manager","answers":{"x":"` + strings.Repeat("a", 70<<10) + `"}}`
	cases := []struct {
		name   string
		client *http.Client
		method string
		path   string
		body   any
		status int
		want   string
	}{
		{"malformed JSON", learner, "POST", "/api/v1/assessments", `{"profile":`, 400, "malformed JSON"},
		{"trailing data", learner, "POST", "/api/v1/score", `{"answers":{}} {}`, 400, "malformed JSON"},
		{"not logged in", anon, "POST", "/api/v1/assessments", sampleSubmission(t), 401, "not logged in"},
		{"me anonymous", anon, "GET", "/api/v1/me", nil, 401, "not logged in"},
		{"wrong role", counselor, "POST", "/api/v1/assessments", sampleSubmission(t), 403, "learner"},
		{"missing result", learner, "GET", "/api/v1/assessments/999999", nil, 404, "not found"},
		{"bad id", learner, "GET", "/api/v1/assessments/abc", nil, 404, "not found"},
		{"unknown profile", anon, "GET", "/api/v1/profiles/astronaut", nil, 404, "no such profile"},
		{"email taken", anon, "POST", "/api/v1/auth/register", map[string]string{"email": "LIN@example.org", "password": "another long password", "name": "Lin"}, 409, "email"},
		{"body too large", learner, "POST", "/api/v1/assessments", big, 413, "too large"},
		{"invalid answers", learner, "POST", "/api/v1/assessments", withAnswers(t, map[string]any{"mkt.sem": 7, "web.years": nil}), 422, `"question":"mkt.sem"`},
		{"invalid registration", anon, "POST", "/api/v1/auth/register", map[string]string{"email": "nope", "password": "short", "name": ""}, 422, `"field":"password"`},
		{"no content type", learner, "POST", "/api/v1/score", nil, 415, "Content-Type must be application/json"},
		{"unknown route", anon, "GET", "/api/v1/nothing", nil, 404, "not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := app.do(tc.client, tc.method, tc.path, tc.body)
			expect(t, resp, body, tc.status)
			if !strings.Contains(string(body), tc.want) {
				t.Fatalf("body %.300s lacks %q", body, tc.want)
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("API error is %s, not JSON", resp.Header.Get("Content-Type"))
			}
			var e apiError
			if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
				t.Fatalf("error body %s is not {error,...}", body)
			}
		})
	}

	t.Run("every problem listed", func(t *testing.T) {
		resp, body := app.do(learner, "POST", "/api/v1/score", withAnswers(t, map[string]any{"mkt.sem": 7, "web.years": nil, "edu.certifications": []string{"none", "security"}, "nope": 1}))
		expect(t, resp, body, 422)
		e := decode[apiError](t, body)
		got := map[string]bool{}
		for _, p := range e.Problems {
			got[p.Question] = true
		}
		for _, q := range []string{"mkt.sem", "web.years", "edu.certifications", "nope"} {
			if !got[q] {
				t.Errorf("problem for %s missing: %s", q, body)
			}
		}
	})

	// A null in a list of options is a list of the wrong things, named by
	// its question, in the reader's language; not an empty option key.
	t.Run("null inside a multi-choice list", func(t *testing.T) {
		for _, tt := range []struct{ lang, want string }{
			{"en", "must be a list of option keys: digital-marketing, web-development, security, project-management, ecommerce-platform, none"},
			{"es", "debe ser una lista de claves de opción: digital-marketing, web-development, security, project-management, ecommerce-platform, none"},
		} {
			resp, body := app.do(learner, "POST", "/api/v1/score?lang="+tt.lang, `{"answers":{"edu.certifications":[null]}}`)
			expect(t, resp, body, 422)
			var found bool
			for _, p := range decode[apiError](t, body).Problems {
				if p.Question == "edu.certifications" {
					found = true
					if p.Problem != tt.want {
						t.Errorf("%s: edu.certifications: %q, want %q", tt.lang, p.Problem, tt.want)
					}
				}
			}
			if !found {
				t.Errorf("%s: no problem names edu.certifications: %s", tt.lang, body)
			}
		}
	})

	t.Run("form content type refused", func(t *testing.T) {
		resp, body := app.do(learner, "POST", "/api/v1/score", `{}`, "Content-Type", "text/plain")
		expect(t, resp, body, http.StatusUnsupportedMediaType)
	})
}

func TestAPI_LearnerCannotReadAnotherLearnersResult(t *testing.T) {
	app := newTestApp(t)
	alice, bob := app.client(), app.client()
	app.register(alice, "alice@example.org")
	app.register(bob, "bob@example.org")
	resp, body := app.do(alice, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	id := strconv.FormatInt(decode[storedResult](t, body).ID, 10)

	resp, body = app.do(bob, "GET", "/api/v1/assessments/"+id, nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = app.do(bob, "GET", "/results/"+id, nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = app.do(bob, "GET", "/progress/compare?a="+id+"&b="+id, nil)
	expect(t, resp, body, http.StatusNotFound)
	resp, body = app.do(bob, "GET", "/api/v1/assessments", nil)
	expect(t, resp, body, http.StatusOK)
	if strings.Contains(string(body), `"id":`+id+",") {
		t.Fatalf("bob's history shows alice's result: %s", body)
	}
	resp, body = app.do(alice, "GET", "/results/"+id, nil)
	expect(t, resp, body, http.StatusOK)
}

func TestAPI_CrossSitePostIsRejected(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "cs@example.org")
	resp, body := app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t), "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	expect(t, resp, body, http.StatusForbidden)
	resp, body = app.do(c, "POST", "/account/delete", "password=correct+horse+battery", "Content-Type", "application/x-www-form-urlencoded", "Origin", "https://evil.example")
	expect(t, resp, body, http.StatusForbidden)
	resp, body = app.do(c, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusOK) // the account is still there

	// The same request from the app's own origin goes through.
	resp, body = app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t), "Sec-Fetch-Site", "same-origin", "Origin", app.srv.URL)
	expect(t, resp, body, http.StatusCreated)
}

func TestAPI_LogoutEndsSessionServerSide(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "out@example.org")
	u, _ := http.NewRequest("GET", app.srv.URL, nil)
	stolen := c.Jar.Cookies(u.URL)
	if len(stolen) == 0 {
		t.Fatal("no session cookie after register")
	}
	resp, body := app.do(c, "POST", "/api/v1/auth/logout", nil)
	expect(t, resp, body, http.StatusNoContent)

	replay := app.client()
	replay.Jar.SetCookies(u.URL, stolen)
	resp, body = app.do(replay, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusUnauthorized)
}

func TestAPI_SessionCookieIsHttpOnlyLaxAndRotatesAtLogin(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "cookie@example.org")
	resp, body := app.do(c, "POST", "/api/v1/auth/login", map[string]string{"email": "cookie@example.org", "password": "correct horse battery"})
	expect(t, resp, body, http.StatusOK)
	set := resp.Header.Get("Set-Cookie")
	for _, want := range []string{sessionCookie + "=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(set, want) {
			t.Fatalf("Set-Cookie %q lacks %q", set, want)
		}
	}
	var n int64
	if err := app.storeCount("sessions", &n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d sessions after logging in again; the old one should be replaced", n)
	}
}

func TestAPI_SecurityHeadersOnEveryResponse(t *testing.T) {
	app := newTestApp(t)
	for _, path := range []string{"/", "/api/v1/me", "/static/app.css", "/nope", "/healthz"} {
		resp, _ := app.do(app.client(), "GET", path, nil)
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: missing nosniff or Referrer-Policy", path)
		}
	}
}

func TestAPI_LoginThrottleHoldsAcrossRestart(t *testing.T) {
	app := newTestApp(t)
	app.register(app.client(), "slow@example.org")
	bad := map[string]string{"email": "slow@example.org", "password": "not the password"}
	for i := 0; i < throttleFailures; i++ {
		resp, body := app.do(app.client(), "POST", "/api/v1/auth/login", bad)
		expect(t, resp, body, http.StatusUnauthorized)
	}
	// Restart on the same database file: the count is stored.
	path, clock := app.dbPath, app.clock
	app.stop()
	app = startTestApp(t, path, clock, nil)
	resp, body := app.do(app.client(), "POST", "/api/v1/auth/login", map[string]string{"email": "slow@example.org", "password": "correct horse battery"})
	expect(t, resp, body, http.StatusTooManyRequests)
	if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra <= 0 || ra > 15*60 {
		t.Fatalf("Retry-After %q", resp.Header.Get("Retry-After"))
	}
	clock.Advance(16 * time.Minute)
	resp, body = app.do(app.client(), "POST", "/api/v1/auth/login", map[string]string{"email": "slow@example.org", "password": "correct horse battery"})
	expect(t, resp, body, http.StatusOK)
}

func TestAPI_ScoreAndProfile(t *testing.T) {
	app := newTestApp(t)
	resp, body := app.do(app.client(), "POST", "/api/v1/score", sampleSubmission(t))
	expect(t, resp, body, http.StatusOK)
	res := decode[map[string]any](t, body)
	for _, k := range []string{"profile", "overall", "band", "requirements", "warnings", "dimensions", "steps"} {
		if _, ok := res[k]; !ok {
			t.Errorf("score result lacks %q", k)
		}
	}
	resp, body = app.do(app.client(), "GET", "/api/v1/profiles/ecommerce-manager", nil)
	expect(t, resp, body, http.StatusOK)
	p := decode[struct {
		ID        string
		Questions []struct {
			ID      string
			Options []struct{ Key string }
		}
	}](t, body)
	if p.ID != "ecommerce-manager" || len(p.Questions) != 31 {
		t.Fatalf("profile: id %q, %d questions", p.ID, len(p.Questions))
	}
	for _, q := range p.Questions {
		if len(q.Options) == 0 {
			t.Errorf("question %s has no options in the API", q.ID)
		}
	}
	var n int64
	if err := app.storeCount("assessments", &n); err != nil || n != 0 {
		t.Fatalf("score stored something: %d rows, %v", n, err)
	}
}

func TestAPI_SessionExpiresWhenIdleAndAtAbsoluteLimit(t *testing.T) {
	app := newTestApp(t)
	idle, hard := DefaultConfig().SessionIdle, DefaultConfig().SessionMax

	c := app.client()
	app.register(c, "idle@example.org")
	app.clock.Advance(idle - time.Hour)
	resp, body := app.do(c, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusOK) // used in time: the idle limit slides
	app.clock.Advance(idle - time.Hour)
	resp, body = app.do(c, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusOK)
	app.clock.Advance(idle + time.Minute)
	resp, body = app.do(c, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusUnauthorized) // unused for longer than the idle limit

	c = app.client()
	app.login(c, "idle@example.org")
	used := time.Duration(0)
	for ; used < hard-idle; used += idle / 2 {
		app.clock.Advance(idle / 2)
		resp, body = app.do(c, "GET", "/api/v1/me", nil)
		expect(t, resp, body, http.StatusOK)
	}
	app.clock.Advance(hard - used + time.Hour) // within the idle limit, past the absolute one
	resp, body = app.do(c, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusUnauthorized) // past the absolute limit however active
}

func TestGzip_PagesAndStaticButNotAPI(t *testing.T) {
	app := newTestApp(t)
	for path, want := range map[string]string{"/": "gzip", "/static/app.css": "gzip", "/api/v1/profiles/ecommerce-manager": ""} {
		resp, _ := app.do(app.client(), "GET", path, nil, "Accept-Encoding", "gzip")
		if got := resp.Header.Get("Content-Encoding"); got != want {
			t.Errorf("%s: Content-Encoding %q, want %q", path, got, want)
		}
	}
}
