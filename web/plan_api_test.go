package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
)

// planItemBody is a plan item as the API answers it.
type planItemBody struct {
	ID        int64   `json:"id"`
	Step      string  `json:"step"`
	Title     string  `json:"title"`
	Status    string  `json:"status"`
	Evidence  string  `json:"evidence"`
	DoneAt    *string `json:"done_at"`
	CreatedAt string  `json:"created_at"`
}

type planBody struct {
	Items []planItemBody `json:"items"`
}

func (a *testApp) addStep(c *http.Client, step string) planItemBody {
	a.t.Helper()
	resp, body := a.do(c, "POST", "/api/v1/plan/items", map[string]string{"step": step})
	expect(a.t, resp, body, http.StatusCreated)
	var it planItemBody
	if err := json.Unmarshal(body, &it); err != nil {
		a.t.Fatal(err)
	}
	return it
}

func (a *testApp) planOf(c *http.Client) []planItemBody {
	a.t.Helper()
	resp, body := a.do(c, "GET", "/api/v1/plan", nil)
	expect(a.t, resp, body, http.StatusOK)
	var p planBody
	if err := json.Unmarshal(body, &p); err != nil {
		a.t.Fatal(err)
	}
	return p.Items
}

// wantProblems fails unless the body is the one error shape with exactly
// these fields named, in order.
func wantProblems(t *testing.T, resp *http.Response, body []byte, status int, fields ...string) apiError {
	t.Helper()
	expect(t, resp, body, status)
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Fatalf("not the error shape: %s", body)
	}
	var got []string
	for _, p := range e.Problems {
		if p.Problem == "" {
			t.Errorf("problem without words: %s", body)
		}
		got = append(got, p.Field)
	}
	if !slices.Equal(got, fields) {
		t.Errorf("problems name %q, want %q: %s", got, fields, body)
	}
	return e
}

func TestPlanAPI_AddChangeAndRemove(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "pia@example.org")

	resp, body := app.do(c, "POST", "/api/v1/plan/items", map[string]string{"step": "security-training"})
	expect(t, resp, body, http.StatusCreated)
	// Exactly the fields of DESIGN §5.4, nothing more.
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(body, &keys); err != nil {
		t.Fatal(err)
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	slices.Sort(names)
	if want := []string{"created_at", "done_at", "evidence", "id", "status", "step", "title"}; !slices.Equal(names, want) {
		t.Errorf("item fields %q, want %q", names, want)
	}
	var sec planItemBody
	_ = json.Unmarshal(body, &sec)
	if sec.Step != "security-training" || sec.Title != "Train in online security" || sec.Status != "planned" ||
		sec.DoneAt != nil || sec.Evidence != "" || sec.CreatedAt != "2026-03-02T09:00:00Z" {
		t.Errorf("added = %+v", sec)
	}
	app.clock.Advance(time.Minute)
	adv := app.addStep(c, "graduate-advantage")
	if items := app.planOf(c); len(items) != 2 || items[0].ID != sec.ID || items[1].ID != adv.ID {
		t.Fatalf("plan = %+v, want both in the order added", items)
	}

	// In progress, then done with evidence: done now.
	resp, body = app.do(c, "PATCH", fmt.Sprintf("/api/v1/plan/items/%d", sec.ID), map[string]string{"status": "in-progress"})
	expect(t, resp, body, http.StatusOK)
	if got := decode[planItemBody](t, body); got.Status != "in-progress" || got.DoneAt != nil {
		t.Errorf("in progress = %+v", got)
	}
	app.clock.Advance(24 * time.Hour)
	resp, body = app.do(c, "PATCH", fmt.Sprintf("/api/v1/plan/items/%d", sec.ID), map[string]string{"status": "done", "evidence": "  Web security course, City College  "})
	expect(t, resp, body, http.StatusOK)
	done := decode[planItemBody](t, body)
	if done.Status != "done" || done.DoneAt == nil || *done.DoneAt != "2026-03-03T09:01:00Z" || done.Evidence != "Web security course, City College" {
		t.Errorf("done = %+v", done)
	}
	// Evidence alone changes only the evidence.
	app.clock.Advance(time.Hour)
	resp, body = app.do(c, "PATCH", fmt.Sprintf("/api/v1/plan/items/%d", sec.ID), map[string]string{"evidence": "Certificate WS-1234"})
	expect(t, resp, body, http.StatusOK)
	if got := decode[planItemBody](t, body); got.Status != "done" || *got.DoneAt != *done.DoneAt || got.Evidence != "Certificate WS-1234" {
		t.Errorf("evidence changed = %+v", got)
	}
	if items := app.planOf(c); items[0].Evidence != "Certificate WS-1234" || items[0].DoneAt == nil {
		t.Errorf("read back = %+v", items[0])
	}

	resp, body = app.do(c, "DELETE", fmt.Sprintf("/api/v1/plan/items/%d", adv.ID), nil)
	expect(t, resp, body, http.StatusNoContent)
	if len(body) != 0 {
		t.Errorf("204 with a body: %s", body)
	}
	resp, body = app.do(c, "DELETE", fmt.Sprintf("/api/v1/plan/items/%d", adv.ID), nil)
	wantProblems(t, resp, body, http.StatusNotFound)
	if items := app.planOf(c); len(items) != 1 || items[0].ID != sec.ID {
		t.Errorf("after delete = %+v", items)
	}
	// An empty plan is an empty list, not null.
	app2 := app.client()
	app.register(app2, "empty@example.org")
	_, body = app.do(app2, "GET", "/api/v1/plan", nil)
	if string(body) != `{"items":[]}` {
		t.Errorf("empty plan = %s", body)
	}
}

