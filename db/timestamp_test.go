package db

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"
)

// driverTime is how go-sqlite3 reads a TIMESTAMP column's text.
func driverTime(s string) (time.Time, bool) {
	s = strings.TrimSuffix(s, "Z")
	for _, layout := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func TestSQLiteTime_SameAsTheDriver(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var cases []string
	for range 2000 {
		at := time.Unix(r.Int64N(5e9)-1e9, 0).UTC()
		switch r.IntN(4) {
		case 0: // whole seconds: no fraction written
		case 1:
			at = at.Add(time.Duration(r.IntN(1e9)))
		case 2:
			at = at.Add(time.Duration(r.IntN(1e6)) * time.Microsecond)
		case 3:
			at = at.Add(time.Duration(r.IntN(10)) * 100 * time.Millisecond)
		}
		cases = append(cases, at.Format(sqlite3.SQLiteTimestampFormats[0]))
	}
	cases = append(cases, "2026-03-02 09:00:00+00:00", "2024-02-29 23:59:59.999999999+00:00",
		"2026-03-02 09:00:00.5+00:00", "2026-03-02 09:00:00-05:00", "2026-03-02 09:00:00.123+02:00",
		"2026-03-02T09:00:00Z", "2026-03-02 09:00:00", "2026-03-02", "2026-03-02 09:00",
		// not times, or not ones the fast path may read
		"2025-02-29 00:00:00+00:00", "2026-04-31 00:00:00+00:00", "2026-13-01 00:00:00+00:00",
		"2026-03-02 24:00:00+00:00", "2026-03-02 09:60:00+00:00", "2026-03-02 09:00:60+00:00",
		"2026-03-02 09:00:00.+00:00", "2026-03-02 09:00:00.1234567890+00:00", "2026-03-02 09:00:00,5+00:00",
		"2026-3-02 09:00:00+00:00", "x026-03-02 09:00:00+00:00", "", "now")
	for _, s := range cases {
		want, wantOK := driverTime(s)
		got, err := sqliteTime(s)
		if (err == nil) != wantOK || !got.Equal(want) || got.Location() != want.Location() {
			t.Errorf("sqliteTime(%q) = %v, %v; the driver reads %v, %v", s, got, err, want, wantOK)
		}
	}
}

func FuzzSQLiteTime(f *testing.F) {
	for _, s := range []string{"2026-03-02 09:00:00+00:00", "2024-02-29 23:59:59.999999999+00:00", "2026-04-31 00:00:00+00:00", "2026-03-02"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, wantOK := driverTime(s)
		got, err := sqliteTime(s)
		if (err == nil) != wantOK || !got.Equal(want) {
			t.Errorf("sqliteTime(%q) = %v, %v; the driver reads %v, %v", s, got, err, want, wantOK)
		}
	})
}
