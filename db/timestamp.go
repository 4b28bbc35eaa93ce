package db

import (
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// sqliteTime reads a timestamp as SQLite holds it: the text go-sqlite3
// writes for a time.Time, "2006-01-02 15:04:05.999999999-07:00". Reading
// a TIMESTAMP column the driver tries each of its layouts with
// time.ParseInLocation, which was a tenth of a large caseload export; a
// UTC time in the first layout, which is all this program writes, is read
// here by position. Anything else is read as the driver reads it.
func sqliteTime(s string) (time.Time, error) {
	if t, ok := utcStamp(s); ok {
		return t, nil
	}
	trimmed := strings.TrimSuffix(s, "Z")
	for _, layout := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.ParseInLocation(layout, trimmed, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time", s)
}

// utcStamp reads "YYYY-MM-DD hh:mm:ss[.f…]+00:00" with one to nine
// fraction digits; ok is false for anything else, including a date that
// does not exist.
func utcStamp(s string) (t time.Time, ok bool) {
	const zone = "+00:00"
	if len(s) < 19+len(zone) || !strings.HasSuffix(s, zone) ||
		s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec := num(11, 13), num(14, 16), num(17, 19)
	nsec := 0
	if frac := s[19 : len(s)-len(zone)]; frac != "" {
		digits := len(frac) - 1
		if frac[0] != '.' || digits < 1 || digits > 9 {
			return time.Time{}, false
		}
		if nsec = num(20, 20+digits); nsec < 0 {
			return time.Time{}, false
		}
		for range 9 - digits {
			nsec *= 10
		}
	}
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
		minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	t = time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // 31 April, 29 February of a common year
		return time.Time{}, false
	}
	return t, true
}
