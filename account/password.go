package account

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// Password limits. bcrypt reads at most 72 bytes, so a longer password would
// be silently cut short; it is refused instead.
const (
	MinPasswordChars = 10
	MaxPasswordBytes = 72
)

// commonPasswords is the 10,000 most common passwords of the "10 million
// password list" (SecLists, OWASP; CC BY-SA 3.0), one per line, most common
// first.
//
//go:embed common-passwords.txt
var commonPasswords string

// common holds the lower-cased entries long enough to pass the length rule;
// shorter ones are refused by that rule already. Built on first use.
var common = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 256)
	for line := range strings.SplitSeq(commonPasswords, "\n") {
		if utf8.RuneCountInString(line) >= MinPasswordChars {
			m[strings.ToLower(line)] = struct{}{}
		}
	}
	return m
})

// IsCommonPassword reports whether pw, ignoring case, is on the list.
func IsCommonPassword(pw string) bool {
	_, ok := common()[strings.ToLower(pw)]
	return ok
}

// CheckPassword says which rule a new password breaks, or nil: long enough,
// not longer than bcrypt reads, not one of the 10,000 most common, and not
// the person's email (or the part before the @) or name.
func CheckPassword(pw, email, name string) error {
	switch {
	case pw == "":
		return problem("password", "password-required", "Choose a password.")
	case !utf8.ValidString(pw):
		return problem("password", "password-invalid", "Use only ordinary characters in your password.")
	case utf8.RuneCountInString(pw) < MinPasswordChars:
		return problem("password", "password-short", fmt.Sprintf("Use at least %d characters.", MinPasswordChars))
	case len(pw) > MaxPasswordBytes:
		return problem("password", "password-long",
			fmt.Sprintf("Use at most %d bytes (about %d letters); a longer password would be cut short.", MaxPasswordBytes, MaxPasswordBytes))
	case IsCommonPassword(pw):
		return problem("password", "password-common",
			"This is one of the 10,000 most common passwords, the first ones an attacker tries. Choose another.")
	case personal(pw, email, name):
		return problem("password", "password-personal", "Do not use your email address or your name as your password.")
	}
	return nil
}

// personal reports whether pw is, ignoring case and spaces, the email, the
// email's local part, or the name.
func personal(pw, email, name string) bool {
	p := fold(pw)
	email = fold(email)
	local, _, _ := strings.Cut(email, "@")
	for _, v := range []string{email, local, fold(name)} {
		if v != "" && p == v {
			return true
		}
	}
	return false
}

func fold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}
