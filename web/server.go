// Package web serves Readiness: the HTML pages, the JSON API under /api/v1,
// sessions, and the security middleware around them.
//
// Each handler group is a struct holding the small store interface it uses
// (declared beside it) and a *site with what every group shares. NewRouter
// in router.go builds the groups and registers every route.
package web

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/web/i18n"
)

// site is what every handler group shares: the templates and the page
// helpers around them, the logger, the clock, the settings and the
// profiles. It holds no store.
type site struct {
	log      *slog.Logger
	now      func() time.Time // always UTC
	cfg      Config
	tmpl     templates
	profiles *assessment.Registry
	profile  *assessment.Profile // the profile the pages use
	cop      *http.CrossOriginProtection
	i18n     *i18n.Catalog // every language's interface text
	zoned    sync.Map      // zone name → templates writing times in it
	metrics  *Metrics      // nil records nothing
}

// profileFor is the profile a stored result was scored with, or the pages'
// profile when that one is no longer loaded.
func (s *site) profileFor(id string) *assessment.Profile {
	if p, ok := s.profiles.Lookup(id); ok {
		return p
	}
	return s.profile
}
