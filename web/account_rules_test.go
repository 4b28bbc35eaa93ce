package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Registration, on the page and in the API, names the rule a password or
// email breaks, and refuses an email made to look like someone else's.
func TestRegister_RulesNamedAndLookAlikeEmailRefused(t *testing.T) {
	app := newTestApp(t)
	app.register(app.client(), "paul@example.org")
	cases := []struct {
		name, email, password, field, want string
	}{
		{"look-alike email (Cyrillic а)", "p\u0430ul@example.org", "correct horse battery", "email", "mixes letters from different alphabets"},
		{"zero-width space in the email", "pa\u200bul@example.org", "correct horse battery", "email", "invisible or control character"},
		{"fullwidth email is the same person", "ｐａｕｌ@example.org", "correct horse battery", "", ""},
		{"short password", "short@example.org", "tiny", "password", "Use at least 10 characters."},
		{"common password", "common@example.org", "password123", "password", "10,000 most common passwords"},
		{"password is the email", "mail.me@example.org", "mail.me@example.org", "password", "Do not use your email address or your name"},
		{"password is the name", "named@example.org", "Pat Example", "password", "Do not use your email address or your name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := app.do(app.client(), "POST", "/api/v1/auth/register", map[string]string{"email": tc.email, "password": tc.password, "name": "Pat Example"})
			if tc.field == "" {
				// NFKC folds it to the registered address: taken, not a second account.
				expect(t, resp, body, http.StatusConflict)
			} else {
				expect(t, resp, body, http.StatusUnprocessableEntity)
				var e apiError
				if err := json.Unmarshal(body, &e); err != nil {
					t.Fatal(err)
				}
				found := false
				for _, p := range e.Problems {
					found = found || p.Field == tc.field && strings.Contains(p.Problem, tc.want)
				}
				if !found {
					t.Errorf("API: problems %+v, want %s: %q", e.Problems, tc.field, tc.want)
				}
			}
			resp, body = app.do(app.client(), "POST", "/register", url.Values{"email": {tc.email}, "password": {tc.password}, "name": {"Pat Example"}})
			if tc.field == "" {
				expect(t, resp, body, http.StatusConflict)
				return
			}
			expect(t, resp, body, http.StatusUnprocessableEntity)
			if !strings.Contains(string(body), `id="err-`+tc.field+`"`) || !strings.Contains(string(body), htmlEscaped(tc.want)) {
				t.Errorf("page: no message %q beside the %s field", tc.want, tc.field)
			}
		})
	}
}
