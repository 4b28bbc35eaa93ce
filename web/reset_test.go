package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/readiness/readiness/account"
)

// createdPerson is POST /api/v1/admin/users' answer.
type createdPerson struct {
	User      adminUserJSON `json:"user"`
	ResetURL  string        `json:"reset_url"`
	ExpiresAt string        `json:"expires_at"`
}

func (w *workspace) resetLink(t *testing.T, id int64) resetLinkJSON {
	t.Helper()
	resp, body := w.app.do(w.ac, "POST", "/api/v1/admin/users/"+idStr(id)+"/reset-link", nil)
	expect(t, resp, body, http.StatusCreated)
	return decode[resetLinkJSON](t, body)
}

func idStr(n int64) string { return id(n) }

func TestResetLink_SetsThePasswordLogsInAndEndsOtherSessions(t *testing.T) {
	w := newWorkspace(t)
	link := w.resetLink(t, w.learner.ID)
	if !strings.HasPrefix(link.ResetURL, "/reset/") || len(link.ResetURL) != len("/reset/")+account.ResetTokenChars {
		t.Fatalf("reset_url %q", link.ResetURL)
	}
	if exp, err := time.Parse(time.RFC3339, link.ExpiresAt); err != nil || !exp.Equal(w.app.clock.Now().Add(24*time.Hour)) {
		t.Errorf("expires_at %q, want 24 hours from now", link.ExpiresAt)
	}
	browser := w.app.client()
	resp, body := w.app.do(browser, "GET", link.ResetURL, nil)
	expect(t, resp, body, http.StatusOK)
	for _, s := range []string{"Choose a new password", "lena@example.org", `autocomplete="new-password"`, `action="` + link.ResetURL + `"`} {
		if !strings.Contains(string(body), s) {
			t.Errorf("reset page lacks %q", s)
		}
	}
	if rp := resp.Header.Get("Referrer-Policy"); rp != "no-referrer" {
		t.Errorf("Referrer-Policy %q on a page whose address is a secret", rp)
	}
	// Looking does not use it; a weak password is refused beside the field.
	resp, body = w.app.do(browser, "POST", link.ResetURL, url.Values{"new_password": {"lena@example.org"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(string(body), "Do not use your email address or your name as your password.") || !strings.Contains(string(body), `aria-invalid="true"`) {
		t.Errorf("weak password page: %.2000s", body)
	}
	resp, body = w.app.do(browser, "POST", link.ResetURL, url.Values{"new_password": {"a brand new secret"}})
	expect(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/progress" {
		t.Errorf("after setting the password: to %q", loc)
	}
	resp, body = w.app.do(browser, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusOK)
	if decode[meResponse](t, body).Email != "lena@example.org" {
		t.Error("the browser is not logged in as lena")
	}
	// Lena's old session is over; her new password works, the old one not.
	resp, body = w.app.do(w.lc, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusUnauthorized)
	resp, body = w.app.do(w.app.client(), "POST", "/api/v1/auth/login", map[string]string{"email": "lena@example.org", "password": "a brand new secret"})
	expect(t, resp, body, http.StatusOK)
	// Single use: the second visit says so, and when.
	resp, body = w.app.do(w.app.client(), "GET", link.ResetURL, nil)
	expect(t, resp, body, http.StatusGone)
	if !strings.Contains(string(body), "This link was already used") || !strings.Contains(string(body), "3 Mar 2026, 09:00 UTC") {
		t.Errorf("used link page: %.2000s", body)
	}
	resp, body = w.app.do(w.app.client(), "POST", link.ResetURL, url.Values{"new_password": {"yet another secret"}})
	expect(t, resp, body, http.StatusGone)
	// The audit log has the link, made by the admin.
	log := w.audit(t, "?user_id="+id(w.learner.ID))
	if len(log.Entries) == 0 || log.Entries[0].Action != "user.reset-link" || log.Entries[0].Detail != "password reset" {
		t.Errorf("audit: %+v", log.Entries)
	}
}

func TestResetLink_EachEndedLinkSaysWhyAndWhatToDo(t *testing.T) {
	w := newWorkspace(t)
	first := w.resetLink(t, w.learner.ID)
	second := w.resetLink(t, w.learner.ID)
	tok := strings.TrimPrefix(second.ResetURL, "/reset/")
	wrongVerifier := "/reset/" + tok[:16] + strings.Repeat("A", account.ResetTokenChars-16)
	cases := []struct {
		name, path string
		status     int
		words      []string
	}{
		{"replaced", first.ResetURL, http.StatusGone, []string{"A newer link was made for this account", "Use the newest link"}},
		{"unknown", "/reset/" + strings.Repeat("x", account.ResetTokenChars), http.StatusNotFound, []string{"not one Readiness knows", "copied all of it"}},
		{"malformed", "/reset/short", http.StatusNotFound, []string{"not one Readiness knows"}},
		{"right selector, wrong secret", wrongVerifier, http.StatusNotFound, []string{"not one Readiness knows"}},
		{"cut short", second.ResetURL[:len(second.ResetURL)-1], http.StatusNotFound, []string{"not one Readiness knows"}},
	}
	for _, c := range cases {
		for _, method := range []string{"GET", "POST"} {
			resp, body := w.app.do(w.app.client(), method, c.path, url.Values{"new_password": {"a brand new secret"}})
			expect(t, resp, body, c.status)
			for _, s := range c.words {
				if !strings.Contains(string(body), s) {
					t.Errorf("%s (%s): page lacks %q", c.name, method, s)
				}
			}
		}
	}
	// Expired: 24 hours on.
	w.app.clock.Advance(24 * time.Hour)
	resp, body := w.app.do(w.app.client(), "GET", second.ResetURL, nil)
	expect(t, resp, body, http.StatusGone)
	if !strings.Contains(string(body), "4 Mar 2026, 09:00 UTC</time>: links work for 24 hours") || !strings.Contains(string(body), "Ask your administrator for a new link") {
		t.Errorf("expired page: %.2000s", body)
	}
	// Disabled account: refused, with what to do.
	third := w.resetLink(t, w.learner.ID)
	resp, body = w.app.do(w.ac, "PATCH", "/api/v1/admin/users/"+id(w.learner.ID), map[string]bool{"disabled": true})
	expect(t, resp, body, http.StatusOK)
	resp, body = w.app.do(w.app.client(), "POST", third.ResetURL, url.Values{"new_password": {"a brand new secret"}})
	expect(t, resp, body, http.StatusForbidden)
	if !strings.Contains(string(body), "is disabled") {
		t.Errorf("disabled page: %.2000s", body)
	}
	resp, body = w.app.do(w.ac, "POST", "/api/v1/admin/users/"+id(w.learner.ID)+"/reset-link", nil)
	expect(t, resp, body, http.StatusConflict)
	// Nothing changed Lena's password.
	w.app.do(w.ac, "PATCH", "/api/v1/admin/users/"+id(w.learner.ID), map[string]bool{"disabled": false})
	w.app.login(w.app.client(), "lena@example.org")
}

func TestResetLink_WarnsSomeoneLoggedInAsAnother(t *testing.T) {
	w := newWorkspace(t)
	link := w.resetLink(t, w.learner.ID)
	// The admin opens the link in their own browser.
	resp, body := w.app.do(w.ac, "GET", link.ResetURL, nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "You are logged in as") || !strings.Contains(string(body), "give it to them") {
		t.Errorf("no warning for the admin: %.2000s", body)
	}
	resp, body = w.app.do(w.ac, "POST", link.ResetURL, url.Values{"new_password": {"a brand new secret"}})
	expect(t, resp, body, http.StatusSeeOther)
	// That browser is Lena's now; the admin's session there is over.
	resp, body = w.app.do(w.ac, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusOK)
	if decode[meResponse](t, body).Email != "lena@example.org" {
		t.Error("the browser did not switch to lena")
	}
}

func TestInvitation_APICreatesAPersonWhoSetsTheirOwnPassword(t *testing.T) {
	w := newWorkspace(t)
	resp, body := w.app.do(w.ac, "POST", "/api/v1/admin/users", map[string]string{"email": " Nia@Example.ORG ", "name": "Nia Njoku", "role": "learner", "group": "Class of 2027"})
	expect(t, resp, body, http.StatusCreated)
	got := decode[createdPerson](t, body)
	if got.User.Email != "nia@example.org" || got.User.Group != "Class of 2027" || got.User.PasswordSet || got.User.Role != "learner" ||
		!strings.HasPrefix(got.ResetURL, "/reset/") || got.ExpiresAt == "" || strings.Contains(string(body), "password_hash") {
		t.Fatalf("created: %s", body)
	}
	// No password yet: nothing logs in, not even the server's own dummy one.
	for _, pw := range []string{"", "readiness-dummy-password", "correct horse battery"} {
		resp, body := w.app.do(w.app.client(), "POST", "/api/v1/auth/login", map[string]string{"email": "nia@example.org", "password": pw})
		expect(t, resp, body, http.StatusUnauthorized)
	}
	resp, body = w.app.do(w.app.client(), "GET", got.ResetURL, nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Welcome to Readiness, Nia Njoku") || !strings.Contains(string(body), "Set my password") {
		t.Errorf("invitation page: %.2000s", body)
	}
	c := w.app.client()
	resp, body = w.app.do(c, "POST", got.ResetURL, url.Values{"new_password": {"nia's own secret"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = w.app.do(c, "GET", "/progress", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Your password is set, and you are logged in.") {
		t.Error("no welcome after setting the password")
	}
	log := w.audit(t, "?user_id="+id(got.User.ID))
	if len(log.Entries) != 2 || log.Entries[0].Action != "user.reset-link" || log.Entries[0].Detail != "invitation" ||
		log.Entries[1].Action != "user.create" || log.Entries[1].Detail != "learner, group Class of 2027" {
		t.Errorf("audit: %+v", log.Entries)
	}
}

func TestInvitation_BadInputIsNamed(t *testing.T) {
	w := newWorkspace(t)
	cases := []struct {
		body   string
		status int
		fields []string
	}{
		{`{"email":"","name":"","role":"","group":""}`, 422, []string{"email", "name"}},
		{`{"email":"x@example.org","name":"X","role":"owner"}`, 422, []string{"role"}},
		{`{"email":"x@example.org","name":"X","role":"counselor","group":"Class of 2027"}`, 422, []string{"group"}},
		{`{"email":"x@exаmple.org","name":"X"}`, 422, []string{"email"}}, // a Cyrillic а
		{`{"email":"x@example.org","name":"X\u0000"}`, 422, []string{"name"}},
		{`{"email":"lena@example.org","name":"Lena Again"}`, 409, []string{"email"}},
	}
	for _, c := range cases {
		resp, body := w.app.do(w.ac, "POST", "/api/v1/admin/users", c.body)
		expect(t, resp, body, c.status)
		for _, f := range c.fields {
			wantProblem(t, body, f, "")
		}
	}
	resp, body := w.app.do(w.ac, "POST", "/api/v1/admin/users", `{"email":`)
	expect(t, resp, body, http.StatusBadRequest)
	resp, body = w.app.do(w.ac, "POST", "/api/v1/admin/users", `{"email":"a@example.org","name":"A"}`, "Content-Type", "text/plain")
	expect(t, resp, body, http.StatusUnsupportedMediaType)
	// The wording speaks of the person, not of "your" name.
	resp, body = w.app.do(w.ac, "POST", "/api/v1/admin/users", `{"email":"a@example.org","name":" "}`)
	expect(t, resp, body, http.StatusUnprocessableEntity)
	wantProblem(t, body, "name", "Enter the person's name.")
}
