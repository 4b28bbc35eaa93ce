package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/readiness/readiness/db"
)

func TestRetake_OfferedOnlyWithAResultAndNoDraft(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "rita@example.org")
	resp, body := app.do(c, "GET", "/assessment", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Section 1 of 6") || strings.Contains(string(body), "/assessment/start") {
		t.Fatal("a learner without a result is asked how to start")
	}

	resp, body = app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	resp, body = app.do(c, "GET", "/assessment", nil)
	expect(t, resp, body, http.StatusOK)
	page := html.UnescapeString(string(body))
	progressContains(t, page, "<h1>Take the assessment again</h1>", "Your last attempt, on 2 Mar 2026, scored <strong>69.1</strong>: Nearly ready.",
		`<input type="hidden" name="from" value="last">`, `<button type="submit" class="button">Start from my last answers</button>`,
		`<input type="hidden" name="from" value="blank">`, `<button type="submit" class="button secondary">Start blank</button>`)
	// A section asked for by number is shown as it is.
	resp, body = app.do(c, "GET", "/assessment?section=2", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Section 2 of 6") {
		t.Error("?section=2 did not show the section")
	}
	// A counselor or a visitor is never asked.
	v := app.client()
	_, body = app.do(v, "GET", "/assessment", nil)
	if !strings.Contains(string(body), "Section 1 of 6") {
		t.Error("a visitor is asked how to start")
	}
}

func TestRetake_StartFromMyLastAnswers(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	me := app.register(c, "rita@example.org")
	resp, body := app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	var stored struct {
		Answers map[string]any `json:"answers"`
	}
	_ = json.Unmarshal(body, &stored)

	resp, body = app.do(c, "POST", "/assessment/start", url.Values{"from": {"last"}})
	expect(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/assessment?section=1" {
		t.Fatalf("start from last answers went to %q", loc)
	}
	d, err := app.store.Draft(t.Context(), db.DraftOwner{UserID: me.ID})
	if err != nil {
		t.Fatal(err)
	}
	var draft map[string]any
	if err := json.Unmarshal(d.Answers, &draft); err != nil {
		t.Fatal(err)
	}
	if len(draft) != 31 || d.Section != 1 {
		t.Fatalf("draft has %d answers at section %d, want the 31 stored ones at 1", len(draft), d.Section)
	}
	for k, v := range stored.Answers {
		a, _ := json.Marshal(v)
		b, _ := json.Marshal(draft[k])
		if string(a) != string(b) {
			t.Errorf("draft %s = %s, stored %s", k, b, a)
		}
	}
	resp, body = app.do(c, "GET", "/assessment?section=1", nil)
	expect(t, resp, body, http.StatusOK)
	progressContains(t, string(body), "Your last answers are filled in.", `value="bachelor" checked`, `value="related" checked`, "31 of 31 questions answered")
	// From now on the draft is resumed, not the choice offered.
	_, body = app.do(c, "GET", "/assessment", nil)
	if strings.Contains(string(body), "/assessment/start") || !strings.Contains(string(body), "Section 1 of 6") {
		t.Error("the choice is offered again while a draft is open")
	}
	// A second start (another tab's stale choice) keeps the draft as it is.
	resp, body = app.do(c, "POST", "/assessment/start", url.Values{"from": {"blank"}})
	expect(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/assessment" {
		t.Errorf("a stale start went to %q", loc)
	}
	if d2, _ := app.store.Draft(t.Context(), db.DraftOwner{UserID: me.ID}); string(d2.Answers) != string(d.Answers) {
		t.Error("a stale start replaced the open draft")
	}
	// Finishing with the answers as they are stores a second attempt.
	for n := 1; n <= 6; n++ {
		action := "next"
		if n == 6 {
			action = "finish"
		}
		resp, body = app.do(c, "POST", "/assessment", sectionForm(t, n, action))
		expect(t, resp, body, http.StatusSeeOther)
	}
	if n, _ := app.store.CountAssessments(t.Context(), me.ID); n != 2 {
		t.Errorf("%d attempts after the retake, want 2", n)
	}
}

