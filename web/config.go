package web

import (
	"log/slog"
	"time"

	"github.com/readiness/readiness/assessment"
)

// Config holds the web settings the command line decides.
type Config struct {
	// SecureCookies marks cookies Secure; set it when served over TLS.
	SecureCookies bool
	// SessionIdle ends a session unused for this long.
	SessionIdle time.Duration
	// SessionMax ends a session this long after login, however active.
	SessionMax time.Duration
	// MaxBodyBytes caps every request body but a roster import's.
	MaxBodyBytes int64
	// MaxImportBytes caps a roster import (a CSV file of up to
	// roster.MaxRows people).
	MaxImportBytes int64
	// TrustedProxies are the proxy addresses allowed to set X-Forwarded-For.
	TrustedProxies []string
	// DefaultProfile is the profile the assessment pages use.
	DefaultProfile string
	// BaseURL is the site's address (https://readiness.example.edu, no
	// trailing slash), for the reset links shown to admins; "" means the
	// address the admin's own browser used.
	BaseURL string
	// BcryptCost is the password hashing cost; 0 means bcrypt's default.
	// Only tests lower it.
	BcryptCost int
	// RegistrationsPerHour caps accounts created from one client address
	// in an hour (each costs a bcrypt hash); 0 means no cap. The default
	// lets a class register together from a lab behind one address.
	RegistrationsPerHour int
}

// DefaultConfig returns the settings used when nothing overrides them.
func DefaultConfig() Config {
	return Config{
		SessionIdle:    7 * 24 * time.Hour,
		SessionMax:     30 * 24 * time.Hour,
		MaxBodyBytes:   64 << 10,
		MaxImportBytes: 4 << 20,
		DefaultProfile: "ecommerce-manager",
		// A class of 30-60 registering at once from one lab address passes.
		RegistrationsPerHour: 100,
	}
}

// Deps are what the router needs from the rest of the program.
type Deps struct {
	Store    Store
	Profiles *assessment.Registry
	Logger   *slog.Logger
	Now      func() time.Time
	Config   Config
	// Metrics records requests, results stored and logins refused; nil
	// (no metrics listener) records nothing.
	Metrics *Metrics
}
