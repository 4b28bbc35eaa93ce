package web

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/readiness/readiness/assessment"
)

// sectionForm is the form a person submits for section n (1-based) with the
// sample answers, as the assessment page's radios and checkboxes send it.
func sectionForm(t *testing.T, n int, action string, skip ...string) url.Values {
	t.Helper()
	profiles, _ := assessment.Builtin()
	p, _ := profiles.Lookup("ecommerce-manager")
	answers := sampleSubmission(t)["answers"].(map[string]any)
	form := url.Values{"section": {strconv.Itoa(n)}, "action": {action}}
	for _, q := range p.QuestionsIn(p.Dimensions[n-1].ID) {
		if contains(skip, q.ID) {
			continue
		}
		switch v := answers[q.ID].(type) {
		case []any:
			for _, k := range v {
				form.Add(q.ID, k.(string))
			}
		case float64:
			form.Set(q.ID, strconv.Itoa(int(v)))
		case string:
			form.Set(q.ID, v)
		}
	}
	return form
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestPages_VisitorTakesAssessmentAndSavesResultByRegistering(t *testing.T) {
	app := newTestApp(t)
	c := app.client()

	resp, body := app.do(c, "GET", "/assessment", nil)
	expect(t, resp, body, http.StatusOK)
	for _, want := range []string{"Section 1 of 6", "<fieldset", "<legend>What is the highest degree you have completed?</legend>", `name="edu.degree"`} {
		if !strings.Contains(string(body), want) {
			t.Fatalf("section 1 lacks %q", want)
		}
	}

	// Leave one question empty: the section comes back with the error beside
	// it and the other answers kept.
	resp, body = app.do(c, "POST", "/assessment", sectionForm(t, 1, "next", "edu.continuing"))
	expect(t, resp, body, http.StatusUnprocessableEntity)
	page := string(body)
	for _, want := range []string{`id="err-edu.continuing"`, "Choose one of the options.", `aria-describedby="err-edu.continuing"`, `value="bachelor" checked`} {
		if !strings.Contains(page, want) {
			t.Fatalf("error page lacks %q", want)
		}
	}

	for n := 1; n <= 6; n++ {
		action := "next"
		if n == 6 {
			action = "finish"
		}
		resp, body = app.do(c, "POST", "/assessment", sectionForm(t, n, action))
		expect(t, resp, body, http.StatusSeeOther)
		if n < 6 {
			if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("/assessment?section=%d", n+1) {
				t.Fatalf("section %d redirected to %q", n, loc)
			}
		}
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/results/v") {
		t.Fatalf("a visitor's result went to %q", loc)
	}
	resp, body = app.do(c, "GET", loc, nil)
	expect(t, resp, body, http.StatusOK)
	for _, want := range []string{"Nearly ready", "69.1", "Save this result", "Train in online security", "+9.2 points", "PayScale", "September 2015", `role="img"`} {
		if !strings.Contains(string(body), want) {
			t.Fatalf("result page lacks %q", want)
		}
	}
	// Another browser cannot open it.
	resp, body = app.do(app.client(), "GET", loc, nil)
	expect(t, resp, body, http.StatusNotFound)

	resp, body = app.do(c, "POST", "/register", url.Values{"name": {"Vera"}, "email": {"vera@example.org"}, "password": {"a long enough password"}, "save": {"1"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = app.do(c, "GET", "/api/v1/assessments", nil)
	expect(t, resp, body, http.StatusOK)
	list := decode[struct{ Assessments []storedResult }](t, body)
	if len(list.Assessments) != 1 || list.Assessments[0].Band != "nearly-ready" {
		t.Fatalf("the visitor's result was not kept: %s", body)
	}
}

func TestPages_RegisterFormShowsErrorsBesideFields(t *testing.T) {
	app := newTestApp(t)
	resp, body := app.do(app.client(), "POST", "/register", url.Values{"name": {"<script>alert(1)</script>"}, "email": {"not-an-email"}, "password": {"short"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	page := string(body)
	for _, want := range []string{`id="err-email"`, `id="err-password"`, "at least 10 characters", `aria-invalid="true"`, "&lt;script&gt;alert(1)&lt;/script&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("register page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>alert(1)") {
		t.Fatal("name echoed unescaped")
	}
}

func TestPages_LoginFailureIsGenericAndLogoutEndsSession(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "pat@example.org")
	for _, email := range []string{"pat@example.org", "nobody@example.org"} {
		resp, body := app.do(app.client(), "POST", "/login", url.Values{"email": {email}, "password": {"wrong password 123"}})
		expect(t, resp, body, http.StatusUnauthorized)
		if !strings.Contains(string(body), "Email or password is incorrect.") {
			t.Fatalf("login failure for %s does not give the generic message", email)
		}
	}
	resp, body := app.do(c, "POST", "/logout", nil)
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = app.do(c, "GET", "/account", nil)
	expect(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/login?next=") {
		t.Fatalf("after logout /account redirected to %q", loc)
	}
}

func TestPages_DraftSurvivesServerRestart(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "drafty@example.org")
	for n := 1; n <= 2; n++ {
		resp, body := app.do(c, "POST", "/assessment", sectionForm(t, n, "next"))
		expect(t, resp, body, http.StatusSeeOther)
	}
	path, clock := app.dbPath, app.clock
	app.stop()

	app = startTestApp(t, path, clock, nil)
	c2 := app.client()
	app.login(c2, "drafty@example.org") // a new browser, a new session
	resp, body := app.do(c2, "GET", "/assessment", nil)
	expect(t, resp, body, http.StatusOK)
	page := string(body)
	if !strings.Contains(page, "Section 3 of 6") || !strings.Contains(page, "Welcome back") {
		t.Fatalf("resume did not open section 3: %.300s", page)
	}
	resp, body = app.do(c2, "GET", "/assessment?section=2", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), `name="mkt.years" value="1-2" checked`) {
		t.Fatal("section 2 answers were not kept across the restart")
	}
}

func TestPages_StoredResultDisplaysSameAfterProfileVersionChanges(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "stable@example.org")
	resp, body := app.do(c, "POST", "/api/v1/assessments", sampleSubmission(t))
	expect(t, resp, body, http.StatusCreated)
	id := strconv.FormatInt(decode[storedResult](t, body).ID, 10)
	_, beforeAPI := app.do(c, "GET", "/api/v1/assessments/"+id, nil)
	_, beforePage := app.do(c, "GET", "/results/"+id, nil)

	// A new profile version: a security target raised and weights moved.
	data, err := os.ReadFile(filepath.Join("..", "assessment", "profiles", "ecommerce-manager.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	raw["version"] = "2099.1"
	dims := raw["dimensions"].([]any)
	dims[0].(map[string]any)["weight"] = 20.0
	dims[3].(map[string]any)["weight"] = 20.0
	for _, q := range raw["questions"].([]any) {
		if q.(map[string]any)["id"] == "sec.practices" {
			q.(map[string]any)["target"] = 4.0
		}
	}
	changed, _ := json.Marshal(raw)
	profiles, err := assessment.LoadDir(fstest.MapFS{"p/ecommerce-manager.json": {Data: changed}, "p/ecommerce-manager.es.json": {Data: mirroredTranslation(t, changed)}}, "p")
	if err != nil {
		t.Fatal(err)
	}
	path, clock := app.dbPath, app.clock
	app.stop()
	app = startTestApp(t, path, clock, profiles)
	c2 := app.client()
	app.login(c2, "stable@example.org")

	_, afterAPI := app.do(c2, "GET", "/api/v1/assessments/"+id, nil)
	if string(afterAPI) != string(beforeAPI) {
		t.Fatalf("stored result changed with the profile:\nbefore %s\nafter  %s", beforeAPI, afterAPI)
	}
	_, afterPage := app.do(c2, "GET", "/results/"+id, nil)
	for _, want := range []string{"69.1", "version 2026.1"} {
		_ = want
	}
	if !strings.Contains(string(beforePage), "69.1") || !strings.Contains(string(afterPage), "69.1") {
		t.Fatal("result page no longer shows the score it was given")
	}
	// New scoring uses the new version.
	resp, body = app.do(c2, "POST", "/api/v1/score", sampleSubmission(t))
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), `"version":"2099.1"`) {
		t.Fatalf("new scores should use the new version: %.200s", body)
	}
}

// "Clear my answers and start again" asks first, on a page of its own (so
// it works without JavaScript); only the confirmation clears the draft.
func TestPages_ClearingTheDraftAsksFirst(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "careful@example.org")
	resp, body := app.do(c, "POST", "/assessment", sectionForm(t, 1, "next"))
	expect(t, resp, body, http.StatusSeeOther)

	resp, body = app.do(c, "POST", "/assessment/restart", url.Values{})
	expect(t, resp, body, http.StatusOK)
	page := string(body)
	if !strings.Contains(page, "Clear your answers?") || !strings.Contains(page, `name="confirm" value="yes"`) || !strings.Contains(page, "Keep my answers") {
		t.Fatalf("the first press did not ask: %.500s", page)
	}
	resp, body = app.do(c, "GET", "/assessment?section=1", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "4 of 31 questions answered") {
		t.Fatalf("asking cleared the draft: %.300s", body)
	}
	resp, body = app.do(c, "POST", "/assessment/restart", url.Values{"confirm": {"yes"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = app.do(c, "GET", "/assessment?section=1", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "0 of 31 questions answered") {
		t.Fatalf("confirming did not clear the draft: %.300s", body)
	}
}

// /progress tells of an unfinished assessment, the landing page does not
// tell a logged-in user that no account is needed, and the section list
// marks the sections already complete.
func TestPages_UnfinishedDraftAndCompletedSectionsShown(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	resp, body := app.do(c, "GET", "/", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "no account needed") {
		t.Error("a visitor is not told that no account is needed")
	}
	app.register(c, "halfway@example.org")
	resp, body = app.do(c, "GET", "/", nil)
	expect(t, resp, body, http.StatusOK)
	if strings.Contains(string(body), "no account needed") {
		t.Error("a logged-in user is told that no account is needed")
	}
	resp, body = app.do(c, "GET", "/progress", nil)
	expect(t, resp, body, http.StatusOK)
	if strings.Contains(string(body), "unfinished assessment") {
		t.Error("/progress speaks of an unfinished assessment before there is one")
	}
	for n := 1; n <= 2; n++ {
		resp, body = app.do(c, "POST", "/assessment", sectionForm(t, n, "next"))
		expect(t, resp, body, http.StatusSeeOther)
	}
	resp, body = app.do(c, "GET", "/progress", nil)
	expect(t, resp, body, http.StatusOK)
	page := string(body)
	if !strings.Contains(page, "You have an unfinished assessment") || !strings.Contains(page, "9 of 31 questions answered") || !strings.Contains(page, `href="/assessment?section=3"`) {
		t.Errorf("/progress does not offer the unfinished assessment: %.800s", page)
	}
	resp, body = app.do(c, "GET", "/assessment?section=3", nil)
	expect(t, resp, body, http.StatusOK)
	page = string(body)
	if strings.Count(page, `class=" done"`) != 2 || strings.Count(page, "(complete)") != 2 || strings.Contains(page, `class="current done"`) {
		t.Errorf("want sections 1 and 2 marked complete, the others not: %s", page[strings.Index(page, "<ol>"):strings.Index(page, "</ol>")])
	}
}

// Every message on a page is a sentence a person would say: no label said
// twice, no option keys or "0 to 4", no "?:" in the summary.
func TestPages_MessagesAreSentences(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "words@example.org")
	form := sectionForm(t, 1, "next", "edu.degree")
	form.Del("edu.certifications")
	form.Add("edu.certifications", "none")
	form.Add("edu.certifications", "security")
	resp, body := app.do(c, "POST", "/assessment", form)
	expect(t, resp, body, http.StatusUnprocessableEntity)
	page := html.UnescapeString(string(body))
	for _, want := range []string{"What is the highest degree you have completed?</a> Choose one of the options.",
		"“None of these” cannot be chosen together with other options: untick one or the other."} {
		if !strings.Contains(page, want) {
			t.Errorf("section 1 lacks %q", want)
		}
	}
	form = sectionForm(t, 2, "next", "mkt.sem")
	resp, body = app.do(c, "POST", "/assessment", form)
	expect(t, resp, body, http.StatusUnprocessableEntity)
	page = html.UnescapeString(string(body))
	if !strings.Contains(page, "Choose a level, from None to Expert.") {
		t.Error("a missing rating does not ask for a level by name")
	}
	for _, bad := range []string{"?:", "This question", "0 to 4", "is required", `"none" cannot`} {
		if strings.Contains(page+html.UnescapeString(string(body)), bad) {
			t.Errorf("a page message still reads %q", bad)
		}
	}
	resp, body = app.do(c, "POST", "/account/share", url.Values{"share_code": {""}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if page := html.UnescapeString(string(body)); !strings.Contains(page, "Enter the share code your counselor gave you.") || strings.Contains(page, "Share code is required") {
		t.Error("the empty share code message repeats its label")
	}
	resp, body = app.do(c, "POST", "/account/delete", url.Values{"password": {"not my password at all"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if page := html.UnescapeString(string(body)); !strings.Contains(page, "That is not your current password, so nothing was deleted.") {
		t.Error("the wrong-password message repeats its label")
	}
}
