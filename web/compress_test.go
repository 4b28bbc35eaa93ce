package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"testing"
)

func gunzip(t *testing.T, body []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("broken gzip: %v", err)
	}
	return plain
}

func TestGzip_PageUnpacksToThePageSentPlain(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	for _, path := range []string{"/", "/assessment", "/static/app.css", "/static/app.js", "/login"} {
		_, plain := app.do(c, "GET", path, nil)
		resp, packed := app.do(c, "GET", path, nil, "Accept-Encoding", "gzip")
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: not compressed", path)
			continue
		}
		if got := gunzip(t, packed); !bytes.Equal(got, plain) {
			t.Errorf("%s: unpacks to %d bytes that differ from the %d sent plain", path, len(got), len(plain))
		}
		if len(packed) >= len(plain) {
			t.Errorf("%s: %d bytes compressed, %d plain", path, len(packed), len(plain))
		}
		if resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s: Vary %q", path, resp.Header.Get("Vary"))
		}
	}
}

func TestGzip_RedirectsAndSmallAnswersGoOutAsTheyAre(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	// A section posted: the 303 has no body to compress.
	resp, body := app.do(c, "POST", "/assessment", url.Values{"section": {"1"}, "action": {"save"}, "goto": {"2"}}, "Accept-Encoding", "gzip")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Content-Encoding") != "" || len(body) != 0 {
		t.Errorf("redirect: %d, Content-Encoding %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Encoding"), len(body))
	}
	// The icon is smaller compressed, but the API's answers never are.
	resp, body = app.do(c, "GET", "/static/favicon.svg", nil, "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") == "gzip" {
		body = gunzip(t, body)
	}
	if !bytes.HasPrefix(body, []byte("<svg")) {
		t.Errorf("icon: %.40q", body)
	}
	resp, _ = app.do(c, "GET", "/api/v1/profiles/ecommerce-manager", nil, "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("API answer compressed")
	}
}

func TestGzip_OnlyWhenTheClientTakesIt(t *testing.T) {
	app := newTestApp(t)
	for _, tt := range []struct {
		accept string
		want   bool
	}{
		{"", false},
		{"identity", false},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"*;q=0", false},
		{"gzip", true},
		{"GZIP", true},
		{"br, gzip;q=0.5", true},
		{"*", true},
		{"deflate, br", false},
	} {
		if got := acceptsGzip(tt.accept); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.accept, got, tt.want)
		}
		resp, _ := app.do(app.client(), "GET", "/", nil, "Accept-Encoding", tt.accept)
		if got := resp.Header.Get("Content-Encoding") == "gzip"; got != tt.want {
			t.Errorf("Accept-Encoding %q: compressed %v, want %v", tt.accept, got, tt.want)
		}
	}
}

func TestStatic_RevalidatesWithTheETag(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	resp, body := app.do(c, "GET", "/static/app.css", nil)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || etag == "" || len(body) == 0 || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Fatalf("stylesheet: %d, ETag %q, Content-Type %q, %d bytes", resp.StatusCode, etag, resp.Header.Get("Content-Type"), len(body))
	}
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		resp, body = app.do(c, "GET", "/static/app.css", nil, "If-None-Match", inm)
		if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("If-None-Match %s: %d with %d bytes, want 304 without a body", inm, resp.StatusCode, len(body))
		}
	}
	resp, _ = app.do(c, "GET", "/static/app.css", nil, "If-None-Match", `"stale"`)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a stale ETag: %d, want 200", resp.StatusCode)
	}
	if resp, _ := app.do(c, "GET", "/static/app.js", nil); resp.Header.Get("ETag") == etag {
		t.Error("two files share an ETag")
	}
	for _, path := range []string{"/static/", "/static/missing.css", "/static/../go.mod", "/static/app.css/"} {
		if resp, _ := app.do(c, "GET", path, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
}
