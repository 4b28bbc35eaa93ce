package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// contentSecurityPolicy allows only our own scripts, styles and images: no
// inline script or style, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// securityHeaderValues are set on every response. The value slices are
// shared, read-only, so setting them costs no allocation per request.
var securityHeaderValues = []struct {
	key   string
	value []string
}{
	{"Content-Security-Policy", []string{contentSecurityPolicy}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Referrer-Policy", []string{"same-origin"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=()"}},
}

var hstsValue = []string{"max-age=31536000"}

var noStoreValue = []string{"no-store"}

// noStoreAPI keeps API answers out of every cache: almost all of them carry
// someone's data (their account, results, export, caseload), and an error
// answer is no use stored either. Two documents are the same for everyone
// and may be cached: a profile (its handler says Vary, as it answers in the
// reader's language) and the OpenAPI document (its handler says for how
// long).
func (s *site) noStoreAPI(c *gin.Context) {
	p := c.Request.URL.Path
	if !strings.HasPrefix(p, "/api/v1/profiles/") && p != openAPIPath {
		c.Writer.Header()["Cache-Control"] = noStoreValue
	}
	c.Next()
}

func (s *site) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	for _, sh := range securityHeaderValues {
		h[sh.key] = sh.value
	}
	if s.cfg.SecureCookies {
		h["Strict-Transport-Security"] = hstsValue
	}
	c.Next()
}

// logRequests writes one structured line per request. It logs the route
// pattern, never the query string, cookies or body.
func (s *site) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "(no route)"
	}
	// Typed attributes: no boxing into interfaces, so no garbage per line.
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
		slog.String("method", requestMethod(c.Request)),
		slog.String("route", route),
		slog.Int("status", c.Writer.Status()),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.Int("bytes", c.Writer.Size()),
	)
}

// limitBody caps every request body; reading past the cap fails with
// *http.MaxBytesError, which handlers answer with 413.
func (s *site) limitBody(c *gin.Context) {
	if c.Request.Method == http.MethodPost && importPaths[c.Request.URL.Path] {
		// A roster may be larger; its handler reads it once the admin is
		// known, so no one else gets a large body parsed.
		if c.Request.ContentLength > s.cfg.MaxImportBytes {
			s.fail(c, http.StatusRequestEntityTooLarge, s.T(c, "admin_import.too_large_mb", "MB", s.cfg.MaxImportBytes>>20))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxImportBytes)
		c.Next()
		return
	}
	if c.Request.ContentLength > s.cfg.MaxBodyBytes {
		s.fail(c, http.StatusRequestEntityTooLarge, s.T(c, "api.too_large"))
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes)
	// A page's form is read here, so a body sent without a length (chunked)
	// that runs past the cap is a 413 too, not a form that looks empty.
	// Other parse errors are left to the handlers, as before.
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead && !isAPI(c) {
		err := c.Request.ParseForm() // ParseMultipartForm drops this error
		if !isTooLarge(err) {
			err = c.Request.ParseMultipartForm(s.cfg.MaxBodyBytes)
		}
		if isTooLarge(err) {
			s.fail(c, http.StatusRequestEntityTooLarge, s.T(c, "api.too_large"))
			return
		}
	}
	c.Next()
}

// crossOrigin rejects cross-site browser requests that change state, using
// the standard library's Fetch-metadata and Origin checks. Non-browser clients
// (no Sec-Fetch-Site or Origin header) pass.
func (s *site) crossOrigin(c *gin.Context) {
	if err := s.cop.Check(c.Request); err != nil {
		s.fail(c, http.StatusForbidden, s.T(c, "api.cross_origin"))
		return
	}
	c.Next()
}

func isAPI(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }

// fail ends the request with an error: JSON for the API, a page otherwise.
func (s *site) fail(c *gin.Context, status int, msg string) {
	if isAPI(c) {
		apiFail(c, status, msg)
		return
	}
	s.renderError(c, status, msg)
	c.Abort()
}

// requireUser lets only logged-in users through: the API answers 401, pages
// redirect to the login page and come back.
func (s *site) requireUser(c *gin.Context) {
	if currentUser(c) != nil {
		c.Next()
		return
	}
	if lookupFailed(c) { // an outage, not a logout
		s.sessionUnavailable(c)
		return
	}
	if isAPI(c) {
		apiFail(c, http.StatusUnauthorized, s.T(c, "api.not_logged_in"))
		return
	}
	next := c.Request.URL.Path
	if c.Request.Method == http.MethodGet && c.Request.URL.RawQuery != "" {
		next += "?" + c.Request.URL.RawQuery
	}
	c.Redirect(http.StatusSeeOther, "/login?next="+urlQueryEscape(next))
	c.Abort()
}

// requireRole lets only users with one of the roles through (after requireUser).
func (s *site) requireRole(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := currentUser(c)
		for _, r := range roles {
			if u != nil && u.Role == r {
				c.Next()
				return
			}
		}
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = s.T(c, "role_word."+r)
		}
		s.fail(c, http.StatusForbidden, s.T(c, "api.wrong_role", "Roles", strings.Join(names, " "+s.T(c, "api.or")+" ")))
	}
}

// recover turns a panic into a logged 500 without the stack in the response.
func (s *site) recover(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("panic", "value", fmt.Sprint(v), "route", c.FullPath())
			s.fail(c, http.StatusInternalServerError, s.T(c, "api.internal"))
		}
	}()
	c.Next()
}
