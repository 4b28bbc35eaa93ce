package web

import (
	"net/http"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the zone database, so every zone works wherever the binary runs

	"github.com/gin-gonic/gin"
)

// zoneOf is the zone the request's user reads times in: their account's
// setting, or UTC for a visitor or a user who has not chosen one.
func (s *site) zoneOf(c *gin.Context) *time.Location {
	if u := currentUser(c); u != nil && u.TimeZone != "" {
		if loc, err := loadZone(u.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// loadZone is time.LoadLocation for the zones the account page offers;
// anything else is refused, so a stored name always loads the same.
func loadZone(name string) (*time.Location, error) {
	if !slices.Contains(timeZones, name) {
		return nil, errUnknownZone
	}
	return time.LoadLocation(name)
}

type zoneError struct{}

func (zoneError) Error() string { return "not a time zone this page offers" }

var errUnknownZone error = zoneError{}

// templatesIn is the page templates writing times in loc, parsed on first
// use of the zone and kept (a few hundred zones at most; the UTC set is
// parsed at start-up, so a broken template still fails the start).
func (s *site) templatesIn(loc *time.Location) templates {
	if loc == time.UTC {
		return s.tmpl
	}
	if t, ok := s.zoned.Load(loc.String()); ok {
		return t.(templates)
	}
	t, err := parseTemplatesIn(s.i18n, loc)
	if err != nil { // cannot happen: the same files parsed at start-up
		s.log.Error("templates", "zone", loc.String(), "err", err)
		return s.tmpl
	}
	actual, _ := s.zoned.LoadOrStore(loc.String(), t)
	return actual.(templates)
}

// zoneAbbrev is how a time says its zone: the zone's abbreviation (CET,
// EST) or, where the zone has none, its offset from UTC (-03).
func zoneAbbrev(t time.Time) string {
	name, _ := t.Zone()
	return name
}

// timeZoneSubmit saves the zone the user reads times in.
func (h *accountHandlers) timeZoneSubmit(c *gin.Context) {
	zone := strings.TrimSpace(c.PostForm("time_zone"))
	if _, err := loadZone(zone); err != nil {
		h.renderAccount(c, http.StatusUnprocessableEntity, accountView{ZoneError: h.T(c, "account_page.zone_invalid")})
		return
	}
	if zone == "UTC" {
		zone = ""
	}
	if err := h.store.SetTimeZone(c.Request.Context(), currentUser(c).ID, zone); err != nil {
		h.pageStoreError(c, err, "")
		return
	}
	h.redirect(c, "/account#zone-h", "zone-saved")
}
