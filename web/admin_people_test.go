package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// madeLink finds the link a page shows to copy, as a path on the test server.
func (a *testApp) madeLink(t *testing.T, body []byte) string {
	t.Helper()
	m := regexp.MustCompile(`id="made-url" type="text" readonly value="([^"]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no link to copy on the page: %.3000s", body)
	}
	u, err := url.Parse(string(m[1]))
	if err != nil || u.Scheme+"://"+u.Host != a.srv.URL {
		t.Fatalf("the link %q is not on this site (%s)", m[1], a.srv.URL)
	}
	return u.Path
}

func TestAdminPages_AddAPersonShowsTheInvitationLink(t *testing.T) {
	w := newWorkspace(t)
	resp, body := w.app.do(w.ac, "GET", "/admin/users", nil)
	expect(t, resp, body, http.StatusOK)
	for _, s := range []string{`action="/admin/users"`, "Add a person", `id="f-new-role"`, `list="f-new-group-list"`} {
		if !strings.Contains(string(body), s) {
			t.Errorf("/admin/users lacks %q", s)
		}
	}
	resp, body = w.app.do(w.ac, "POST", "/admin/users", url.Values{"email": {"nope"}, "name": {""}, "role": {"counselor"}, "group": {"Class of 2027"}, "back_q": {"x"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	for _, s := range []string{"Enter an email address like name@example.com.", "Enter the person&#39;s name.", `value="nope"`} {
		if !strings.Contains(string(body), s) {
			t.Errorf("the refused form lacks %q", s)
		}
	}
	resp, body = w.app.do(w.ac, "POST", "/admin/users", url.Values{"email": {"x@example.org"}, "name": {"X"}, "role": {"counselor"}, "group": {"Class of 2027"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(string(body), "Only learners belong to a group") {
		t.Errorf("a counselor in a group is not refused by name: %.3000s", body)
	}
	resp, body = w.app.do(w.ac, "POST", "/admin/users", url.Values{"email": {"LENA@example.org"}, "name": {"Lena"}, "role": {"learner"}})
	expect(t, resp, body, http.StatusConflict)
	if !strings.Contains(string(body), "An account with this email already exists.") {
		t.Error("a taken email is not named")
	}

	resp, body = w.app.do(w.ac, "POST", "/admin/users", url.Values{"email": {"nia@example.org"}, "name": {"Nia Njoku"}, "role": {"learner"}, "group": {"Class of 2027"}})
	expect(t, resp, body, http.StatusCreated)
	if !strings.Contains(string(body), "Account created: its invitation link") || !strings.Contains(string(body), "Nia Njoku (nia@example.org)") {
		t.Errorf("no invitation panel: %.3000s", body)
	}
	if !strings.Contains(string(body), ">Invited<") {
		t.Error("the new account is not shown as invited")
	}
	path := w.app.madeLink(t, body)
	c := w.app.client()
	resp, body = w.app.do(c, "POST", path, url.Values{"new_password": {"nia's own secret"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(c, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusOK)
}

func TestAdminPages_ResetLinkFromTheListAndThePersonPage(t *testing.T) {
	w := newWorkspace(t)
	resp, body := w.app.do(w.ac, "POST", "/admin/users/"+id(w.learner.ID)+"/reset-link", url.Values{"back_q": {"lena"}})
	expect(t, resp, body, http.StatusCreated)
	if !strings.Contains(string(body), "Password link") || !strings.Contains(string(body), "their current one works until they do") {
		t.Errorf("list panel: %.3000s", body)
	}
	first := w.app.madeLink(t, body)
	resp, body = w.app.do(w.ac, "POST", "/admin/users/"+id(w.learner.ID)+"/reset-link", url.Values{"back": {"user"}})
	expect(t, resp, body, http.StatusCreated)
	if !strings.Contains(string(body), "Latest audit entries") || !strings.Contains(string(body), "made a password link") {
		t.Errorf("person page after a link: %.3000s", body)
	}
	second := w.app.madeLink(t, body)
	resp, body = w.app.do(w.app.client(), "GET", first, nil)
	expect(t, resp, body, http.StatusGone) // replaced by the second
	resp, body = w.app.do(w.app.client(), "GET", second, nil)
	expect(t, resp, body, http.StatusOK)
	resp, body = w.app.do(w.ac, "POST", "/admin/users/99999/reset-link", url.Values{})
	expect(t, resp, body, http.StatusNotFound)
	// Links shown use the configured address when there is one.
	w.app.stop()
	app := startTestAppWith(t, w.app.dbPath, w.app.clock, func(c *Config) { c.BaseURL = "https://readiness.example.edu" })
	ac := app.client()
	app.login(ac, w.admin.Email)
	resp, body = app.do(ac, "POST", "/admin/users/"+id(w.learner.ID)+"/reset-link", url.Values{})
	expect(t, resp, body, http.StatusCreated)
	if !strings.Contains(string(body), `value="https://readiness.example.edu/reset/`) {
		t.Errorf("the link does not use the base URL: %.3000s", body)
	}
}