func TestPlanAPI_NoDuplicates(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "pia@example.org")
	app.addStep(c, "core-skills")
	resp, body := app.do(c, "POST", "/api/v1/plan/items", map[string]string{"step": "core-skills"})
	e := wantProblems(t, resp, body, http.StatusConflict, "step")
	if !strings.Contains(e.Problems[0].Problem, "already in your plan") {
		t.Errorf("conflict says %q", e.Problems[0].Problem)
	}
	// Spaces around the id name the same step.
	resp, body = app.do(c, "POST", "/api/v1/plan/items", map[string]string{"step": " core-skills "})
	wantProblems(t, resp, body, http.StatusConflict, "step")
	if n := len(app.planOf(c)); n != 1 {
		t.Errorf("%d items, want 1", n)
	}
}

func TestPlanAPI_BadInputNamesTheField(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "pia@example.org")
	it := app.addStep(c, "certification")
	item := fmt.Sprintf("/api/v1/plan/items/%d", it.ID)
	long := strings.Repeat("x", 501)
	cases := []struct {
		name, method, path string
		body               any
		status             int
		fields             []string
		says               string
	}{
		{"unknown step", "POST", "/api/v1/plan/items", `{"step":"security-trainin"}`, 422, []string{"step"}, `"security-trainin" is not a next step of the catalog`},
		{"missing step", "POST", "/api/v1/plan/items", `{}`, 422, []string{"step"}, "is required"},
		{"empty step", "POST", "/api/v1/plan/items", `{"step":"  "}`, 422, []string{"step"}, "is required"},
		{"step of the wrong type", "POST", "/api/v1/plan/items", `{"step":42}`, 400, nil, "field step has the wrong type"},
		{"malformed", "POST", "/api/v1/plan/items", `{"step":`, 400, nil, "malformed JSON"},
		{"a recommendation that does not exist", "POST", "/api/v1/plan/items", `{"step":"rec-999"}`, 422, []string{"step"}, `"rec-999"`},
		{"bad status", "PATCH", item, `{"status":"finished"}`, 422, []string{"status"}, `must be one of "planned", "in-progress" or "done"`},
		{"null status and no evidence", "PATCH", item, `{"status":null}`, 422, []string{"status"}, "is required"},
		{"nothing to change", "PATCH", item, `{}`, 422, []string{"status"}, "is required"},
		{"every problem at once", "PATCH", item, map[string]string{"status": "Done", "evidence": long}, 422, []string{"status", "evidence"}, "at most 500 characters"},
		{"evidence not text", "PATCH", item, `{"evidence":"a\u0000b"}`, 422, []string{"evidence"}, "must be plain text"},
		{"not an id", "PATCH", "/api/v1/plan/items/abc", `{"status":"done"}`, 404, nil, "not found"},
		{"no such item", "PATCH", "/api/v1/plan/items/99999", `{"status":"done"}`, 404, nil, "not found"},
		{"delete not an id", "DELETE", "/api/v1/plan/items/-1", nil, 404, nil, "not found"},
		{"form body", "POST", "/api/v1/plan/items", nil, 415, nil, "Content-Type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.status == http.StatusUnsupportedMediaType {
				resp, body := app.do(c, tc.method, tc.path, nil, "Content-Type", "application/x-www-form-urlencoded")
				wantProblems(t, resp, body, tc.status)
				return
			}
			resp, body := app.do(c, tc.method, tc.path, tc.body)
			e := wantProblems(t, resp, body, tc.status, tc.fields...)
			words := e.Error
			for _, p := range e.Problems {
				words += " | " + p.Problem
			}
			if !strings.Contains(words, tc.says) {
				t.Errorf("error %q does not say %q", words, tc.says)
			}
		})
	}
	if items := app.planOf(c); len(items) != 1 || items[0].Status != "planned" || items[0].Evidence != "" {
		t.Errorf("a refused request changed the plan: %+v", items)
	}
}

