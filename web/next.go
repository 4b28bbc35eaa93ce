package web

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNextLen bounds a ?next= target; no page of ours needs more.
const maxNextLen = 2048

// safeNext returns next when it is a path on this site to go to after
// logging in, or "" when it is not. Browsers forgive a great deal in a
// Location header: they drop tabs and line breaks anywhere, read a
// backslash as a slash and "//host" as another site, so anything that
// could become another host in any of those readings is refused, not
// repaired: a path that starts with one slash and then not another (nor
// a backslash), holding no control, format or line-separator characters
// and no backslash, in its text or once percent-decoded, and that
// url.Parse reads as a path with no scheme or host.
func safeNext(next string) string {
	if next == "" || len(next) > maxNextLen || !utf8.ValidString(next) {
		return ""
	}
	// Percent-decoding can reveal what the raw text hides (/%2F%2Fevil,
	// /%09/evil, /%5Cevil): every decoded form is held to the same rules,
	// and a target still changing after a few decodings is refused.
	form, settled := next, false
	for range 4 {
		if !safePathText(form) {
			return ""
		}
		decoded, err := url.PathUnescape(form)
		if err != nil || !utf8.ValidString(decoded) {
			return ""
		}
		if decoded == form {
			settled = true
			break
		}
		form = decoded
	}
	if !settled {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	return next
}

// safePathText holds one form of a next target to the rules of safeNext.
func safePathText(s string) bool {
	if len(s) < 1 || s[0] != '/' || (len(s) > 1 && (s[1] == '/' || s[1] == '\\')) {
		return false
	}
	for _, r := range s {
		if r == '\\' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) {
			return false
		}
	}
	return true
}
