package web

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/web/i18n"
)

// testSite is the shared part of every handler group, for unit tests of
// one group with a fake store: real templates and profiles, a fixed clock,
// and a log the test can read.
func testSite(t testing.TB) (*site, *bytes.Buffer) {
	t.Helper()
	reg, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := reg.Lookup(DefaultConfig().DefaultProfile)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := parseTemplates(cat)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cfg := DefaultConfig()
	cfg.BcryptCost = 4
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	return &site{
		log: slog.New(slog.NewTextHandler(&logs, nil)), now: func() time.Time { return now },
		cfg: cfg, tmpl: tmpl, profiles: reg, profile: p, cop: http.NewCrossOriginProtection(), i18n: cat,
	}, &logs
}

// testEngine is a bare gin engine whose requests run as user (nil for a
// visitor), for registering just the handlers under test.
func testEngine(user *db.User) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(func(c *gin.Context) {
		if user != nil {
			u := *user
			c.Set(ctxUser, &u)
		}
	})
	return r
}

// serveTest sends one request through h and returns the recorded answer,
// failing t if an API answer is not as openapi.json says.
func serveTest(t testing.TB, h http.Handler, method, target, contentType, body string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if err := contract(t).checkResponse(req, w.Code, w.Header(), w.Body.Bytes()); err != nil {
		t.Errorf("openapi: %v", err)
	}
	return w
}

// enPrinter is the English printer, for tests of helpers that write words.
func enPrinter(t testing.TB) *i18n.Printer {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat.Printer("en")
}
