package account

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// MaxGroupChars is the longest group name accepted.
const MaxGroupChars = 60

// CheckGroup returns a learner's group name tidied (NFC, trimmed, each run
// of spaces made one), "" for no group, or what is wrong with it: plain
// text on one line, at most MaxGroupChars characters.
func CheckGroup(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", problem("group", "group-invalid", "Write the group as plain text on one line.")
	}
	s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	switch {
	case strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
	}):
		return "", problem("group", "group-invalid", "Write the group as plain text on one line.")
	case utf8.RuneCountInString(s) > MaxGroupChars:
		return "", problem("group", "group-long", fmt.Sprintf("Use at most %d characters for a group.", MaxGroupChars))
	}
	return s, nil
}

// GroupKey is the form group names are compared in, so "Class of 2027" and
// "class of  2027" are one group: tidied as CheckGroup does, then
// case-folded. A name CheckGroup refuses has no key ("").
func GroupKey(s string) string {
	g, err := CheckGroup(s)
	if err != nil {
		return ""
	}
	return norm.NFC.String(cases.Fold().String(g))
}
