// Package dbtest gives tests a fresh, empty PostgreSQL database to run
// against, or skips them saying how to run them.
package dbtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// EnvURL names the variable that points the tests at a PostgreSQL server.
const EnvURL = "READINESS_TEST_DATABASE_URL"

// SkipMessage says how to run the PostgreSQL tests.
const SkipMessage = EnvURL + " is not set: skipping the PostgreSQL run. Set it to a postgres:// URL of a database " +
	"the tests may create schemas in (e.g. postgres://postgres@127.0.0.1:5432/postgres); .ci/run starts a throwaway server and sets it"

// PostgresURL returns the URL of a new, empty schema on the test server,
// dropped when the test ends, so every test starts from nothing and tests
// can run in parallel. Without EnvURL the test is skipped.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(SkipMessage)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on %s: %v", EnvURL, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
