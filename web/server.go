// Package web serves Readiness: the HTML pages, the JSON API under /api/v1,
// sessions, and the security middleware around them.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/readiness/readiness/assessment"
)

// server carries the handlers' dependencies.
type server struct {
	store    Store
	profiles *assessment.Registry
	profile  *assessment.Profile // the profile the pages use
	log      *slog.Logger
	now      func() time.Time
	cfg      Config
	tmpl     templates
	cop      *http.CrossOriginProtection
	// bcryptCost is lowered by tests; production uses bcrypt.DefaultCost.
	bcryptCost int
	dummyHash  func() []byte
}
