package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// cookieOf is the session cookie a client holds for the app.
func (a *testApp) cookieOf(c *http.Client) string {
	u, _ := url.Parse(a.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			return ck.Value
		}
	}
	return ""
}

func wantProblem(t *testing.T, body []byte, field, substr string) {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("not the error shape: %s", body)
	}
	for _, p := range e.Problems {
		if p.Field == field && strings.Contains(p.Problem, substr) {
			return
		}
	}
	t.Errorf("no problem naming %s (%q) in %s", field, substr, body)
}

func TestChangePassword_API(t *testing.T) {
	app := newTestApp(t)
	here, elsewhere := app.client(), app.client()
	app.register(here, "ada@example.org")
	app.login(elsewhere, "ada@example.org")
	before := app.cookieOf(here)

	bad := []struct {
		body         map[string]string
		field, words string
	}{
		{map[string]string{"new_password": "a much better secret"}, "current_password", "Enter your current password"},
		{map[string]string{"current_password": "correct horse battery", "new_password": "short"}, "new_password", "at least 10"},
		{map[string]string{"current_password": "correct horse battery", "new_password": "1234567890"}, "new_password", "most common"},
		{map[string]string{"current_password": "correct horse battery", "new_password": "ada@example.org"}, "new_password", "email"},
		{map[string]string{"current_password": "correct horse battery", "new_password": "correct horse battery"}, "new_password", "current password"},
		{map[string]string{"current_password": "wrong one here", "new_password": "a much better secret"}, "current_password", "not your current password"},
	}
	for _, b := range bad {
		resp, body := app.do(here, "POST", "/api/v1/me/password", b.body)
		expect(t, resp, body, http.StatusUnprocessableEntity)
		wantProblem(t, body, b.field, b.words)
	}
	resp, body := app.do(here, "POST", "/api/v1/me/password", map[string]string{"current_password": "correct horse battery", "new_password": "a much better secret"})
	expect(t, resp, body, http.StatusNoContent)
	if after := app.cookieOf(here); after == "" || after == before {
		t.Error("the session continues under the same id")
	}
	resp, body = app.do(here, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusOK)
	resp, body = app.do(elsewhere, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusUnauthorized)
	resp, body = app.do(app.client(), "POST", "/api/v1/auth/login", map[string]string{"email": "ada@example.org", "password": "correct horse battery"})
	expect(t, resp, body, http.StatusUnauthorized)
	resp, body = app.do(app.client(), "POST", "/api/v1/auth/login", map[string]string{"email": "ada@example.org", "password": "a much better secret"})
	expect(t, resp, body, http.StatusOK)
	resp, body = app.do(app.client(), "POST", "/api/v1/me/password", map[string]string{})
	expect(t, resp, body, http.StatusUnauthorized)
}

func TestChangePassword_GuessesAreThrottled(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	app.register(c, "ada@example.org")
	for range passwordChecks {
		resp, body := app.do(c, "POST", "/api/v1/me/password", map[string]string{"current_password": "guess guess guess", "new_password": "a much better secret"})
		expect(t, resp, body, http.StatusUnprocessableEntity)
	}
	resp, body := app.do(c, "POST", "/api/v1/me/password", map[string]string{"current_password": "correct horse battery", "new_password": "a much better secret"})
	expect(t, resp, body, http.StatusTooManyRequests)
	if resp.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	resp, body = app.do(c, "POST", "/account/password", url.Values{"current_password": {"correct horse battery"}, "new_password": {"a much better secret"}})
	expect(t, resp, body, http.StatusTooManyRequests)
	if !strings.Contains(string(body), "Too many wrong passwords") {
		t.Errorf("the page does not say why: %.3000s", body)
	}
	app.clock.Advance(throttleWindow + time.Second)
	resp, body = app.do(c, "POST", "/api/v1/me/password", map[string]string{"current_password": "correct horse battery", "new_password": "a much better secret"})
	expect(t, resp, body, http.StatusNoContent)
}