func TestPlanAPI_BelongsToItsLearner(t *testing.T) {
	w := newWorkspace(t)
	app := w.app
	it := app.addStep(w.lc, "security-training")
	item := fmt.Sprintf("/api/v1/plan/items/%d", it.ID)
	theirs := w.learnerAPI + "/plan"

	// Another learner: their own (empty) plan, and a 404 for this item.
	if items := app.planOf(w.sc); len(items) != 0 {
		t.Errorf("the other learner sees %+v", items)
	}
	resp, body := app.do(w.sc, "PATCH", item, map[string]string{"status": "done"})
	wantProblems(t, resp, body, http.StatusNotFound)
	resp, body = app.do(w.sc, "DELETE", item, nil)
	wantProblems(t, resp, body, http.StatusNotFound)
	resp, body = app.do(w.sc, "GET", theirs, nil)
	wantProblems(t, resp, body, http.StatusForbidden)

	// The counselor the learner shares with reads it, and cannot change it.
	resp, body = app.do(w.cc, "GET", theirs, nil)
	expect(t, resp, body, http.StatusOK)
	if got := decode[planBody](t, body); len(got.Items) != 1 || got.Items[0].ID != it.ID || got.Items[0].Title != it.Title {
		t.Errorf("counselor reads %+v", got)
	}
	// The learner sees that reading in their record of access.
	if got := w.access(t); got.Total != 1 || got.Entries[0].Action != db.ActionPlanAPI || got.Entries[0].Words != "read your plan through the API" {
		t.Errorf("record of access after the counselor read the plan: %+v", got)
	}
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/plan", nil},
		{"POST", "/api/v1/plan/items", map[string]string{"step": "core-skills"}},
		{"PATCH", item, map[string]string{"status": "done"}},
		{"DELETE", item, nil},
	} {
		resp, body := app.do(w.cc, r.method, r.path, r.body)
		wantProblems(t, resp, body, http.StatusForbidden)
		resp, body = app.do(app.client(), r.method, r.path, r.body)
		wantProblems(t, resp, body, http.StatusUnauthorized)
	}
	// A counselor the learner does not share with gets the one 404.
	resp, body = app.do(w.oc, "GET", theirs, nil)
	if e := wantProblems(t, resp, body, http.StatusNotFound); e.Error != enPrinter(t).T(notFoundLearner) {
		t.Errorf("other counselor: %s", body)
	}
	// Unshared, the counselor no longer reads it.
	resp, body = app.do(w.lc, "DELETE", fmt.Sprintf("/api/v1/me/counselors/%d", w.counselor.ID), nil)
	expect(t, resp, body, http.StatusNoContent)
	resp, body = app.do(w.cc, "GET", theirs, nil)
	wantProblems(t, resp, body, http.StatusNotFound)

	if items := app.planOf(w.lc); len(items) != 1 || items[0].Status != "planned" {
		t.Errorf("someone else changed the plan: %+v", items)
	}
}

