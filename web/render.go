package web

import (
	"bytes"
	"embed"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/scoring"
	"github.com/readiness/readiness/web/i18n"
)

//go:embed templates static
var assets embed.FS

// view is what every page template receives.
type view struct {
	Title     string
	User      *userView // nil for a visitor
	Flash     string
	Path      string
	Data      any
	Lang      string     // the page's language, for <html lang>
	Languages []langLink // the language switch: this page in the others
	Zone      string     // the IANA zone times are shown in
}

// userView is an account as templates see it: never the stored row, which
// carries the password hash.
type userView struct {
	ID          int64
	Name        string
	Email       string
	Role        string
	ShareCode   string // "" unless a counselor
	Disabled    bool
	Group       string
	PasswordSet bool // false: invited, no password yet
	CreatedAt   time.Time
}

func userViewOf(u *db.User) *userView {
	if u == nil {
		return nil
	}
	v := &userView{ID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, Disabled: u.Disabled,
		Group: u.Group, PasswordSet: u.PasswordSet, CreatedAt: u.CreatedAt}
	if u.Role == account.RoleCounselor {
		v.ShareCode = u.ShareCode
	}
	return v
}

// formField is one labelled input of a form, with its error beside it: a
// whole sentence, shown as it is.
type formField struct {
	Name, Label, Type, Autocomplete, Value, Error, Hint string
}

// templates holds one parsed template set per language and page, each the
// layout plus the page; all are parsed at start-up so a broken template
// fails the start. A language's sets call that language's printer from
// {{t "key"}} and the number and date functions.
type templates map[string]map[string]*template.Template

// get is the set of a page in a language (English when there is none).
func (t templates) get(lang, name string) (*template.Template, bool) {
	byName, ok := t[lang]
	if !ok {
		byName = t[i18n.Default]
	}
	set, ok := byName[name]
	return set, ok
}

// langFuncs are the template functions that speak a language: text from
// the catalog, and numbers and dates as the language writes them.
func langFuncs(p *i18n.Printer, loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"t":    func(key string, args ...any) template.HTML { return translateHTML(p, key, args) },
		"fmt1": func(x float64) string { return p.Num(x, 1) },
		"fmt2": func(x float64) string { return p.Num(x, 2) },
		// dimensionBars is a result's bars (dimension_bars.go).
		"dimensionBars": func(dims []scoring.DimensionResult) template.HTML { return dimensionBars(p, dims) },
		// answerRows is the rows of a result's answer table (answer_rows.go).
		"answerRows": func(items []itemView, rowHeaders bool) template.HTML { return answerRows(p, items, rowHeaders) },
		// questionHTML is one question of a form (question_html.go).
		"questionHTML": func(qv questionView) template.HTML { return questionHTML(p, qv) },
		"signed1":      p.Signed,
		"pct":          p.Percent,
		"date":         func(t time.Time) string { return p.DateIn(t, loc) },
		"datetime":     func(t time.Time) string { return p.DateTimeIn(t, loc) },
		// shortwhen is t's date, with the time of day when other falls on
		// the same date (in loc), so two attempts of one day can be told apart.
		"shortwhen": func(t, other time.Time) string {
			d := p.DateIn(t, loc)
			if d == p.DateIn(other, loc) {
				return d + ", " + t.In(loc).Format("15:04")
			}
			return d
		},
	}
}

// translateHTML is {{t "key" …}}: the catalog's text is ours and holds no
// markup (a catalog test checks), so it goes out as it is written, and
// only the arguments, which may be anyone's text, are escaped.
func translateHTML(p *i18n.Printer, key string, args []any) template.HTML {
	safe := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case string:
			safe[i] = template.HTMLEscapeString(a)
		case template.HTML:
			safe[i] = string(a)
		default:
			safe[i] = a
		}
	}
	if len(safe) > 0 { // names are ours, not escaped
		for i := 0; i < len(safe); i += 2 {
			safe[i] = args[i]
		}
	}
	return template.HTML(p.T(key, safe...))
}

func parseTemplates(cat *i18n.Catalog) (templates, error) {
	return parseTemplatesIn(cat, time.UTC)
}

