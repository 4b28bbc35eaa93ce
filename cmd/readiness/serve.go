package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/web"
)

// shutdownGrace is how long in-flight requests get after SIGINT or SIGTERM.
const shutdownGrace = 20 * time.Second

func runServe(args []string, cfg Config, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "address to listen on (env READINESS_ADDR)")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", cfg.MetricsAddr, "address of a separate listener for /metrics and /debug/pprof/; off when empty (env READINESS_METRICS_ADDR)")
	dbFlag(fs, &cfg)
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", cfg.SecureCookies, "mark cookies Secure; set when served over HTTPS (env READINESS_SECURE_COOKIES)")
	baseURLFlag(fs, &cfg)
	proxies := fs.String("trusted-proxies", strings.Join(cfg.TrustedProxies, ","), "comma-separated proxy addresses trusted for X-Forwarded-For (env READINESS_TRUSTED_PROXIES)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg.TrustedProxies = splitList(*proxies)
	logs := newBufferedLog(stderr, logFlushEvery)
	defer logs.Close()
	log := slog.New(flushOnWarn{cfg.logHandler(logs), logs})

	start := time.Now()
	tuneGC(getenv)
	profiles, err := assessment.Builtin()
	if err != nil {
		log.Error("profiles", "err", err)
		return 1
	}
	store, dbName, err := cfg.openStore()
	if err != nil {
		log.Error("open database", "db", dbName, "err", err)
		return 1
	}
	defer store.Close()
	// A server that cannot write would answer every submission with an
	// error (or, on a removed file, lose it): refuse to start instead.
	if err := store.CheckWritable(context.Background()); err != nil {
		log.Error("open database", "db", dbName, "err", err)
		return 1
	}

	// The metrics listener, when asked for, is up before the public one.
	var inst *instruments
	deps := web.Deps{Store: store, Profiles: profiles, Logger: log, Now: time.Now, Config: web.DefaultConfig()}
	if cfg.MetricsAddr != "" {
		if inst, err = newInstruments(cfg.MetricsAddr, store, log); err != nil {
			log.Error("metrics", "addr", cfg.MetricsAddr, "err", err)
			return 1
		}
		defer inst.ln.Close()
		deps.Metrics = inst.metrics
	}
	deps.Config.SecureCookies = cfg.SecureCookies
	deps.Config.TrustedProxies = cfg.TrustedProxies
	deps.Config.BaseURL = cfg.BaseURL
	deps.Config.RegistrationsPerHour = cfg.RegistrationsPerHour
	router, err := web.NewRouter(deps)
	if err != nil {
		log.Error("router", "err", err)
		return 1
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		log.Error("listen", "addr", cfg.Addr, "err", err)
		return 1
	}
	srv := &http.Server{
		Handler:           router,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if inst != nil {
		go func() { errc <- inst.srv.Serve(inst.ln) }()
		log.Info("metrics", "url", "http://"+inst.ln.Addr().String()+"/metrics", "pprof", "http://"+inst.ln.Addr().String()+"/debug/pprof/")
		fmt.Fprintf(stdout, "Metrics and profiles are at http://%s/metrics and /debug/pprof/\n", inst.ln.Addr())
	}
	go sweep(ctx, store, log)
	log.Info("ready", "url", "http://"+ln.Addr().String(), "db", dbName, "startup_ms", time.Since(start).Milliseconds())
	fmt.Fprintf(stdout, "Readiness is running at http://%s (Ctrl+C to stop)\n", ln.Addr())

	select {
	case err := <-errc:
		log.Error("serve", "err", err)
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Error("shutdown", "err", err)
		return 1
	}
	servers := 1
	if inst != nil {
		// Metrics stay readable until the requests have finished.
		if err := inst.srv.Shutdown(sctx); err != nil {
			log.Error("shutdown metrics", "err", err)
			return 1
		}
		servers++
	}
	for range servers {
		if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("serve", "err", err)
			return 1
		}
	}
	log.Info("stopped")
	return 0
}