func TestPlan_CrossOriginRefused(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "pia@example.org")
	it := app.addStep(c, "core-skills")
	cross := []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/plan/items", map[string]string{"step": "certification"}},
		{"PATCH", fmt.Sprintf("/api/v1/plan/items/%d", it.ID), map[string]string{"status": "done"}},
		{"DELETE", fmt.Sprintf("/api/v1/plan/items/%d", it.ID), nil},
		{"POST", "/plan/items", "step=certification&from=%2Fprogress"},
		{"POST", fmt.Sprintf("/plan/items/%d", it.ID), "status=done&evidence=x"},
		{"POST", fmt.Sprintf("/plan/items/%d/delete", it.ID), ""},
	} {
		headers := cross
		if s, ok := r.body.(string); ok {
			r.body = []byte(s)
			headers = append(slices.Clone(cross), "Content-Type", "application/x-www-form-urlencoded")
		}
		resp, body := app.do(c, r.method, r.path, r.body, headers...)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s from another site: %d, want 403; %.200s", r.method, r.path, resp.StatusCode, body)
		}
	}
	if items := app.planOf(c); len(items) != 1 || items[0].Status != "planned" {
		t.Errorf("a cross-site request changed the plan: %+v", items)
	}
	// The same request from the site itself goes through.
	resp, body := app.do(c, "PATCH", fmt.Sprintf("/api/v1/plan/items/%d", it.ID), map[string]string{"status": "done"},
		"Sec-Fetch-Site", "same-origin", "Origin", app.srv.URL)
	expect(t, resp, body, http.StatusOK)
}

// A plan keeps its steps' titles, and what they address, when the catalog
// changes under it.
func TestPlan_ReadableAfterTheCatalogChanges(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "pia@example.org")
	sec := app.addStep(c, "security-training")
	cert := app.addStep(c, "certification")

	data, err := os.ReadFile(filepath.Join("..", "assessment", "profiles", "ecommerce-manager.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	raw["version"] = "2099.1"
	var steps []any
	for _, s := range raw["steps"].([]any) {
		switch s.(map[string]any)["id"] {
		case "certification": // dropped from the catalog
			continue
		case "security-training":
			s.(map[string]any)["title"] = "Renamed security step"
			s.(map[string]any)["addresses"] = []any{"sec.practices"}
		}
		steps = append(steps, s)
	}
	raw["steps"] = steps
	changed, _ := json.Marshal(raw)
	profiles, err := assessment.LoadDir(fstest.MapFS{"p/ecommerce-manager.json": {Data: changed}, "p/ecommerce-manager.es.json": {Data: mirroredTranslation(t, changed)}}, "p")
	if err != nil {
		t.Fatal(err)
	}
	path, clock := app.dbPath, app.clock
	app.stop()
	app = startTestApp(t, path, clock, profiles)
	c = app.client()
	app.login(c, "pia@example.org")

	items := app.planOf(c)
	if len(items) != 2 || items[0].Title != sec.Title || items[1].Title != cert.Title || items[1].Step != "certification" {
		t.Fatalf("plan after the catalog changed = %+v", items)
	}
	_, page := app.do(c, "GET", "/progress", nil)
	for _, want := range []string{sec.Title, cert.Title} {
		if !strings.Contains(string(page), want) {
			t.Errorf("/progress lacks %q", want)
		}
	}
	// A step the catalog no longer has cannot be added again.
	resp, body := app.do(c, "DELETE", "/api/v1/plan/items/"+strconv.FormatInt(cert.ID, 10), nil)
	expect(t, resp, body, http.StatusNoContent)
	resp, body = app.do(c, "POST", "/api/v1/plan/items", map[string]string{"step": "certification"})
	wantProblems(t, resp, body, http.StatusUnprocessableEntity, "step")
}
