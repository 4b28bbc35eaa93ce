package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/web/i18n"
)

// langCookie remembers a language chosen with ?lang=.
const langCookie = "readiness_lang"

const ctxLang = "readiness.lang"

// requestLang is the language a request is answered in: ?lang= when it
// names a language Readiness speaks, else the language cookie, else the
// best match for Accept-Language, else English. It costs nothing but a
// few header reads when the request says nothing about language.
func (s *site) requestLang(r *http.Request) string {
	if lang, ok := s.queryLang(r); ok {
		return lang
	}
	if r.Header.Get("Cookie") != "" {
		if ck, err := r.Cookie(langCookie); err == nil && s.i18n.Supported(ck.Value) {
			return ck.Value
		}
	}
	return s.i18n.Match(r.Header.Get("Accept-Language"))
}

// queryLang is the supported language named by ?lang=, if any.
func (s *site) queryLang(r *http.Request) (string, bool) {
	if !strings.Contains(r.URL.RawQuery, "lang=") {
		return "", false
	}
	lang := r.URL.Query().Get("lang")
	return lang, s.i18n.Supported(lang)
}

// langOf is the request's language, worked out once per request.
func (s *site) langOf(c *gin.Context) string {
	if v, ok := c.Get(ctxLang); ok {
		if lang, ok := v.(string); ok {
			return lang
		}
	}
	lang := s.requestLang(c.Request)
	c.Set(ctxLang, lang)
	return lang
}

// printer writes text, numbers and dates in the request's language.
func (s *site) printer(c *gin.Context) *i18n.Printer { return s.i18n.Printer(s.langOf(c)) }

// T is the message with the key in the request's language; args are
// name, value pairs (see i18n.Printer.T). Handlers use it for every text a
// person reads: page titles, form errors, notices and API messages.
func (s *site) T(c *gin.Context, key string, args ...any) string {
	return s.printer(c).T(key, args...)
}

// chooseLanguage runs before every page: a ?lang= naming a language
// Readiness speaks is remembered in a cookie for a year, so the next pages
// keep it. The API reads ?lang= too but sets no cookie.
func (s *site) chooseLanguage(c *gin.Context) {
	if isAPI(c) {
		c.Next()
		return
	}
	if lang, ok := s.queryLang(c.Request); ok {
		http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
		c.Set(ctxLang, lang)
	}
	c.Next()
}

// langLink is one entry of the language switch in the page header.
type langLink struct {
	Lang, Name, URL string
}

// langLinks are links to the current page in each other language: the
// same path and query with lang= set. A page shown in answer to a form
// (a POST) links to the page the form was on, since its own path may
// answer only POST.
func (s *site) langLinks(r *http.Request, current string) []langLink {
	page := r.URL
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		page = &url.URL{Path: "/"}
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
			page = &url.URL{Path: ref.Path, RawQuery: ref.RawQuery}
		}
	}
	var links []langLink
	for _, lang := range s.i18n.Languages() {
		if lang == current {
			continue
		}
		q := page.Query()
		if next := q.Get("next"); next != "" && safeNext(next) == "" {
			q.Del("next") // the login page drops it too; the link need not carry it
		}
		q.Set("lang", lang)
		target := page.EscapedPath() + "?" + q.Encode()
		if safeNext(target) == "" { // a path that could read as another site
			target = "/?lang=" + lang
		}
		links = append(links, langLink{Lang: lang, Name: s.i18n.Printer(lang).Name(), URL: target})
	}
	return links
}

// profileIn is p in the request's language, or p itself when it has no
// translation into it.
func (s *site) profileIn(c *gin.Context, p *assessment.Profile) *assessment.Profile {
	if lp, ok := s.profiles.LookupIn(p.ID, s.langOf(c)); ok {
		return lp
	}
	return p
}

// answerProblem says what is wrong with an answer in the request's
// language, from the problem's code.
func (s *site) answerProblem(c *gin.Context, pr assessment.Problem) string {
	if pr.Code == "" {
		return pr.Problem
	}
	return s.T(c, "answer."+pr.Code, "Key", pr.Key, "Choices", pr.Choices)
}