func TestAdminPages_PersonPageEditsAndRefuses(t *testing.T) {
	w := newWorkspace(t)
	p := "/admin/users/" + id(w.learner.ID)
	resp, body := w.app.do(w.ac, "GET", p, nil)
	expect(t, resp, body, http.StatusOK)
	for _, s := range []string{"Test lena@example.org", "Shares results with", w.counselor.Email, "Make a password link", "Disable the account"} {
		if !strings.Contains(string(body), s) {
			t.Errorf("person page lacks %q", s)
		}
	}
	resp, body = w.app.do(w.ac, "POST", p, url.Values{"name": {""}, "group": {"Class\x00"}, "role": {"learner"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	for _, s := range []string{`id="err-name"`, `id="err-f-group"`, "Enter the person&#39;s name.", "Write the group as plain text on one line."} {
		if !strings.Contains(string(body), s) {
			t.Errorf("refused edit lacks %q", s)
		}
	}
	resp, body = w.app.do(w.ac, "POST", p, url.Values{"name": {"Lena Lind"}, "group": {"Evening"}, "role": {"learner"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.ac, "GET", p, nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Account updated.") || !strings.Contains(string(body), "· Evening ·") || !strings.Contains(string(body), "changed the group") {
		t.Errorf("after the edit: %.3000s", body)
	}
	resp, body = w.app.do(w.ac, "POST", p, url.Values{"disabled": {"true"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(w.lc, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusUnauthorized)
	resp, body = w.app.do(w.ac, "GET", p, nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Enable the account") || strings.Contains(string(body), "Make a password link") {
		t.Error("a disabled account's page offers the wrong actions")
	}
	self := "/admin/users/" + id(w.admin.ID)
	resp, body = w.app.do(w.ac, "POST", self, url.Values{"disabled": {"true"}})
	expect(t, resp, body, http.StatusConflict)
	resp, body = w.app.do(w.ac, "POST", self, url.Values{"name": {"Root"}, "group": {""}, "role": {"learner"}})
	expect(t, resp, body, http.StatusConflict)
	if !strings.Contains(string(body), "last enabled admin") {
		t.Errorf("last admin: %.3000s", body)
	}
	resp, body = w.app.do(w.ac, "POST", p, url.Values{"disabled": {"maybe"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	resp, body = w.app.do(w.ac, "POST", p, url.Values{})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	for _, bad := range []string{"/admin/users/99999", "/admin/users/x"} {
		resp, body = w.app.do(w.ac, "GET", bad, nil)
		expect(t, resp, body, http.StatusNotFound)
		resp, body = w.app.do(w.ac, "POST", bad, url.Values{"name": {"X"}})
		expect(t, resp, body, http.StatusNotFound)
	}
	for _, c := range []*http.Client{w.sc, w.cc} { // lena is disabled by now
		resp, body = w.app.do(c, "GET", p, nil)
		expect(t, resp, body, http.StatusForbidden)
		resp, body = w.app.do(c, "POST", "/admin/users", url.Values{"email": {"z@example.org"}, "name": {"Z"}})
		expect(t, resp, body, http.StatusForbidden)
	}
}