func TestChangePassword_Page(t *testing.T) {
	app := newTestApp(t)
	here, elsewhere := app.client(), app.client()
	app.register(here, "ada@example.org")
	app.login(elsewhere, "ada@example.org")
	resp, body := app.do(here, "GET", "/account", nil)
	expect(t, resp, body, http.StatusOK)
	for _, s := range []string{`action="/account/password"`, `autocomplete="current-password"`, `autocomplete="new-password"`,
		"You are also logged in on one other device or browser", `action="/account/logout-others"`} {
		if !strings.Contains(string(body), s) {
			t.Errorf("/account lacks %q", s)
		}
	}
	resp, body = app.do(here, "POST", "/account/password", url.Values{"current_password": {"nope nope nope"}, "new_password": {"password1"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	for _, s := range []string{`id="err-new_password"`, "Use at least 10 characters."} {
		if !strings.Contains(string(body), s) {
			t.Errorf("the refused form lacks %q", s)
		}
	}
	resp, body = app.do(here, "POST", "/account/password", url.Values{"current_password": {"nope nope nope"}, "new_password": {"a much better secret"}})
	expect(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(string(body), `id="err-current_password"`) || !strings.Contains(string(body), "This is not your current password, so nothing was changed.") {
		t.Errorf("a wrong current password is not named: %.3000s", body)
	}
	resp, body = app.do(here, "POST", "/account/password", url.Values{"current_password": {"correct horse battery"}, "new_password": {"a much better secret"}})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = app.do(here, "GET", "/account", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Your password is changed.") || !strings.Contains(string(body), "You are not logged in anywhere else.") {
		t.Errorf("after the change: %.3000s", body)
	}
	resp, body = app.do(elsewhere, "GET", "/api/v1/me", nil)
	expect(t, resp, body, http.StatusUnauthorized)
}

func TestLogoutOthers_APIAndPage(t *testing.T) {
	app := newTestApp(t)
	here, a, b := app.client(), app.client(), app.client()
	app.register(here, "ada@example.org")
	app.login(a, "ada@example.org")
	app.login(b, "ada@example.org")
	other := app.client()
	app.register(other, "bo@example.org")

	resp, body := app.do(here, "POST", "/api/v1/me/logout-others", nil)
	expect(t, resp, body, http.StatusOK)
	if string(body) != `{"ended":2}` {
		t.Errorf("ended: %s", body)
	}
	for _, c := range []*http.Client{a, b} {
		resp, body := app.do(c, "GET", "/api/v1/me", nil)
		expect(t, resp, body, http.StatusUnauthorized)
	}
	for _, c := range []*http.Client{here, other} {
		resp, body := app.do(c, "GET", "/api/v1/me", nil)
		expect(t, resp, body, http.StatusOK)
	}
	app.login(a, "ada@example.org")
	resp, body = app.do(a, "POST", "/account/logout-others", url.Values{})
	expect(t, resp, body, http.StatusSeeOther)
	resp, body = app.do(here, "GET", "/account", nil)
	expect(t, resp, body, http.StatusSeeOther) // logged out: to the login page
	resp, body = app.do(a, "GET", "/account", nil)
	expect(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "You are logged out everywhere else.") {
		t.Error("no flash after logging out elsewhere")
	}
	// A cross-site form cannot do it for someone.
	resp, body = app.do(a, "POST", "/account/logout-others", url.Values{}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	expect(t, resp, body, http.StatusForbidden)
}

func TestDeleteAccount_TheLastAdminStays(t *testing.T) {
	app := newTestApp(t)
	app.createUser("root@example.org", "admin")
	c := app.client()
	app.login(c, "root@example.org")
	resp, body := app.do(c, "DELETE", "/api/v1/me", map[string]string{"password": "correct horse battery"})
	expect(t, resp, body, http.StatusConflict)
	wantProblem(t, body, "password", "last enabled admin")
	resp, body = app.do(c, "POST", "/account/delete", url.Values{"password": {"correct horse battery"}})
	expect(t, resp, body, http.StatusConflict)
	if !strings.Contains(string(body), "You are the last enabled admin, so your account stays") {
		t.Errorf("the page does not say why: %.3000s", body)
	}
	app.createUser("second@example.org", "admin")
	resp, body = app.do(c, "DELETE", "/api/v1/me", map[string]string{"password": "correct horse battery"})
	expect(t, resp, body, http.StatusNoContent)
}
