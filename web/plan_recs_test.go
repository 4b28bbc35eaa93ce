package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

type recBody struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

// recommend has the workspace's counselor recommend a step to its learner.
func (w *workspace) recommend(t *testing.T, step any, title string) recBody {
	t.Helper()
	resp, body := w.app.do(w.cc, "POST", w.learnerAPI+"/recommendations", map[string]any{"step": step, "title": title, "text": "Worth doing this term."})
	expect(t, resp, body, http.StatusCreated)
	return decode[recBody](t, body)
}

func TestPlanAPI_RecommendationsAreSteps(t *testing.T) {
	w := newWorkspace(t)
	app := w.app
	catalog := w.recommend(t, "security-training", "Web security at City College")
	own := w.recommend(t, nil, "Volunteer on the library's web shop")

	sec := app.addStep(w.lc, fmt.Sprintf("rec-%d", catalog.ID))
	if sec.Step != fmt.Sprintf("rec-%d", catalog.ID) || sec.Title != "Web security at City College" || sec.Status != "planned" {
		t.Errorf("added from a recommendation: %+v", sec)
	}
	mine := app.addStep(w.lc, fmt.Sprintf("rec-%d", own.ID))
	// Not twice; and another learner cannot add this learner's recommendation.
	resp, body := app.do(w.lc, "POST", "/api/v1/plan/items", map[string]string{"step": fmt.Sprintf("rec-%d", own.ID)})
	wantProblems(t, resp, body, http.StatusConflict, "step")
	resp, body = app.do(w.sc, "POST", "/api/v1/plan/items", map[string]string{"step": fmt.Sprintf("rec-%d", own.ID)})
	if e := wantProblems(t, resp, body, http.StatusUnprocessableEntity, "step"); !strings.Contains(e.Problems[0].Problem, "one of your recommendations") {
		t.Errorf("another learner's recommendation: %s", body)
	}
	// The catalog step itself is another item: the learner chose both.
	app.addStep(w.lc, "security-training")

	// Done, then a retake with the security answers up: the recommended
	// catalog step measures the catalog step's answers; the counselor's own
	// suggestion addresses none, and says so.
	for _, it := range []planItemBody{sec, mine} {
		resp, body = app.do(w.lc, "PATCH", fmt.Sprintf("/api/v1/plan/items/%d", it.ID), map[string]string{"status": "done"})
		expect(t, resp, body, http.StatusOK)
	}
	app.clock.Advance(24 * time.Hour)
	resp, body = app.do(w.lc, "POST", "/api/v1/assessments", withAnswers(t, map[string]any{"sec.practices": 4, "sec.threats": 4, "sec.payments": 3}))
	expect(t, resp, body, http.StatusCreated)
	third := decode[storedResult](t, body)
	prev, latest := fullResult(t, app, w.lc, w.secondResult.ID), fullResult(t, app, w.lc, third.ID)
	overall := newChange(enPrinter(t), prev.Overall, latest.Overall).Text
	_, body = app.do(w.lc, "GET", "/progress", nil)
	page := html.UnescapeString(string(body))
	progressContains(t, page,
		fmt.Sprintf("<strong>Web security at City College</strong>, done 3 Mar 2026: online security %s, overall %s.", newChange(enPrinter(t), prev.dim("security"), latest.dim("security")).Text, overall),
		fmt.Sprintf("<strong>Volunteer on the library's web shop</strong>, done 3 Mar 2026: it addresses no answer of the assessment, so the score cannot show it; overall %s.", overall))

	// The counselor deletes their recommendation: the plan keeps its title,
	// and it can no longer be added.
	resp, body = app.do(w.cc, "DELETE", fmt.Sprintf("%s/recommendations/%d", w.learnerAPI, own.ID), nil)
	expect(t, resp, body, http.StatusNoContent)
	items := app.planOf(w.lc)
	if len(items) != 3 || items[1].Title != "Volunteer on the library's web shop" {
		t.Errorf("plan after the recommendation went: %+v", items)
	}
	resp, body = app.do(w.lc, "DELETE", fmt.Sprintf("/api/v1/plan/items/%d", mine.ID), nil)
	expect(t, resp, body, http.StatusNoContent)
	resp, body = app.do(w.lc, "POST", "/api/v1/plan/items", map[string]string{"step": fmt.Sprintf("rec-%d", own.ID)})
	wantProblems(t, resp, body, http.StatusUnprocessableEntity, "step")
}

func TestPages_AddARecommendationToMyPlan(t *testing.T) {
	w := newWorkspace(t)
	app := w.app
	rec := w.recommend(t, "core-skills", "Toastmasters, Tuesday evenings")
	step := fmt.Sprintf("rec-%d", rec.ID)
	result := fmt.Sprintf("/results/%d", w.secondResult.ID)

	for _, path := range []string{result, "/progress"} {
		_, body := app.do(w.lc, "GET", path, nil)
		page := html.UnescapeString(string(body))
		progressContains(t, page, fmt.Sprintf(`<li class="recommendation" id="step-%s">`, step),
			fmt.Sprintf(`<input type="hidden" name="step" value="%s">`, step),
			fmt.Sprintf(`<input type="hidden" name="from" value="%s">`, path),
			`Add to my plan<span class="visually-hidden">: Toastmasters, Tuesday evenings</span>`)
	}
	resp, _ := app.do(w.lc, "POST", "/plan/items", url.Values{"step": {step}, "from": {result}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != result+"#step-"+step {
		t.Fatalf("add from the card: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := app.do(w.lc, "GET", "/progress", nil)
	page := html.UnescapeString(string(body))
	progressContains(t, page, "<h3>Toastmasters, Tuesday evenings</h3>",
		`In <a href="/progress#plan">your plan</a><span class="visually-hidden">: Toastmasters, Tuesday evenings</span>`)
	// The counselor's page lists it in the plan, and offers no button.
	_, body = app.do(w.cc, "GET", w.learnerPath, nil)
	if !strings.Contains(html.UnescapeString(string(body)), "<h3>Toastmasters, Tuesday evenings</h3>") || strings.Contains(string(body), `action="/plan/items"`) {
		t.Error("the counselor's page does not show the plan read only")
	}
}
