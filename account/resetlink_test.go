package account

import (
	"strings"
	"testing"
)

func TestResetToken_RoundTripsAndIsRandom(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := NewResetToken()
		if len(tok.Token) != ResetTokenChars || seen[tok.Token] || seen[tok.Selector] {
			t.Fatalf("token %q: wrong length or repeated", tok.Token)
		}
		seen[tok.Token], seen[tok.Selector] = true, true
		sel, hash, ok := ParseResetToken(tok.Token)
		if !ok || sel != tok.Selector || hash != tok.VerifierHash {
			t.Fatalf("ParseResetToken(%q) = %q, %q, %v; want %q, %q", tok.Token, sel, hash, ok, tok.Selector, tok.VerifierHash)
		}
		if strings.Contains(tok.VerifierHash, tok.Token[selectorChars:]) || len(tok.VerifierHash) != 64 {
			t.Fatalf("the stored hash %q is not a SHA-256 of the verifier", tok.VerifierHash)
		}
		if ResetPath(tok.Token) != "/reset/"+tok.Token {
			t.Fatal("ResetPath")
		}
	}
}

func TestParseResetToken_RefusesWhatCannotBeAToken(t *testing.T) {
	good := NewResetToken().Token
	for _, s := range []string{"", "abc", good[1:], good + "A", good[:20] + "/" + good[21:], good[:20] + "=" + good[21:],
		strings.Repeat("é", ResetTokenChars/2)} {
		if _, _, ok := ParseResetToken(s); ok {
			t.Errorf("ParseResetToken(%q) accepted", s)
		}
	}
	// A changed verifier gives a different hash under the same selector.
	last := "A"
	if good[ResetTokenChars-1] == 'A' {
		last = "B"
	}
	other := good[:ResetTokenChars-1] + last
	s1, h1, _ := ParseResetToken(good)
	s2, h2, ok := ParseResetToken(other)
	if !ok || s1 != s2 || h1 == h2 {
		t.Errorf("changing the last character: selector %q→%q, hash same %v", s1, s2, h1 == h2)
	}
}

func TestTheirs_SpeaksAboutThePerson(t *testing.T) {
	_, err := CheckName("")
	if p := Theirs(err).(*Problem); p.Message != "Enter the person's name." || p.Field != "name" || p.Code != "name-required" {
		t.Errorf("Theirs(name-required) = %+v", p)
	}
	_, err = NormalizeEmail("not an email")
	if Theirs(err).(*Problem).Message != err.(*Problem).Message {
		t.Error("a message that reads the same either way was changed")
	}
}
