package main

import (
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/readiness/readiness/db/dbtest"
)

// noEnv is an empty environment: run sees only what a test gives it.
func noEnv(string) string { return "" }

// envOf is an environment holding just m.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfig_FromEnv(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		want    func(*Config)
		wantErr string
	}{
		{name: "defaults", env: nil, want: func(*Config) {}},
		{name: "every variable", env: map[string]string{
			"READINESS_ADDR": "0.0.0.0:9000", "READINESS_METRICS_ADDR": "127.0.0.1:9090", "READINESS_DB": "/var/lib/r.db", "READINESS_SECURE_COOKIES": "true",
			"READINESS_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.0/8", "READINESS_LOG_FORMAT": "json", "READINESS_LOG_LEVEL": "debug",
		}, want: func(c *Config) {
			c.Addr, c.MetricsAddr, c.DB, c.SecureCookies = "0.0.0.0:9000", "127.0.0.1:9090", "/var/lib/r.db", true
			c.TrustedProxies = []string{"10.0.0.1", "10.0.0.0/8"}
			c.LogFormat, c.LogLevel = "json", slog.LevelDebug
		}},
		{name: "bad bool names the variable", env: map[string]string{"READINESS_SECURE_COOKIES": "yes please"}, wantErr: "READINESS_SECURE_COOKIES"},
		{name: "bad log format", env: map[string]string{"READINESS_LOG_FORMAT": "xml"}, wantErr: "READINESS_LOG_FORMAT"},
		{name: "bad log level", env: map[string]string{"READINESS_LOG_LEVEL": "loud"}, wantErr: "READINESS_LOG_LEVEL"},
		{name: "DATABASE_URL selects PostgreSQL", env: map[string]string{"DATABASE_URL": "postgres://app@db.internal/readiness"},
			want: func(c *Config) { c.DatabaseURL = "postgres://app@db.internal/readiness" }},
		{name: "READINESS_DATABASE_URL wins", env: map[string]string{"DATABASE_URL": "postgres://a@x/one", "READINESS_DATABASE_URL": "postgresql://b@y/two"},
			want: func(c *Config) { c.DatabaseURL = "postgresql://b@y/two" }},
		{name: "registrations per hour", env: map[string]string{"READINESS_REGISTRATIONS_PER_HOUR": "0"}, want: func(c *Config) { c.RegistrationsPerHour = 0 }},
		{name: "base URL", env: map[string]string{"READINESS_BASE_URL": "https://readiness.example.edu/"}, want: func(c *Config) { c.BaseURL = "https://readiness.example.edu" }},
		{name: "bad base URL", env: map[string]string{"READINESS_BASE_URL": "readiness.example.edu"}, wantErr: "READINESS_BASE_URL"},
		{name: "bad registrations per hour", env: map[string]string{"READINESS_REGISTRATIONS_PER_HOUR": "-1"}, wantErr: "READINESS_REGISTRATIONS_PER_HOUR"},
		{name: "DATABASE_URL must be PostgreSQL", env: map[string]string{"DATABASE_URL": "mysql://x/y"}, wantErr: "DATABASE_URL: must be a postgres:// URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := defaultConfig()
			err := got.fromEnv(envOf(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := defaultConfig()
			tc.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestRun_UserCreateMigrateBackup(t *testing.T) {
	dir := t.TempDir()
	dbPath := dir + "/r.db"
	var out, errb strings.Builder
	if code := run([]string{"user", "create", "--db", dbPath, "--email", "Boss@Example.org", "--role", "admin"}, noEnv, strings.NewReader("a long admin password\n"), &out, &errb); code != 0 {
		t.Fatalf("user create: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "created admin boss@example.org") {
		t.Fatalf("user create said %q", out.String())
	}
	cases := []struct {
		args  []string
		stdin string
		code  int
		say   string
	}{
		{[]string{"user", "create", "--db", dbPath, "--email", "boss@example.org", "--role", "admin"}, "another long password\n", 1, "already registered"},
		{[]string{"user", "create", "--db", dbPath, "--email", "c@example.org", "--role", "wizard"}, "another long password\n", 2, "--role"},
		{[]string{"user", "create", "--db", dbPath, "--email", "c@example.org", "--role", "counselor"}, "short\n", 2, "at least 10 characters"},
		{[]string{"user", "create", "--db", dbPath, "--role", "counselor"}, "another long password\n", 2, "--email"},
		{[]string{"user", "create", "--db", dbPath, "--email", "c@example.org", "--role", "counselor"}, "another long password\n", 0, "share code"},
		{[]string{"migrate", "--db", dbPath}, "", 0, "schema version"},
		{[]string{"backup", "--db", dbPath}, "", 2, "--to"},
		{[]string{"backup", "--db", dbPath, "--to", dir + "/copy.db"}, "", 0, "backed up"},
		{[]string{"backup", "--db", dbPath, "--to", dir + "/copy.db"}, "", 1, "exists"},
	}
	for _, tc := range cases {
		var out, errb strings.Builder
		code := run(tc.args, noEnv, strings.NewReader(tc.stdin), &out, &errb)
		if code != tc.code || !strings.Contains(out.String()+errb.String(), tc.say) {
			t.Errorf("%v: exit %d (want %d), output %q %q, want it to say %q", tc.args, code, tc.code, out.String(), errb.String(), tc.say)
		}
	}
}

// The same commands on PostgreSQL, through --database-url.
func TestRun_DatabaseURLUsesPostgreSQL(t *testing.T) {
	pg := dbtest.PostgresURL(t)
	cases := []struct {
		args  []string
		stdin string
		code  int
		say   string
	}{
		{[]string{"migrate", "--database-url", pg}, "", 0, "schema version"},
		{[]string{"user", "create", "--database-url", pg, "--email", "boss@example.org", "--role", "admin"}, "a long admin password\n", 0, "created admin"},
		{[]string{"user", "create", "--database-url", pg, "--email", "BOSS@example.org", "--role", "admin"}, "a long admin password\n", 1, "already registered"},
		{[]string{"backup", "--database-url", pg, "--to", t.TempDir() + "/x.db"}, "", 1, "pg_dump"},
		{[]string{"migrate", "--database-url", "mysql://x"}, "", 1, "postgres:// URL"},
	}
	for _, tc := range cases {
		var out, errb strings.Builder
		code := run(tc.args, noEnv, strings.NewReader(tc.stdin), &out, &errb)
		if code != tc.code || !strings.Contains(out.String()+errb.String(), tc.say) {
			t.Errorf("%v: exit %d (want %d), output %q %q, want it to say %q", tc.args, code, tc.code, out.String(), errb.String(), tc.say)
		}
		if strings.Contains(out.String()+errb.String(), "password=") {
			t.Errorf("%v printed a password", tc.args)
		}
	}
}

func TestRun_ScoreReadsStandardInput(t *testing.T) {
	body := `{"profile":"ecommerce-manager","answers":{"edu.degree":"mba"}}`
	var out, errb strings.Builder
	if code := run([]string{"score", "-"}, noEnv, strings.NewReader(body), &out, &errb); code != 2 || !strings.Contains(errb.String(), "edu.field") {
		t.Fatalf("score - with partial answers: exit %d, stderr %q", code, errb.String())
	}
}

// serve refuses to start on a database it cannot write.
func TestRun_ServeRefusesAnUnwritableDatabase(t *testing.T) {
	dbPath := t.TempDir() + "/r.db"
	var out, errb strings.Builder
	if code := run([]string{"migrate", "--db", dbPath}, noEnv, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("migrate: exit %d: %s", code, errb.String())
	}
	dbtest.MakeReadOnly(t, dbPath)
	out.Reset()
	errb.Reset()
	code := run([]string{"serve", "--db", dbPath, "--addr", "127.0.0.1:0"}, noEnv, strings.NewReader(""), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "cannot be written") {
		t.Fatalf("serve on a read-only database: exit %d, stderr %q; want 1 saying it cannot be written", code, errb.String())
	}
}

// readiness copy moves a seeded SQLite database into PostgreSQL, prints the
// counts of both sides, refuses a second copy into the now non-empty target,
// with every count equal on both sides.
func TestRun_CopySeededDatabaseIntoPostgreSQL(t *testing.T) {
	pg := dbtest.PostgresURL(t)
	dbPath := t.TempDir() + "/r.db"
	var out, errb strings.Builder
	if code := run([]string{"seed-demo", "--db", dbPath, "--learners", "40", "--assessments-per", "3"}, noEnv, strings.NewReader("demo password 123\n"), &out, &errb); code != 0 {
		t.Fatalf("seed-demo: exit %d: %s", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"copy", "--from", dbPath, "--to", pg}, noEnv, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("copy: exit %d: %s %s", code, out.String(), errb.String())
	}
	for _, want := range []string{"copied " + dbPath, "users", "assessments", "learner_stats", "total"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("copy output lacks %q:\n%s", want, out.String())
		}
	}
	for _, line := range strings.Split(out.String(), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] != "table" && f[1] != f[2] {
			t.Errorf("counts differ: %q", line)
		}
		if len(f) == 3 && f[0] == "assessments" && f[1] != "120" {
			t.Errorf("assessments: %q, want 120 on both sides", line)
		}
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"copy", "--from", dbPath, "--to", pg}, noEnv, strings.NewReader(""), &out, &errb); code != 1 || !strings.Contains(errb.String(), "not empty") {
		t.Errorf("second copy: exit %d, %q; want 1 saying the target is not empty", code, errb.String())
	}
	for _, args := range [][]string{{"copy", "--from", dbPath}, {"copy", "--from", dbPath, "--to", dbPath}, {"copy", "--from", pg, "--to", pg}} {
		if code := run(args, noEnv, strings.NewReader(""), &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestRun_ReadsTheEnvironmentThroughGetenv(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "from-env.db")
	var out, errb strings.Builder
	code := run([]string{"migrate"}, envOf(map[string]string{"READINESS_DB": dbPath}), strings.NewReader(""), &out, &errb)
	if code != 0 || !strings.Contains(out.String(), dbPath+" is at schema version") {
		t.Fatalf("migrate with READINESS_DB: exit %d, %q %q", code, out.String(), errb.String())
	}
	// A flag wins over the variable.
	flagPath := filepath.Join(t.TempDir(), "from-flag.db")
	out.Reset()
	if code := run([]string{"migrate", "--db", flagPath}, envOf(map[string]string{"READINESS_DB": dbPath}), strings.NewReader(""), &out, &errb); code != 0 || !strings.Contains(out.String(), flagPath) {
		t.Fatalf("migrate --db: exit %d, %q", code, out.String())
	}
	// An unusable variable stops any command, naming the variable.
	errb.Reset()
	if code := run([]string{"migrate", "--db", flagPath}, envOf(map[string]string{"READINESS_LOG_LEVEL": "loud"}), strings.NewReader(""), &out, &errb); code != 2 || !strings.Contains(errb.String(), "READINESS_LOG_LEVEL") {
		t.Fatalf("bad READINESS_LOG_LEVEL: exit %d, %q", code, errb.String())
	}
}
