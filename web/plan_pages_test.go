package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// planFixture is a learner with one attempt on 3 Jan 2026 and a result page.
type planFixture struct {
	app    *progressApp
	c      *http.Client
	first  progressResult
	result string // the first result's page
}

func newPlanFixture(t *testing.T) *planFixture {
	t.Helper()
	app := progressStart(t)
	c := progressClient()
	app.register(c, "pat@example.com")
	first := app.submit(c, nil)
	return &planFixture{app: app, c: c, first: first, result: fmt.Sprintf("/results/%d", first.ID)}
}

// page gets a page as text with entities decoded.
func (f *planFixture) page(path string) (int, string) {
	f.app.t.Helper()
	status, _, body := f.app.send(f.c, "GET", path, nil)
	return status, html.UnescapeString(body)
}

// post sends a form and returns the status and where it redirects.
func (f *planFixture) post(path string, form url.Values) (int, string, string) {
	f.app.t.Helper()
	status, h, body := f.app.send(f.c, "POST", path, form)
	return status, h.Get("Location"), html.UnescapeString(body)
}

func (f *planFixture) itemID(step string) int64 {
	f.app.t.Helper()
	for _, it := range f.app.planOf(f.c) {
		if it.Step == step {
			return it.ID
		}
	}
	f.app.t.Fatalf("%s is not in the plan", step)
	return 0
}