// tuneGC trades a little memory for less garbage collection: the live heap
// is small (about 30 MB under load, a third of it parsed templates), so
// collecting at 4× it instead of 2× halves the GC's CPU, and the soft limit
// of 56 MiB keeps the process under 100 MB resident (the binary's own pages
// are another 35 MB). At 100 MiB the process reached 130 MB; at 48 MiB the
// collector ran so often that the respondent's path cost 30 % more CPU
// (docs/PERFORMANCE.md, round 2). The GOGC and GOMEMLIMIT environment
// variables still win.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(56 << 20)
	}
}

// sweep deletes ended sessions (with any visitor results and drafts tied to
// them), old login failures and reset links that ended a week ago, every
// few minutes until ctx ends.
func sweep(ctx context.Context, store *db.Store, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		n, err := store.DeleteExpiredSessions(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("sweep sessions", "err", err)
		}
		m, err := store.DeleteLoginFailuresBefore(ctx, time.Now().Add(-24*time.Hour))
		if err != nil && ctx.Err() == nil {
			log.Error("sweep login failures", "err", err)
		}
		l, err := store.DeleteOldResetLinks(ctx, time.Now().Add(-7*24*time.Hour))
		if err != nil && ctx.Err() == nil {
			log.Error("sweep reset links", "err", err)
		}
		if n+m+l > 0 {
			log.Info("swept", "sessions", n, "login_failures", m, "reset_links", l)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func runMigrate(args []string, cfg Config, stdout, stderr io.Writer) int {
	fs := newFlagSet("migrate", stderr)
	dbFlag(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	store, dbName, err := cfg.openStore() // Open applies pending migrations
	if err != nil {
		fmt.Fprintf(stderr, "readiness migrate: %v\n", err)
		return 1
	}
	defer store.Close()
	v, err := store.SchemaVersion(context.Background())
	if err != nil {
		fmt.Fprintf(stderr, "readiness migrate: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s is at schema version %d\n", dbName, v)
	return 0
}

func runBackup(args []string, cfg Config, stdout, stderr io.Writer) int {
	fs := newFlagSet("backup", stderr)
	dbFlag(fs, &cfg)
	to := fs.String("to", "", "file to write the copy to (must not exist)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *to == "" {
		fmt.Fprintln(stderr, "readiness backup: --to FILE is required")
		return 2
	}
	store, dbName, err := cfg.openStore()
	if err != nil {
		fmt.Fprintf(stderr, "readiness backup: %v\n", err)
		return 1
	}
	defer store.Close()
	start := time.Now()
	if err := store.Backup(context.Background(), *to); err != nil {
		fmt.Fprintf(stderr, "readiness backup: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "backed up %s to %s in %s\n", dbName, *to, time.Since(start).Round(time.Millisecond))
	return 0
}

const userUsage = `usage: readiness user create --email E --role learner|counselor|admin [--name N] [--db PATH] < password
       readiness user reset-link --email E [--base-url URL] [--db PATH]`

func runUser(args []string, cfg Config, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "reset-link" {
		return runResetLink(args[1:], cfg, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, userUsage)
		return 2
	}
	fs := newFlagSet("user create", stderr)
	dbFlag(fs, &cfg)
	email := fs.String("email", "", "email address (required)")
	role := fs.String("role", account.RoleLearner, roleList())
	name := fs.String("name", "", "display name (defaults to the part of the email before @)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	e, err := account.NormalizeEmail(*email)
	if err != nil {
		fmt.Fprintf(stderr, "readiness user create: --email: %s\n", problemText(err))
		return 2
	}
	if !account.ValidRole(*role) {
		fmt.Fprintf(stderr, "readiness user create: --role: %q is not %s\n", *role, roleList())
		return 2
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintf(stderr, "readiness user create: reading the password: %v\n", err)
		return 1
	}
	pw := strings.TrimRight(line, "\r\n")
	n := strings.TrimSpace(*name)
	if n == "" {
		n = e[:strings.Index(e, "@")]
	}
	if n, err = account.CheckName(n); err != nil {
		fmt.Fprintf(stderr, "readiness user create: --name: %s\n", problemText(err))
		return 2
	}
	if err := account.CheckPassword(pw, e, n); err != nil {
		fmt.Fprintf(stderr, "readiness user create: password (first line of standard input): %s\n", problemText(err))
		return 2
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		fmt.Fprintf(stderr, "readiness user create: %v\n", err)
		return 1
	}
	store, _, err := cfg.openStore()
	if err != nil {
		fmt.Fprintf(stderr, "readiness user create: %v\n", err)
		return 1
	}
	defer store.Close()
	u, err := store.CreateUser(context.Background(), db.NewUser{Email: e, Name: n, PasswordHash: string(hash), Role: *role})
	if errors.Is(err, db.ErrConflict) {
		fmt.Fprintf(stderr, "readiness user create: --email: %s is already registered\n", e)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "readiness user create: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "created %s %s (id %d)", u.Role, u.Email, u.ID)
	if u.ShareCode != "" {
		fmt.Fprintf(stdout, ", share code %s", u.ShareCode)
	}
	fmt.Fprintln(stdout)
	return 0
}

// runResetLink prints a one-time link through which the person with the
// email sets a new password (or, for an account made by an admin, their
// first one). The link is recorded in the audit log as made from the
// command line.
func runResetLink(args []string, cfg Config, stdout, stderr io.Writer) int {
	fs := newFlagSet("user reset-link", stderr)
	dbFlag(fs, &cfg)
	baseURLFlag(fs, &cfg)
	email := fs.String("email", "", "the account's email address (required)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "readiness user reset-link: unexpected %q\n%s\n", fs.Arg(0), userUsage)
		return 2
	}
	e, err := account.NormalizeEmail(*email)
	if err != nil {
		fmt.Fprintf(stderr, "readiness user reset-link: --email: %s\n", problemText(err))
		return 2
	}
	store, _, err := cfg.openStore()
	if err != nil {
		fmt.Fprintf(stderr, "readiness user reset-link: %v\n", err)
		return 1
	}
	defer store.Close()
	ctx := context.Background()
	u, err := store.UserByEmail(ctx, e)
	if errors.Is(err, db.ErrNotFound) {
		fmt.Fprintf(stderr, "readiness user reset-link: --email: no account has the email %s\n", e)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "readiness user reset-link: %v\n", err)
		return 1
	}
	tok := account.NewResetToken()
	l, err := store.CreateResetLink(ctx, 0, u.ID, db.ResetLinkOf(tok))
	if errors.Is(err, db.ErrAccountDisabled) {
		fmt.Fprintf(stderr, "readiness user reset-link: %s is disabled; an admin must enable it first\n", e)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "readiness user reset-link: %v\n", err)
		return 1
	}
	kind := "password reset link"
	if l.Invite {
		kind = "invitation link"
	}
	fmt.Fprintf(stdout, "%s for %s, valid once until %s:\n%s%s\n", kind, e,
		l.ExpiresAt.UTC().Format("2 Jan 2006 15:04 MST"), cfg.BaseURL, account.ResetPath(tok.Token))
	if cfg.BaseURL == "" {
		fmt.Fprintln(stderr, "(put your site's address in front, or pass --base-url / set READINESS_BASE_URL)")
	}
	return 0
}

// problemText is what the account rules said, without the field's name
// (the caller names the flag).
func problemText(err error) string {
	var p *account.Problem
	if errors.As(err, &p) {
		return p.Message
	}
	return err.Error()
}

// roleList spells account.Roles as "learner, counselor or admin".
func roleList() string {
	rs := account.Roles
	return strings.Join(rs[:len(rs)-1], ", ") + " or " + rs[len(rs)-1]
}
