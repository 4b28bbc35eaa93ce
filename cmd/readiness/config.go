package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/web"
)

// Config is everything the command line decides. Defaults come first, then
// READINESS_* environment variables, then flags.
type Config struct {
	Addr        string
	MetricsAddr string // "" means no metrics listener
	DB          string
	DatabaseURL string // a postgres:// URL; when set it wins over DB
	// RegistrationsPerHour caps accounts created from one address in an
	// hour; 0 means no cap (e.g. for a load test from one machine).
	RegistrationsPerHour int
	SecureCookies        bool
	TrustedProxies       []string
	// BaseURL is the address people reach the site at (https://readiness.example.edu),
	// for the reset links the command line prints; "" prints them as paths.
	// The pages use it too, or else the address the admin's browser used.
	BaseURL   string
	LogFormat string // text or json
	LogLevel  slog.Level
}

func defaultConfig() Config {
	return Config{Addr: "127.0.0.1:8080", DB: "readiness.db", LogFormat: "text", LogLevel: slog.LevelInfo,
		RegistrationsPerHour: web.DefaultConfig().RegistrationsPerHour}
}

// fromEnv applies READINESS_* variables; an unusable value is an error that
// names the variable.
func (c *Config) fromEnv(getenv func(string) string) error {
	if v := getenv("READINESS_ADDR"); v != "" {
		c.Addr = v
	}
	if v := getenv("READINESS_METRICS_ADDR"); v != "" {
		c.MetricsAddr = v
	}
	if v := getenv("READINESS_DB"); v != "" {
		c.DB = v
	}
	// DATABASE_URL is the name hosting platforms set; READINESS_DATABASE_URL
	// wins when both are there.
	for _, name := range []string{"DATABASE_URL", "READINESS_DATABASE_URL"} {
		if v := getenv(name); v != "" {
			if !db.IsPostgresURL(v) {
				return fmt.Errorf("%s: must be a postgres:// URL (for SQLite use READINESS_DB)", name)
			}
			c.DatabaseURL = v
		}
	}
	if v := getenv("READINESS_REGISTRATIONS_PER_HOUR"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("READINESS_REGISTRATIONS_PER_HOUR: %q is not a whole number of 0 or more", v)
		}
		c.RegistrationsPerHour = n
	}
	if v := getenv("READINESS_SECURE_COOKIES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("READINESS_SECURE_COOKIES: %q is not true or false", v)
		}
		c.SecureCookies = b
	}
	if v := getenv("READINESS_BASE_URL"); v != "" {
		u, err := checkBaseURL(v)
		if err != nil {
			return fmt.Errorf("READINESS_BASE_URL: %v", err)
		}
		c.BaseURL = u
	}
	if v := getenv("READINESS_TRUSTED_PROXIES"); v != "" {
		c.TrustedProxies = splitList(v)
	}
	if v := getenv("READINESS_LOG_FORMAT"); v != "" {
		if v != "text" && v != "json" {
			return fmt.Errorf("READINESS_LOG_FORMAT: %q is not text or json", v)
		}
		c.LogFormat = v
	}
	if v := getenv("READINESS_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("READINESS_LOG_LEVEL: %q is not debug, info, warn or error", v)
		}
	}
	return nil
}

// checkBaseURL accepts an http or https URL with a host and no query or
// fragment, and returns it without a trailing slash.
func checkBaseURL(v string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%q is not a site address like https://readiness.example.edu", v)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// baseURLFlag adds --base-url to a subcommand's flags.
func baseURLFlag(fs *flag.FlagSet, c *Config) {
	fs.Func("base-url", "the site's address, e.g. https://readiness.example.edu, for the links it shows (env READINESS_BASE_URL)", func(v string) error {
		u, err := checkBaseURL(v)
		if err == nil {
			c.BaseURL = u
		}
		return err
	})
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// dbFlag adds --db and --database-url to a subcommand's flags.
func dbFlag(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.DB, "db", c.DB, "SQLite database file (env READINESS_DB)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "postgres:// URL: use PostgreSQL instead of the SQLite file (env DATABASE_URL)")
}

// database is what to pass to db.Open, and how to name it in messages
// (a URL without its password).
func (c Config) database() (dsn, name string, err error) {
	if c.DatabaseURL == "" {
		return c.DB, c.DB, nil
	}
	u, err := url.Parse(c.DatabaseURL)
	if err != nil || !db.IsPostgresURL(c.DatabaseURL) {
		return "", "", fmt.Errorf("--database-url: must be a postgres:// URL")
	}
	return c.DatabaseURL, u.Redacted(), nil
}

// openStore opens (and migrates) the configured database.
func (c Config) openStore() (*db.Store, string, error) {
	dsn, name, err := c.database()
	if err != nil {
		return nil, name, err
	}
	s, err := db.Open(dsn, time.Now)
	return s, name, err
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func (c Config) logHandler(w io.Writer) slog.Handler {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.NewJSONHandler(w, opts)
	}
	return slog.NewTextHandler(w, opts)
}
