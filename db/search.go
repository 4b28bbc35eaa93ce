package db

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
)

// Searching names and emails in any script, on SQLite and PostgreSQL alike.
// SQLite's LOWER() folds ASCII only, and PostgreSQL's lower() depends on the
// database's collation; neither folds "ß" to "ss". So each user row carries
// search_key, its name and email folded in Go (Unicode full case folding
// after compatibility normalisation), and a search folds the query the same
// way and matches it with LIKE, which is then a plain byte comparison on
// both engines.

// searchSep separates name and email in search_key; fold removes it from
// queries, so a match never spans the two.
const searchSep = "\n"

// fold is the case-folded, NFKC-normalised form of s.
func fold(s string) string {
	// A Caser keeps state, so each call makes its own.
	return norm.NFKC.String(cases.Fold().String(norm.NFKC.String(s)))
}

// searchKey is the search_key of a user with this name and email.
func searchKey(name, email string) string {
	return fold(name) + searchSep + fold(email)
}

// searchPattern is the LIKE pattern that finds q anywhere in a search_key:
// folded, without control characters (the separator among them), with
// LIKE's wildcards made literal.
func searchPattern(q string) string {
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, q)
	return "%" + escapeLike(fold(q)) + "%"
}

// searchMatch is the WHERE condition for searchPattern; col is the
// search_key column, e.g. "u.search_key".
func searchMatch(col string) string {
	return col + ` LIKE ? ESCAPE '\'`
}

// backfillSearchKeys fills search_key for every user (migration 4's Go step).
func backfillSearchKeys(tx *gorm.DB) error {
	var users []struct {
		ID          int64
		Name, Email string
	}
	if err := tx.Raw("SELECT id, name, email FROM users").Scan(&users).Error; err != nil {
		return err
	}
	for _, u := range users {
		if err := tx.Exec("UPDATE users SET search_key = ? WHERE id = ?", searchKey(u.Name, u.Email), u.ID).Error; err != nil {
			return err
		}
	}
	return nil
}

func init() { goSteps[4] = backfillSearchKeys }
