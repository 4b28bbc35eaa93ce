package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// Every API answer carrying someone's data, errors included, is kept out
// of caches; only the public profile and the OpenAPI document may be stored.
func TestAPI_NoStoreOnEveryPersonalAnswer(t *testing.T) {
	a := newFuzzApp(t)
	id := strconv.FormatInt(a.learnerID, 10)
	cases := []struct {
		method, path, as, body string
	}{
		{"GET", "/api/v1/me", "learner", ""},
		{"GET", "/api/v1/me", "", ""},
		{"GET", "/api/v1/me/export", "learner", ""},
		{"GET", "/api/v1/me/counselors", "learner", ""},
		{"GET", "/api/v1/assessments", "learner", ""},
		{"GET", "/api/v1/assessments/1", "learner", ""},
		{"GET", "/api/v1/assessments/999", "learner", ""},
		{"POST", "/api/v1/assessments", "learner", `{"answers":{}}`},
		{"POST", "/api/v1/score", "", `{"answers":{}}`},
		{"POST", "/api/v1/auth/login", "", `{"email":"learner@example.org","password":"wrong password here"}`},
		{"GET", "/api/v1/learners", "counselor", ""},
		{"GET", "/api/v1/learners.csv", "counselor", ""},
		{"GET", "/api/v1/learners/" + id + "/assessments", "counselor", ""},
		{"GET", "/api/v1/learners/" + id + "/notes", "counselor", ""},
		{"GET", "/api/v1/cohort", "counselor", ""},
		{"GET", "/api/v1/cohort", "learner", ""},
	}
	for _, c := range cases {
		ct := ""
		if c.body != "" {
			ct = "application/json"
		}
		w := a.send(t, c.method, c.path, ct, strings.NewReader(c.body), int64(len(c.body)), a.cookieFor(c.as))
		if got := w.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s %s as %q (status %d): Cache-Control %q, want no-store", c.method, c.path, c.as, w.Code, got)
		}
	}
	w := a.send(t, "GET", "/api/v1/profiles/ecommerce-manager", "", strings.NewReader(""), 0, "")
	if w.Code != http.StatusOK || w.Header().Get("Cache-Control") == "no-store" {
		t.Errorf("the public profile: status %d, Cache-Control %q; want it cacheable", w.Code, w.Header().Get("Cache-Control"))
	}
}

// The OpenAPI document is public and the same for everyone: any cache may
// keep it for a while, whoever asks, while the rest of the API stays out of
// caches.
func TestAPI_OpenAPIDocumentIsCacheable(t *testing.T) {
	a := newFuzzApp(t)
	for _, as := range []string{"", "learner", "counselor"} {
		w := a.send(t, "GET", "/api/v1/openapi.json", "", strings.NewReader(""), 0, a.cookieFor(as))
		if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "public, max-age=300" {
			t.Errorf("openapi.json as %q: status %d, Cache-Control %q; want 200 and public, max-age=300", as, w.Code, w.Header().Get("Cache-Control"))
		}
	}
	w := a.send(t, "GET", "/api/v1/openapi.json/x", "", strings.NewReader(""), 0, "")
	if got := w.Header().Get("Cache-Control"); w.Code != http.StatusNotFound || got != "no-store" {
		t.Errorf("a path under the document: status %d, Cache-Control %q; want 404 and no-store", w.Code, got)
	}
}
