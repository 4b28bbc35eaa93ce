package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"
)

func TestSafeNext_RefusesAnythingThatCouldLeaveTheSite(t *testing.T) {
	refused := []string{
		"", "progress", "https://evil.example/", "//evil.example", "///evil.example", "/\\evil.example",
		"\\\\evil.example", "/%09/evil.example", "/\t/evil.example", "/%0A/evil.example", "/\n/evil.example",
		"/%0D/evil.example", "/%2F%2Fevil.example", "/%2f/evil.example", "/%5Cevil.example", "/%5C%5Cevil.example",
		"/x\\y", "/%252F%252Fevil.example", "/%25252F%25252Fevil.example", "/%2525252525252F", "javascript:alert(1)",
		"/\x00", "/%00", "/\u200b/evil.example", "/%E2%80%8B/evil.example", "/\u2028/evil.example", "/\u202e/x",
		"/\x7f", "/%7F", "/%zz", "/\xff", "/%FF", " /progress", "/" + strings.Repeat("a", maxNextLen),
		"http:/evil.example", "/\\/evil.example",
	}
	for _, next := range refused {
		if got := safeNext(next); got != "" {
			t.Errorf("safeNext(%q) = %q, want it refused", next, got)
		}
	}
	kept := []string{"/progress", "/results/12", "/results/v3", "/counselor?q=%C3%89lodie&band=ready", "/counselor?q=Ann+Lee",
		"/progress/compare?a=1&b=2", "/", "/account#share", "/counselor?q=a%2Fb"}
	for _, next := range kept {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want it kept", next, got)
		}
	}
}

// browserHost is the host a browser ends up on when it follows a Location
// header of loc from https://app.example/login, read as the WHATWG URL
// parser reads it: tabs and line breaks anywhere are dropped, a backslash
// is a slash.
func browserHost(loc string) string {
	loc = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		if r == '\\' {
			return '/'
		}
		return r
	}, strings.TrimLeftFunc(loc, func(r rune) bool { return r <= ' ' }))
	base, _ := url.Parse("https://app.example/login")
	u, err := url.Parse(loc)
	if err != nil {
		return "unparsable"
	}
	return base.ResolveReference(u).Host
}

func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/progress", "//evil", "/%09/evil.example", "/\\evil", "/%2F%2Fevil", "/a?b=%2F%2F", "/%252F"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got == "" {
			return
		}
		if got != next {
			t.Fatalf("safeNext(%q) = %q: it keeps or refuses, never rewrites", next, got)
		}
		decoded, err := url.PathUnescape(got)
		if err != nil {
			t.Fatalf("kept %q, which does not decode: %v", got, err)
		}
		for _, form := range []string{got, decoded} {
			if h := browserHost(form); h != "app.example" {
				t.Fatalf("kept %q, which a browser reads as host %q", form, h)
			}
			if strings.ContainsFunc(form, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) {
				t.Fatalf("kept %q, which holds a backslash or control character", form)
			}
		}
	})
}

// The login form carries next through, and a hostile one never becomes
// the Location the browser follows.
func TestLogin_HostileNextLandsAtHome(t *testing.T) {
	app := newTestApp(t)
	app.register(app.client(), "nina@example.org")
	for _, next := range []string{"/%09/evil.example", "//evil.example", "/\\evil.example", "/%2F%2Fevil.example", "/%5Cevil.example"} {
		c := app.client()
		resp, body := app.do(c, "POST", "/login", url.Values{"email": {"nina@example.org"}, "password": {"correct horse battery"}, "next": {next}})
		expect(t, resp, body, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != "/progress" {
			t.Errorf("next=%q: Location %q, want /progress", next, loc)
		}
		resp, body = app.do(app.client(), "GET", "/login?next="+url.QueryEscape(next), nil)
		expect(t, resp, body, http.StatusOK)
		if strings.Contains(string(body), "evil.example") {
			t.Errorf("next=%q: the login page carries it on", next)
		}
	}
	c := app.client()
	resp, body := app.do(c, "POST", "/login", url.Values{"email": {"nina@example.org"}, "password": {"correct horse battery"}, "next": {"/account"}})
	expect(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/account" {
		t.Errorf("a local next: Location %q, want /account", loc)
	}
}
