package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/readiness/readiness/assessment"
)

// HEAD is answered wherever GET is, with the same status and headers and no
// body, and with the same checks: a page that needs a login redirects.
func TestHead_AnsweredLikeGet(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/healthz", http.StatusOK},
		{"/", http.StatusOK},
		{"/static/app.css", http.StatusOK},
		{"/progress", http.StatusSeeOther},
		{"/api/v1/me", http.StatusUnauthorized},
		{"/api/v1/score", http.StatusMethodNotAllowed}, // POST only
		{"/no-such-page", http.StatusNotFound},
	} {
		get, getBody := app.do(c, "GET", tc.path, nil)
		head, headBody := app.do(c, "HEAD", tc.path, nil)
		if head.StatusCode != tc.status || get.StatusCode != tc.status {
			t.Errorf("%s: HEAD %d, GET %d, want %d", tc.path, head.StatusCode, get.StatusCode, tc.status)
		}
		if len(headBody) != 0 {
			t.Errorf("HEAD %s sent a body of %d bytes", tc.path, len(headBody))
		}
		if len(getBody) == 0 {
			t.Errorf("GET %s sent no body", tc.path)
		}
		for _, h := range []string{"Content-Type", "Content-Security-Policy", "X-Content-Type-Options", "Location"} {
			if head.Header.Get(h) != get.Header.Get(h) {
				t.Errorf("%s: HEAD %s %q, GET %q", tc.path, h, head.Header.Get(h), get.Header.Get(h))
			}
		}
	}
	// A logged-in learner's page answers HEAD too.
	app.register(c, "head@example.org")
	if resp, body := app.do(c, "HEAD", "/progress", nil); resp.StatusCode != http.StatusOK || len(body) != 0 {
		t.Errorf("HEAD /progress logged in: %d, %d bytes", resp.StatusCode, len(body))
	}
}

// The request log says HEAD for a HEAD request, not the GET it ran as.
func TestHead_LoggedAsHead(t *testing.T) {
	var logs bytes.Buffer
	app := newTestApp(t)
	profiles, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRouter(Deps{Store: app.store, Profiles: profiles, Now: app.clock.Now,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), Config: Config{BcryptCost: 4}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"HEAD", "GET"} {
		req, _ := http.NewRequest(m, "/healthz", nil)
		r.ServeHTTP(discardWriter{header: http.Header{}}, req)
	}
	out := logs.String()
	if !strings.Contains(out, "method=HEAD route=/healthz status=200") || !strings.Contains(out, "method=GET route=/healthz status=200") {
		t.Errorf("request log:\n%s", out)
	}
}

type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d discardWriter) WriteHeader(int)             {}
