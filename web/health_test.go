package web

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

// The database file removed under the running server: /healthz says the
// database cannot be written instead of reporting healthy.
func TestHealthz_UnavailableWhenTheDatabaseFileIsRemoved(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	if resp, body := app.do(c, http.MethodGet, "/healthz", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("healthy /healthz: %d %s", resp.StatusCode, body)
	}
	if err := os.Remove(app.dbPath); err != nil {
		t.Fatal(err)
	}
	resp, body := app.do(c, http.MethodGet, "/healthz", nil)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "cannot be written") {
		t.Fatalf("/healthz with the file removed: %d %s, want 503 saying it cannot be written", resp.StatusCode, body)
	}
}

// A write that cannot reach the database file that will be there after a
// restart is a 503 saying so, on a page form and in the API, never a 201
// or "internal error".
func TestWrites_UnavailableAnswer503WithAClearMessage(t *testing.T) {
	app := newTestApp(t)
	lc := app.client()
	app.register(lc, "wren@example.org")
	co := app.createUser("cora@example.org", "counselor")
	if err := os.Remove(app.dbPath); err != nil {
		t.Fatal(err)
	}

	resp, body := app.do(lc, http.MethodPost, "/api/v1/assessments", sampleSubmission(t))
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), enPrinter(t).T("error.unavailable")) {
		t.Errorf("API POST with the file removed: %d %.300s, want 503 with %q", resp.StatusCode, body, enPrinter(t).T("error.unavailable"))
	}
	resp, body = app.do(lc, http.MethodPost, "/api/v1/me/counselors", map[string]string{"share_code": co.ShareCode})
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "cannot be written") {
		t.Errorf("API share with the file removed: %d %.300s, want 503", resp.StatusCode, body)
	}
	resp, body = app.do(lc, http.MethodPost, "/account/share", url.Values{"share_code": {co.ShareCode}})
	page := string(body)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(page, "its database cannot be written") ||
		strings.Contains(strings.ToLower(page), "internal error") || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("page POST with the file removed: %d %s %.300s, want a 503 page saying the database cannot be written", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	resp, body = app.do(app.client(), http.MethodPost, "/register", url.Values{"name": {"Ned"}, "email": {"ned@example.org"}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "its database cannot be written") {
		t.Errorf("registering with the file removed: %d %.300s, want a 503 page", resp.StatusCode, body)
	}
}
