package web

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What a counselor writes for a learner to read: feedback, recommendations.
// Every check returns the cleaned value and what is wrong with it, or "",
// as a phrase that follows the field's name ("Text must be …").

// maxFeedbackChars bounds feedback and a recommendation's text.
const maxFeedbackChars = 2000

// maxTitleChars bounds a recommendation's title.
const maxTitleChars = 200

// maxLinkChars bounds a recommendation's link.
const maxLinkChars = 2000

// checkText trims plain text of at most max characters. Empty text is a
// problem only when required.
func checkText(text string, max int, required bool) (string, string) {
	text = strings.TrimSpace(text)
	n := utf8.RuneCountInString(text)
	switch {
	case text == "" && required:
		return text, "is required: write something to save"
	case !utf8.ValidString(text) || strings.ContainsRune(text, 0):
		return text, "must be plain text"
	case n > max:
		return text, fmt.Sprintf("must be at most %d characters (this one has %d): shorten it by %d", max, n, n-max)
	}
	return text, ""
}

// checkTitle is checkText for one line: no line breaks or other control
// characters.
func checkTitle(title string, required bool) (string, string) {
	title, problem := checkText(title, maxTitleChars, required)
	if problem == "" && strings.ContainsFunc(title, unicode.IsControl) {
		problem = "must be one line of plain text"
	}
	return title, problem
}

// checkLink accepts an absolute http or https address with a host and no
// user name or password in it: anything else in a link shown to a learner
// (javascript:, data:, a look-alike user@host) is refused. "" is no link.
func checkLink(raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", ""
	}
	if utf8.RuneCountInString(raw) > maxLinkChars {
		return raw, fmt.Sprintf("must be at most %d characters", maxLinkChars)
	}
	if !utf8.ValidString(raw) || strings.ContainsFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return raw, "must be a web address without spaces, e.g. https://example.org/course"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return raw, "must be a web address, e.g. https://example.org/course"
	case !strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https"):
		return raw, "must start with https:// or http://"
	case u.Host == "" || u.Hostname() == "":
		return raw, "must name a site after https://, e.g. https://example.org/course"
	case u.User != nil:
		return raw, "must not contain a user name or password"
	}
	return raw, ""
}
