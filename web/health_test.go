package web

import (
	"net/http"
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
