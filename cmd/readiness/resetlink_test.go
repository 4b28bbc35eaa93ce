package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/readiness/readiness/account"
	"github.com/readiness/readiness/db"
)

func TestRun_UserResetLink(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "r.db")
	var out, errb bytes.Buffer
	if code := run([]string{"user", "create", "--db", dbPath, "--email", "lee@example.org"}, noEnv, strings.NewReader("a long learner password\n"), &out, &errb); code != 0 {
		t.Fatalf("user create: %d %s", code, &errb)
	}
	cases := []struct {
		args       []string
		env        map[string]string
		code       int
		out, errs  string
		linkPrefix string
	}{
		{args: []string{"--email", "LEE@example.org"}, code: 0, out: "password reset link for lee@example.org, valid once until", errs: "--base-url", linkPrefix: "/reset/"},
		{args: []string{"--email", "lee@example.org", "--base-url", "https://readiness.example.edu/"}, code: 0, linkPrefix: "https://readiness.example.edu/reset/"},
		{args: []string{"--email", "lee@example.org"}, env: map[string]string{"READINESS_BASE_URL": "http://localhost:8080"}, code: 0, linkPrefix: "http://localhost:8080/reset/"},
		{args: []string{"--email", "nobody@example.org"}, code: 1, errs: "no account has the email nobody@example.org"},
		{args: []string{"--email", "not an email"}, code: 2, errs: "--email: Enter an email address"},
		{args: []string{}, code: 2, errs: "--email"},
		{args: []string{"--email", "lee@example.org", "--base-url", "ftp://x"}, code: 2, errs: "not a site address"},
		{args: []string{"--email", "lee@example.org", "extra"}, code: 2, errs: "unexpected \"extra\""},
	}
	for _, c := range cases {
		out.Reset()
		errb.Reset()
		args := append([]string{"user", "reset-link", "--db", dbPath}, c.args...)
		code := run(args, envOf(c.env), strings.NewReader(""), &out, &errb)
		if code != c.code || !strings.Contains(out.String(), c.out) || !strings.Contains(errb.String(), c.errs) {
			t.Errorf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", c.args, code, c.code, &out, &errb)
			continue
		}
		if c.linkPrefix == "" {
			continue
		}
		m := regexp.MustCompile(`(?m)^(\S*/reset/(\S+))$`).FindStringSubmatch(out.String())
		if m == nil || !strings.HasPrefix(m[1], c.linkPrefix) {
			t.Errorf("%v: no link starting %q in %q", c.args, c.linkPrefix, &out)
			continue
		}
		sel, hash, ok := account.ParseResetToken(m[2])
		store, err := db.Open(dbPath, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		l, err := store.ResetLinkFor(context.Background(), sel, hash)
		store.Close()
		if !ok || err != nil || l.Email != "lee@example.org" {
			t.Errorf("%v: the printed link does not work: %v, %v", c.args, ok, err)
		}
	}
	// The log says the command line made them.
	store, err := db.Open(dbPath, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	log, err := store.AuditLog(context.Background(), db.AuditQuery{Kind: db.KindAdmin})
	if err != nil || len(log) != 3 || log[0].ActorName != "command line" || log[0].Action != db.ActionResetLink {
		t.Errorf("audit: %+v, %v", log, err)
	}
}
