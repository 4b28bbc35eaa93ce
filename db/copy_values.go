package db

import (
	"fmt"
	"strings"
	"time"
)

// toPostgres converts a value as go-sqlite3 returns it into what the target
// column takes: SQLite keeps booleans as integers, may return a REAL with no
// fraction as an integer, and returns TIMESTAMP columns as time.Time (or as
// text when it could not parse them).
func toPostgres(v any, dataType string) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []byte:
		if dataType == "bytea" { // packed results (pack.go): bytes as they are
			return x, nil
		}
		v = string(x)
	case string:
		if dataType == "bytea" { // a result stored as JSON text before packing
			return []byte(x), nil
		}
	}
	switch dataType {
	case "boolean":
		switch x := v.(type) {
		case int64:
			return x != 0, nil
		case bool:
			return x, nil
		}
	case "double precision", "real", "numeric":
		switch x := v.(type) {
		case int64:
			return float64(x), nil
		case float64:
			return x, nil
		}
	case "timestamp with time zone", "timestamp without time zone":
		switch x := v.(type) {
		case time.Time:
			return x.UTC(), nil
		case string:
			for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
				if t, err := time.Parse(layout, x); err == nil {
					return t.UTC(), nil
				}
			}
			return nil, fmt.Errorf("%q is not a time", x)
		}
	default:
		return v, nil
	}
	return nil, fmt.Errorf("%v (%T) does not fit a %s column", v, v, dataType)
}

func quoteSQLite(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