// svg1 writes a number for an attribute (SVG coordinates, widths): always
// with a decimal point, whatever the language.
func svg1(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// parseTemplatesIn parses every page for every language, writing times in
// loc, the zone of the person reading.
func parseTemplatesIn(cat *i18n.Catalog, loc *time.Location) (templates, error) {
	funcs := langFuncs(cat.Printer(i18n.Default), loc)
	shared := template.FuncMap{
		"svg1":    svg1,
		"isodate": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"add":     func(a, b int) int { return a + b },
		"sub":     func(a, b int) int { return a - b },
		"title":   func(s string) string { return strings.ToUpper(s[:1]) + s[1:] },
		"join":    func(list []string) string { return strings.Join(list, ", ") },
		// The feedback partials' arguments (templates/partials/feedback.html).
		"feedbackArgs": func(learnerID int64, list []feedbackView, from string) ownFeedbackArgs {
			return ownFeedbackArgs{learnerID, list, from}
		},
		"feedbackFormOf": func() feedbackForm { return feedbackForm{} },
		"feedbackFormArgs": func(learnerID int64, resultID string, f feedbackForm, from string) feedbackFormArgs {
			f.Max = maxFeedbackChars
			return feedbackFormArgs{learnerID, resultID, f, from}
		},
		"fieldOf": func(name string, label any, typ, autocomplete, value, err string, hint any) formField {
			return formField{name, plainText(label), typ, autocomplete, value, err, plainText(hint)}
		},
		"planAdd": planAddOf,
		// dict passes several values to a partial: dict "Key" value ...
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: %d arguments, want key and value pairs", len(kv))
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		// percentOf is n of total as a percentage for an attribute.
		"percentOf": func(n, total int) string {
			if total == 0 {
				return "0"
			}
			return fmt.Sprintf("%.1f", 100*float64(n)/float64(total))
		},
	}
	for name, f := range shared {
		funcs[name] = f
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(assets, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	t := templates{}
	for _, lang := range cat.Languages() {
		t[lang] = map[string]*template.Template{}
	}
	for _, p := range pages {
		set, err := template.Must(layout.Clone()).ParseFS(assets, p)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", p, err)
		}
		name := strings.TrimSuffix(path.Base(p), ".html")
		for _, lang := range cat.Languages() {
			clone, err := set.Clone()
			if err != nil {
				return nil, fmt.Errorf("template %s: %w", p, err)
			}
			t[lang][name] = clone.Funcs(langFuncs(cat.Printer(lang), loc))
		}
	}
	return t, nil
}

// render writes a page, rendered fully into a buffer first so a template
// error becomes a clean 500 rather than half a page.
func (s *site) render(c *gin.Context, status int, name, title string, data any) {
	lang, loc := s.langOf(c), s.zoneOf(c)
	t, ok := s.templatesIn(loc).get(lang, name)
	if !ok {
		s.log.Error("render: no such template", "name", name)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	v := view{Title: title, User: userViewOf(currentUser(c)), Flash: s.takeFlash(c), Path: c.Request.URL.Path, Data: data,
		Lang: lang, Languages: s.langLinks(c.Request, lang), Zone: loc.String()}
	buf := pageBufs.Get().(*bytes.Buffer)
	defer putPageBuf(buf)
	if err := t.ExecuteTemplate(buf, "layout.html", v); err != nil {
		s.log.Error("render", "name", name, "err", err)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	page := buf.Bytes()
	// A refused form shows what was typed; bytes that are not UTF-8 there
	// would make the page itself invalid, so they become U+FFFD.
	if !utf8.Valid(page) {
		page = bytes.ToValidUTF8(page, []byte("\uFFFD"))
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", page)
}

// pageBufs holds the buffers pages are rendered into. Growing a fresh
// buffer to a page's size was a quarter of the bytes the respondent's path
// allocated (docs/PERFORMANCE.md, round 2); c.Data has written (or
// compressed) the page before the buffer goes back.
var pageBufs = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 32<<10)) }}

// maxPooledPage keeps the buffer of an unusually large page out of the pool.
const maxPooledPage = 512 << 10

func putPageBuf(b *bytes.Buffer) {
	if b.Cap() > maxPooledPage {
		return
	}
	b.Reset()
	pageBufs.Put(b)
}

// renderError shows the error page: the status in words, and msg (already
// in the request's language).
func (s *site) renderError(c *gin.Context, status int, msg string) {
	title := http.StatusText(status)
	if key := "status." + strconv.Itoa(status); s.printer(c).Has(key) {
		title = s.T(c, key)
	}
	s.render(c, status, "error", title, struct {
		Status  int
		Message string
	}{status, msg})
}

// Flash messages travel in a short-lived cookie as a code, never as text.
const flashCookie = "readiness_flash"

// flashCodes are the notices a redirect can carry; the text of each is
// the catalog's "flash.<code>" in the reader's language.
var flashCodes = map[string]bool{
	"registered": true, "saved": true, "logged-in": true, "logged-out": true,
	"shared": true, "unshared": true, "deleted": true, "draft-reset": true,
	"draft-kept-account": true, "zone-saved": true, "note-added": true, "flag-changed": true, "role-changed": true,
	"user-updated": true, "linked": true, "unlinked": true,
	"plan-added": true, "plan-already": true, "plan-saved": true, "plan-removed": true,
	"recommended": true, "recommendation-deleted": true,
	"password-changed": true, "logged-out-elsewhere": true, "password-set": true, "retake-last": true,
	"verified-saved": true, "verified-deleted": true, "feedback-sent": true, "feedback-edited": true,
	"feedback-deleted": true, "note-edited": true, "note-deleted": true,
}

// setFlash shows the messages (by code, in order) on the next page.
func (s *site) setFlash(c *gin.Context, codes ...string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: strings.Join(codes, "."), Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *site) takeFlash(c *gin.Context) string {
	value, err := c.Cookie(flashCookie)
	if err != nil || value == "" {
		return ""
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	var msgs []string
	for code := range strings.SplitSeq(value, ".") {
		if flashCodes[code] {
			msgs = append(msgs, s.T(c, "flash."+code))
		}
	}
	return strings.Join(msgs, " ")
}

// redirect answers a form post with 303 See Other, optionally with a flash.
func (s *site) redirect(c *gin.Context, to string, flash ...string) {
	if len(flash) > 0 && flash[0] != "" {
		s.setFlash(c, flash...)
	}
	c.Redirect(http.StatusSeeOther, to)
}

// plainText is a label given to fieldOf as it will be shown: the text of
// a {{t}} result (which holds no markup) or a string.
func plainText(v any) string {
	switch v := v.(type) {
	case template.HTML:
		return html.UnescapeString(string(v))
	case string:
		return v
	}
	return fmt.Sprint(v)
}
