package web

import (
	"bytes"
	"encoding/json"
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

// mirroredTranslation is a translation file of the profile in data whose
// every text is the profile's own: what a test that changes a profile needs
// so the server, which wants every profile in every language, starts.
func mirroredTranslation(t testing.TB, data []byte) []byte {
	t.Helper()
	var p struct {
		ID, Title, Summary string
		Dimensions         []struct{ ID, Name, Description string }
		Scales             map[string][]struct{ Key, Label, Description string }
		Questions          []struct {
			ID, Prompt, Help string
			Options          []struct{ Key, Label, Description string }
		}
		Requirements, Steps []struct{ ID, Title, Text string }
		Bands               []struct{ ID, Name, Text string }
		Context             []map[string]string
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	text := func(label, desc string) map[string]string {
		m := map[string]string{"label": label}
		if desc != "" {
			m["description"] = desc
		}
		return m
	}
	tr := map[string]any{"profile": p.ID, "title": p.Title, "summary": p.Summary, "context": p.Context}
	dims, qs, reqs, steps, bands, scales := map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}
	for _, d := range p.Dimensions {
		dims[d.ID] = map[string]string{"name": d.Name, "description": d.Description}
	}
	for name, levels := range p.Scales {
		m := map[string]any{}
		for _, o := range levels {
			m[o.Key] = text(o.Label, o.Description)
		}
		scales[name] = m
	}
	for _, q := range p.Questions {
		qt := map[string]any{"prompt": q.Prompt}
		if q.Help != "" {
			qt["help"] = q.Help
		}
		if len(q.Options) > 0 {
			opts := map[string]any{}
			for _, o := range q.Options {
				opts[o.Key] = text(o.Label, o.Description)
			}
			qt["options"] = opts
		}
		qs[q.ID] = qt
	}
	for _, r := range p.Requirements {
		reqs[r.ID] = map[string]string{"title": r.Title, "text": r.Text}
	}
	for _, s := range p.Steps {
		steps[s.ID] = map[string]string{"title": s.Title, "text": s.Text}
	}
	for _, b := range p.Bands {
		bands[b.ID] = map[string]string{"name": b.Name, "text": b.Text}
	}
	tr["dimensions"], tr["questions"], tr["requirements"], tr["steps"], tr["bands"], tr["scales"] = dims, qs, reqs, steps, bands, scales
	out, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