func TestRetake_StartBlank(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	me := app.register(c, "rita@example.org")
	resp, body := app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	resp, body = app.do(c, "POST", "/assessment/start", url.Values{"from": {"blank"}})
	expect(t, resp, body, http.StatusSeeOther)
	d, err := app.store.Draft(t.Context(), db.DraftOwner{UserID: me.ID})
	if err != nil || string(d.Answers) != "{}" {
		t.Fatalf("blank draft = %s, %v", d.Answers, err)
	}
	_, body = app.do(c, "GET", "/assessment?section=1", nil)
	if strings.Contains(string(body), " checked") || !strings.Contains(string(body), "0 of 31 questions answered") {
		t.Error("a blank start shows answers")
	}
}

// "Clear my answers and start again" leaves a learner who has a result
// where starting again does: at the choice between their last answers and
// a blank form, told that the answers were cleared. Someone without a
// result lands on a blank section 1, as before.
func TestRetake_ClearingTheDraftOffersTheChoiceAgain(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	me := app.register(c, "rita@example.org")
	resp, body := app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	resp, body = app.do(c, "POST", "/assessment/start", url.Values{"from": {"last"}})
	expect(t, resp, body, http.StatusSeeOther)

	resp, body = app.do(c, "POST", "/assessment/restart", url.Values{"confirm": {"yes"}})
	expect(t, resp, body, http.StatusSeeOther)
	loc := resp.Header.Get("Location")
	if _, err := app.store.Draft(t.Context(), db.DraftOwner{UserID: me.ID}); err == nil {
		t.Fatal("confirming did not clear the draft")
	}
	resp, body = app.do(c, "GET", loc, nil)
	expect(t, resp, body, http.StatusOK)
	page := html.UnescapeString(string(body))
	progressContains(t, page, "Your unfinished answers were cleared.", "<h1>Take the assessment again</h1>",
		`<button type="submit" class="button">Start from my last answers</button>`,
		`<button type="submit" class="button secondary">Start blank</button>`)

	// Without a result there is nothing to choose: a blank section 1.
	v := app.client()
	app.register(v, "new@example.org")
	resp, body = app.do(v, "POST", "/assessment", sectionForm(t, 1, "next"))
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = app.do(v, "POST", "/assessment/restart", url.Values{"confirm": {"yes"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = app.do(v, "GET", resp.Header.Get("Location"), nil)
	expect(t, resp, body, http.StatusOK)
	if page := string(body); !strings.Contains(page, "Section 1 of 6") || !strings.Contains(page, "0 of 31 questions answered") ||
		strings.Contains(page, "/assessment/start") {
		t.Errorf("clearing without a result: want a blank section 1; %.300s", page)
	}
}

func TestRetake_RefusesWhatItCannotDo(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "rita@example.org")
	// No result yet: nothing to start from, so on to the assessment.
	resp, _ := app.do(c, "POST", "/assessment/start", url.Values{"from": {"last"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/assessment" {
		t.Errorf("start without a result: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	for _, from := range []string{"", "LAST", "previous"} {
		resp, body = app.do(c, "POST", "/assessment/start", url.Values{"from": {from}})
		expect(t, resp, body, http.StatusBadRequest)
		if !strings.Contains(html.UnescapeString(string(body)), `"from" must be "last" or "blank"`) {
			t.Errorf("from=%q: the page does not say what to send", from)
		}
	}
	resp, body = app.do(c, "POST", "/assessment/start", "from=last", "Content-Type", "application/x-www-form-urlencoded",
		"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	expect(t, resp, body, http.StatusForbidden)
	resp, _ = app.do(app.client(), "POST", "/assessment/start", url.Values{"from": {"last"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("anonymous start: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	counselor := app.createUser("cora@example.org", "counselor")
	cc := app.client()
	app.login(cc, counselor.Email)
	resp, body = app.do(cc, "POST", "/assessment/start", url.Values{"from": {"last"}})
	expect(t, resp, body, http.StatusForbidden)
}
