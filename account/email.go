package account

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxEmailBytes is the longest address SMTP allows.
const MaxEmailBytes = 254

// NormalizeEmail returns the form an email is stored and looked up in:
// trimmed, NFKC-normalised and lower-cased. It refuses what could let one
// person register a look-alike of another's address: control and invisible
// characters, and letters from scripts that are not used together (Latin
// mixed with Cyrillic, say) within the name or one part of the domain.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", problem("email", "email-required", "Enter your email address.")
	}
	if !utf8.ValidString(s) {
		return "", problem("email", "email-invalid", "Enter an email address like name@example.com.")
	}
	for _, r := range s {
		if invisible(r) {
			return "", problem("email", "email-invisible",
				"This email address contains an invisible or control character. Type it again rather than pasting it.")
		}
	}
	e := strings.ToLower(norm.NFKC.String(s))
	if len(e) > MaxEmailBytes {
		return "", problem("email", "email-long", "Enter an email address of at most 254 characters.")
	}
	local, domain, ok := strings.Cut(e, "@")
	a, err := mail.ParseAddress(e)
	if !ok || err != nil || a.Address != e || !plausibleDomain(domain) {
		return "", problem("email", "email-invalid", "Enter an email address like name@example.com.")
	}
	parts := append([]string{local}, strings.Split(domain, ".")...)
	for _, p := range parts {
		if !singleScript(p) {
			return "", problem("email", "email-mixed-script",
				"This email address mixes letters from different alphabets, as a look-alike address would. Check each letter.")
		}
	}
	return e, nil
}

// plausibleDomain wants at least two labels, none empty: "example.com", not
// "example" or "example..com".
func plausibleDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
	}
	return true
}

// invisible reports characters that show as nothing or move other text:
// controls, format characters (zero-width space and joiners, bidi marks,
// the byte-order mark), and the default-ignorable fillers outside Cf.
func invisible(r rune) bool {
	switch r {
	case '\u034f', '\u115f', '\u1160', '\u17b4', '\u17b5', '\u3164', '\uffa0':
		return true
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r)
}

// scriptsUsedTogether are the combinations Unicode's "highly restrictive"
// profile (UTS #39) allows beyond a single script: the scripts of Japanese,
// Chinese and Korean writing, each with Latin.
var scriptsUsedTogether = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Bopomofo"},
	{"Latin", "Han", "Hangul"},
}

// singleScript reports whether the letters of s come from one script, or
// from one of the combinations in scriptsUsedTogether. Digits and
// punctuation (the Common and Inherited scripts) go with any script.
func singleScript(s string) bool {
	var used []string
	for _, r := range s {
		sc := scriptOf(r)
		if sc == "" {
			continue
		}
		found := false
		for _, u := range used {
			if u == sc {
				found = true
				break
			}
		}
		if !found {
			used = append(used, sc)
		}
	}
	if len(used) <= 1 {
		return true
	}
	for _, allowed := range scriptsUsedTogether {
		if subset(used, allowed) {
			return true
		}
	}
	return false
}

func subset(a, b []string) bool {
	for _, x := range a {
		in := false
		for _, y := range b {
			if x == y {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	return true
}

// scriptOf names r's script, or "" for the Common and Inherited scripts.
func scriptOf(r rune) string {
	switch {
	case r < utf8.RuneSelf:
		if unicode.IsLetter(r) {
			return "Latin"
		}
		return ""
	case unicode.Is(unicode.Common, r), unicode.Is(unicode.Inherited, r):
		return ""
	}
	for name, table := range unicode.Scripts {
		if unicode.Is(table, r) {
			return name
		}
	}
	return "Unknown"
}
