package account

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameChars is the longest name accepted.
const MaxNameChars = 100

// CheckName returns the name trimmed, or what is wrong with it: it is
// required, plain text on one line, and at most MaxNameChars characters.
func CheckName(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", problem("name", "name-required", "Enter your name.")
	case !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	}):
		return "", problem("name", "name-invalid", "Write the name as plain text on one line.")
	case utf8.RuneCountInString(s) > MaxNameChars:
		return "", problem("name", "name-long", fmt.Sprintf("Use at most %d characters.", MaxNameChars))
	}
	return s, nil
}
