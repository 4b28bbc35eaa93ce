package web

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/readiness/readiness/web/i18n"
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
func checkText(pr *i18n.Printer, text string, max int, required bool) (string, string) {
	text = strings.TrimSpace(text)
	n := utf8.RuneCountInString(text)
	switch {
	case text == "" && required:
		return text, pr.T("review.text_required")
	case !utf8.ValidString(text) || strings.ContainsRune(text, 0):
		return text, pr.T("review.text_plain")
	case n > max:
		return text, pr.T("review.text_long", "Max", max, "Length", n, "Over", n-max)
	}
	return text, ""
}

// checkTitle is checkText for one line: no line breaks or other control
// characters.
func checkTitle(pr *i18n.Printer, title string, required bool) (string, string) {
	title, problem := checkText(pr, title, maxTitleChars, required)
	if problem == "" && strings.ContainsFunc(title, unicode.IsControl) {
		problem = pr.T("review.title_one_line")
	}
	return title, problem
}

// checkLink accepts an absolute http or https address with a host and no
// user name or password in it: anything else in a link shown to a learner
// (javascript:, data:, a look-alike user@host) is refused. "" is no link.
func checkLink(pr *i18n.Printer, raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", ""
	}
	if utf8.RuneCountInString(raw) > maxLinkChars {
		return raw, pr.T("review.link_long", "Max", maxLinkChars)
	}
	if !utf8.ValidString(raw) || strings.ContainsFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return raw, pr.T("review.link_spaces")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return raw, pr.T("review.link_invalid")
	case !strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https"):
		return raw, pr.T("review.link_scheme")
	case u.Host == "" || u.Hostname() == "":
		return raw, pr.T("review.link_host")
	case u.User != nil:
		return raw, pr.T("review.link_user")
	}
	return raw, ""
}
