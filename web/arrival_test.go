package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// takeByPages answers every section through the page forms and returns
// where finishing leads.
func takeByPages(t *testing.T, app *testApp, c *http.Client) string {
	t.Helper()
	for n := 1; n <= 6; n++ {
		action := "next"
		if n == 6 {
			action = "finish"
		}
		resp, body := app.do(c, "POST", "/assessment", sectionForm(t, n, action))
		expect(t, resp, body, http.StatusSeeOther)
		if n == 6 {
			return resp.Header.Get("Location")
		}
	}
	return ""
}

// flashOf follows a redirect and returns the page's flash message.
func flashOf(t *testing.T, app *testApp, c *http.Client, path string) string {
	t.Helper()
	resp, body := app.do(c, "GET", path, nil)
	expect(t, resp, body, http.StatusOK)
	page := string(body)
	i := strings.Index(page, `<p class="flash" role="status">`)
	if i < 0 {
		return ""
	}
	page = page[i+len(`<p class="flash" role="status">`):]
	return page[:strings.Index(page, "</p>")]
}

// A counselor or an admin who takes the assessment keeps the result like a
// learner: in their history, not as a visitor result that "Save" would lose.
func TestAssessment_CounselorAndAdminKeepTheirResult(t *testing.T) {
	app := newTestApp(t)
	for _, role := range []string{"counselor", "admin"} {
		app.createUser(role+"@example.org", role)
		c := app.client()
		app.login(c, role+"@example.org")
		to := takeByPages(t, app, c)
		if !strings.HasPrefix(to, "/results/") || strings.HasPrefix(to, "/results/v") {
			t.Fatalf("%s: finishing leads to %q, want their own stored result", role, to)
		}
		resp, body := app.do(c, "GET", to, nil)
		expect(t, resp, body, http.StatusOK)
		if strings.Contains(string(body), "Save this result") {
			t.Errorf("%s: the result offers to be saved, as if it were a visitor's", role)
		}
		resp, body = app.do(c, "GET", "/progress", nil)
		expect(t, resp, body, http.StatusOK)
		if !strings.Contains(string(body), `href="`+to+`"`) {
			t.Errorf("%s: /progress does not list %s", role, to)
		}
		resp, body = app.do(c, "GET", "/", nil)
		expect(t, resp, body, http.StatusOK)
		if !strings.Contains(string(body), `href="/progress"`) {
			t.Errorf("%s: no link to their own results in the navigation", role)
		}
	}
	// A visitor's result is kept when the person logs in as a counselor.
	v := app.client()
	to := takeByPages(t, app, v)
	if !strings.HasPrefix(to, "/results/v") {
		t.Fatalf("a visitor's result is at %q", to)
	}
	resp, body := app.do(v, "POST", "/login", url.Values{"email": {"counselor@example.org"}, "password": {"correct horse battery"}, "save": {"1"}})
	expect(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/results/") || strings.HasPrefix(loc, "/results/v") {
		t.Errorf("a counselor saving a visitor result lands on %q, want the saved result", loc)
	}
}

// "Log in to save it" and "Save this result" confirm the save and land on
// the saved result; the visitor link leads there afterwards instead of 404.
func TestSave_LandsOnTheSavedResultAndTheOldLinkFollows(t *testing.T) {
	app := newTestApp(t)
	app.register(app.client(), "keeper@example.org")
	for _, via := range []string{"login", "register"} {
		c := app.client()
		old := takeByPages(t, app, c)
		if !strings.HasPrefix(old, "/results/v") {
			t.Fatalf("visitor result at %q", old)
		}
		form := url.Values{"email": {"keeper@example.org"}, "password": {"correct horse battery"}, "save": {"1"}}
		if via == "register" {
			form = url.Values{"email": {"new.keeper@example.org"}, "password": {"correct horse battery"}, "name": {"New Keeper"}, "save": {"1"}}
		}
		resp, body := app.do(c, "POST", "/"+via, form)
		expect(t, resp, body, http.StatusSeeOther)
		saved := resp.Header.Get("Location")
		if !strings.HasPrefix(saved, "/results/") || strings.HasPrefix(saved, "/results/v") {
			t.Fatalf("%s with save: Location %q, want the saved result", via, saved)
		}
		if f := flashOf(t, app, c, saved); !strings.Contains(f, "Your result is saved to your account.") {
			t.Errorf("%s with save: flash %q, want the save confirmed", via, f)
		}
		resp, body = app.do(c, "GET", old, nil)
		expect(t, resp, body, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != saved {
			t.Errorf("%s: the old link %s leads to %q, want %s", via, old, loc, saved)
		}
		// Logged out, the old link asks them to log in, then comes back.
		resp, body = app.do(c, "POST", "/logout", url.Values{})
		expect(t, resp, body, http.StatusSeeOther)
		resp, body = app.do(c, "GET", old, nil)
		expect(t, resp, body, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != "/login?next="+url.QueryEscape(old) {
			t.Errorf("%s, logged out: the old link leads to %q", via, loc)
		}
		// Someone else's account never learns where it went.
		stranger := app.client()
		app.register(stranger, via+".stranger@example.org")
		resp, body = app.do(stranger, "GET", old, nil)
		expect(t, resp, body, http.StatusNotFound)
	}
}

// At login, a visitor's unfinished assessment does not silently replace a
// fuller one saved in the account: the fuller one is kept, and the page
// says so.
func TestLogin_KeepsTheFullerDraftAndSaysSo(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "drafter@example.org")
	for n := 1; n <= 3; n++ {
		resp, body := app.do(c, "POST", "/assessment", sectionForm(t, n, "next"))
		expect(t, resp, body, http.StatusSeeOther)
	}
	// In another browser, before logging in: one section.
	v := app.client()
	resp, body := app.do(v, "POST", "/assessment", sectionForm(t, 1, "next"))
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = app.do(v, "POST", "/login", url.Values{"email": {"drafter@example.org"}, "password": {"correct horse battery"}})
	expect(t, resp, body, http.StatusSeeOther)
	if f := flashOf(t, app, v, resp.Header.Get("Location")); !strings.Contains(f, "more answers") || !strings.Contains(f, "is kept") {
		t.Errorf("flash %q, want it to say the fuller draft is kept", f)
	}
	resp, body = app.do(v, "GET", "/assessment?section=1", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "15 of 31 questions answered") {
		t.Errorf("the account's fuller draft was not kept: %.300s", body[strings.Index(string(body), "progress-text"):])
	}
	// A fuller visitor draft replaces a thinner one, as before.
	v2 := app.client()
	for n := 1; n <= 5; n++ {
		resp, body = app.do(v2, "POST", "/assessment", sectionForm(t, n, "next"))
		expect(t, resp, body, http.StatusSeeOther)
	}
	resp, body = app.do(v2, "POST", "/login", url.Values{"email": {"drafter@example.org"}, "password": {"correct horse battery"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = app.do(v2, "GET", "/assessment?section=1", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "25 of 31 questions answered") {
		t.Errorf("the fuller visitor draft was not kept")
	}
}