func TestResultPage_AddToMyPlan(t *testing.T) {
	f := newPlanFixture(t)
	_, page := f.page(f.result)
	addButton := regexp.MustCompile(`(?s)<form method="post" action="/plan/items" class="plan-add no-print">\s*<input type="hidden" name="step" value="security-training">\s*<input type="hidden" name="from" value="` + f.result + `">\s*<button type="submit" class="button small secondary">Add to my plan<span class="visually-hidden">: Train in online security</span></button>`)
	if !addButton.MatchString(page) {
		t.Fatalf("no Add to my plan beside security training:\n%s", page)
	}
	// Also beside "also consider" steps.
	if !strings.Contains(page, `value="graduate-advantage"`) {
		t.Error("no Add to my plan beside an also-consider step")
	}

	status, to, _ := f.post("/plan/items", url.Values{"step": {"security-training"}, "from": {f.result}})
	if status != http.StatusSeeOther || to != f.result+"#step-security-training" {
		t.Fatalf("add: %d to %q", status, to)
	}
	_, page = f.page(f.result)
	progressContains(t, page, "Added to your plan.", `In <a href="/progress#plan">your plan</a><span class="visually-hidden">: Train in online security</span>`)
	if addButton.MatchString(page) {
		t.Error("the step is still offered after it was added")
	}
	// Adding it again says so and changes nothing.
	status, to, _ = f.post("/plan/items", url.Values{"step": {"security-training"}, "from": {f.result}})
	_, page = f.page(f.result)
	if status != http.StatusSeeOther || !strings.Contains(page, "That step is already in your plan.") || len(f.app.planOf(f.c)) != 1 {
		t.Errorf("adding twice: %d to %q", status, to)
	}
	// The form goes back only to the learner's own pages.
	for _, from := range []string{"https://evil.example/", "//evil.example", "/results/1/../../admin", "", "/results/0"} {
		_, to, _ = f.post("/plan/items", url.Values{"step": {"core-skills"}, "from": {from}})
		if to != "/progress#step-core-skills" {
			t.Errorf("from %q goes back to %q", from, to)
		}
	}
	// A step that is not in the catalog is refused with a page that says so.
	status, _, raw := f.app.send(f.c, "POST", "/plan/items", url.Values{"step": {"<script>"}, "from": {f.result}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(raw, "That step could not be added to your plan") || strings.Contains(raw, "<script>") {
		t.Errorf("bad step: %d %.300s", status, raw)
	}

	// A visitor's result has no plan buttons, and a visitor cannot add:
	// a plan needs an account.
	v := progressClient()
	var loc string
	for n := 1; n <= 6; n++ {
		action := "next"
		if n == 6 {
			action = "finish"
		}
		_, h, _ := f.app.send(v, "POST", "/assessment", sectionForm(t, n, action))
		loc = h.Get("Location")
	}
	status, _, vpage := f.app.send(v, "GET", loc, nil)
	if status != http.StatusOK || !strings.HasPrefix(loc, "/results/v") || strings.Contains(vpage, "Add to my plan") || strings.Contains(vpage, `action="/plan/items"`) {
		t.Errorf("visitor result %s (%d) offers a plan", loc, status)
	}
	if status, h, _ := f.app.send(v, "POST", "/plan/items", url.Values{"step": {"core-skills"}}); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
		t.Errorf("a visitor adding to a plan: %d to %q", status, h.Get("Location"))
	}
}

// resultScores is a stored result's overall and dimension scores, read
// back through the API.
type resultScores struct {
	Overall    float64 `json:"overall"`
	Dimensions []struct {
		ID    string  `json:"id"`
		Score float64 `json:"score"`
	} `json:"dimensions"`
}

func (r resultScores) dim(id string) float64 {
	for _, d := range r.Dimensions {
		if d.ID == id {
			return d.Score
		}
	}
	panic("no dimension " + id)
}

func fullResult(t *testing.T, app *testApp, c *http.Client, id int64) resultScores {
	t.Helper()
	resp, body := app.do(c, "GET", fmt.Sprintf("/api/v1/assessments/%d", id), nil)
	expect(t, resp, body, http.StatusOK)
	return decode[resultScores](t, body)
}

func TestProgressPage_PlanDoneRetakeWhatMoved(t *testing.T) {
	f := newPlanFixture(t)
	f.post("/plan/items", url.Values{"step": {"security-training"}, "from": {f.result}})
	f.post("/plan/items", url.Values{"step": {"core-skills"}, "from": {f.result}})
	sec, core := f.itemID("security-training"), f.itemID("core-skills")

	_, page := f.page("/progress")
	progressContains(t, page, `<h2 id="plan-h">Your plan</h2>`, "<h3>Train in online security</h3>",
		fmt.Sprintf(`<form method="post" action="/plan/items/%d" class="plan-form" novalidate>`, sec),
		fmt.Sprintf(`<label for="status-%d">Status<span class="visually-hidden"> of Train in online security</span></label>`, sec),
		`<option value="planned" selected>Planned</option>`,
		fmt.Sprintf(`<form method="post" action="/plan/items/%d/delete" class="plan-remove">`, sec))

	// Done the next day, with evidence; not measured until the next attempt.
	f.app.clock.Set(time.Date(2026, 1, 4, 12, 0, 0, 0, time.UTC))
	status, to, _ := f.post(fmt.Sprintf("/plan/items/%d", sec), url.Values{"status": {"done"}, "evidence": {"Web security course, City College"}})
	if status != http.StatusSeeOther || to != fmt.Sprintf("/progress#plan-item-%d", sec) {
		t.Fatalf("mark done: %d to %q", status, to)
	}
	f.post(fmt.Sprintf("/plan/items/%d", core), url.Values{"status": {"done"}, "evidence": {""}})
	_, page = f.page("/progress")
	progressContains(t, page, "Your plan is updated.", "Done · 4 Jan 2026", `value="Web security course, City College"`,
		`<option value="done" selected>Done</option>`,
		"<strong>Train in online security</strong>, done 4 Jan 2026. Not measured yet: no attempt has been taken since it was done.")

	// The retake: two security answers up, and one marketing answer; no core skill moved.
	f.app.clock.Set(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
	f.app.login(f.c, "pat@example.com")
	second := f.app.submit(f.c, map[string]any{"sec.practices": 3, "sec.threats": 3, "mkt.sem": 3})
	a, b := fullResult(t, f.app.testApp, f.c, f.first.ID), fullResult(t, f.app.testApp, f.c, second.ID)
	secDim := newChange(enPrinter(t), a.dim("security"), b.dim("security")).Text
	overall := newChange(enPrinter(t), a.Overall, b.Overall).Text
	if secDim == "±0.0" || overall == "±0.0" {
		t.Fatalf("fixture: security %s, overall %s should have moved", secDim, overall)
	}
	wantLine := fmt.Sprintf("<strong>Train in online security</strong>, done 4 Jan 2026: online security %s, overall %s.", secDim, overall)
	wantCore := fmt.Sprintf("<strong>Strengthen your core skills</strong>, done 4 Jan 2026: no change in any of the 6 answers it addresses; overall %s from other answers.", overall)
	_, page = f.page("/progress")
	progressContains(t, page, wantLine, wantCore,
		fmt.Sprintf(`From the attempt of <a href="/results/%d">3 Jan 2026</a>`, f.first.ID),
		fmt.Sprintf(`to the attempt of <a href="/results/%d">1 Feb 2026</a>.`, second.ID),
		"Securing a website: HTTPS, access control, software updates: 1 → 3 of 3 points",
		"Unchanged: Securing online payments and transactions; Handling security incidents and audits.")

	// Compare shows the same lines, in either order; the same attempt twice shows none.
	for _, q := range []string{fmt.Sprintf("a=%d&b=%d", f.first.ID, second.ID), fmt.Sprintf("a=%d&b=%d", second.ID, f.first.ID)} {
		_, page = f.page("/progress/compare?" + q)
		progressContains(t, page, "Steps you finished between these attempts", wantLine, wantCore)
	}
	_, page = f.page(fmt.Sprintf("/progress/compare?a=%d&b=%d", second.ID, second.ID))
	if strings.Contains(page, "Steps you finished between") {
		t.Error("comparing an attempt with itself lists finished steps")
	}
	// A step done after the latest attempt is not measured yet, and not between.
	f.app.clock.Set(time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC))
	f.post(fmt.Sprintf("/plan/items/%d", core), url.Values{"status": {"in-progress"}})
	f.post(fmt.Sprintf("/plan/items/%d", core), url.Values{"status": {"done"}})
	_, page = f.page("/progress")
	progressContains(t, page, "<strong>Strengthen your core skills</strong>, done 2 Feb 2026. Not measured yet")
	_, page = f.page(fmt.Sprintf("/progress/compare?a=%d&b=%d", f.first.ID, second.ID))
	if strings.Contains(page, "Strengthen your core skills") {
		t.Error("compare lists a step done after both attempts")
	}

	// Removing an item.
	status, to, _ = f.post(fmt.Sprintf("/plan/items/%d/delete", core), nil)
	if status != http.StatusSeeOther || to != "/progress#plan" {
		t.Fatalf("remove: %d to %q", status, to)
	}
	_, page = f.page("/progress")
	if strings.Contains(page, "Strengthen your core skills") || !strings.Contains(page, "Removed from your plan.") {
		t.Error("the removed step is still shown")
	}
	if status, _, _ := f.post(fmt.Sprintf("/plan/items/%d/delete", core), nil); status != http.StatusNotFound {
		t.Errorf("removing twice: %d, want 404", status)
	}
}

func TestProgressPage_PlanFormRefusedShowsTheProblem(t *testing.T) {
	f := newPlanFixture(t)
	f.post("/plan/items", url.Values{"step": {"certification"}, "from": {f.result}})
	id := f.itemID("certification")
	long := strings.Repeat("é", 501)
	status, _, page := f.post(fmt.Sprintf("/plan/items/%d", id), url.Values{"status": {"finished"}, "evidence": {long}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("refused form: %d", status)
	}
	progressContains(t, page, "<title>Check your plan — Your progress · Readiness</title>",
		fmt.Sprintf(`<p class="error" id="status-err-%d"><span class="visually-hidden">Error:</span> Status must be one of those in the list.</p>`, id),
		fmt.Sprintf(`<p class="error" id="evidence-err-%d"><span class="visually-hidden">Error:</span> Evidence must be at most 500 characters (this one has 501).</p>`, id),
		fmt.Sprintf(`value="%s"`, long),
		fmt.Sprintf(`aria-describedby="plan-hint evidence-err-%d" aria-invalid="true"`, id))
	if items := f.app.planOf(f.c); items[0].Status != "planned" || items[0].Evidence != "" {
		t.Errorf("a refused form changed the item: %+v", items[0])
	}
	// Someone else's item, or none: 404, whatever the form says.
	other := progressClient()
	f.app.register(other, "other@example.com")
	for _, form := range []url.Values{{"status": {"done"}}, {"status": {"bogus"}}} {
		if status, _, _ := f.app.send(other, "POST", fmt.Sprintf("/plan/items/%d", id), form); status != http.StatusNotFound {
			t.Errorf("another learner's form %v: %d, want 404", form, status)
		}
	}
	if status, _, _ := f.app.send(other, "POST", fmt.Sprintf("/plan/items/%d/delete", id), nil); status != http.StatusNotFound {
		t.Errorf("another learner removing: %d, want 404", status)
	}
	if status, _, _ := f.post("/plan/items/x", url.Values{"status": {"done"}}); status != http.StatusNotFound {
		t.Errorf("bad id: %d", status)
	}
}

func TestLearnerPage_ShowsThePlanReadOnly(t *testing.T) {
	w := newWorkspace(t)
	app := w.app
	sec := app.addStep(w.lc, "security-training")
	resp, body := app.do(w.lc, "PATCH", fmt.Sprintf("/api/v1/plan/items/%d", sec.ID), map[string]string{"status": "done", "evidence": "Course <b>42</b>"})
	expect(t, resp, body, http.StatusOK)
	app.addStep(w.lc, "core-skills")
	// Done before the workspace's second result? No: after both, so one more attempt.
	app.clock.Advance(24 * time.Hour)
	resp, body = app.do(w.lc, "POST", "/api/v1/assessments", withAnswers(t, map[string]any{"sec.practices": 4, "sec.threats": 4, "sec.payments": 3}))
	expect(t, resp, body, http.StatusCreated)
	third := decode[storedResult](t, body)

	resp, body = app.do(w.cc, "GET", w.learnerPath, nil)
	expect(t, resp, body, http.StatusOK)
	page := html.UnescapeString(string(body))
	prev, latest := fullResult(t, app, w.lc, w.secondResult.ID), fullResult(t, app, w.lc, third.ID)
	line := fmt.Sprintf("<strong>Train in online security</strong>, done 3 Mar 2026: online security %s, overall %s.",
		newChange(enPrinter(t), prev.dim("security"), latest.dim("security")).Text, newChange(enPrinter(t), prev.Overall, latest.Overall).Text)
	progressContains(t, page, `<h2 id="plan-h">Their plan</h2>`, line, "Done · 3 Mar 2026", "Evidence:</span> Course <b>42</b>",
		"<h3>Strengthen your core skills</h3>", "From the attempt of 3 Mar 2026")
	if strings.Contains(string(body), "Course <b>42</b>") {
		t.Error("evidence is not escaped")
	}
	for _, forbidden := range []string{`action="/plan/items`, `"/results/`} {
		if strings.Contains(page, forbidden) {
			t.Errorf("the counselor's page has %q: a learner's form or page", forbidden)
		}
	}
}
