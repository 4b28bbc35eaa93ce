package account

import (
	"errors"
	"strings"
	"testing"
)

func code(err error) string {
	var p *Problem
	if errors.As(err, &p) {
		return p.Code
	}
	if err != nil {
		return "not a *Problem: " + err.Error()
	}
	return ""
}

func TestNormalizeEmail_AcceptsAndNormalises(t *testing.T) {
	for in, want := range map[string]string{
		"  Ana@Example.ORG ":          "ana@example.org",
		"chloé@example.fr":            "chloé@example.fr",
		"CHLOÉ@EXAMPLE.FR":            "chloé@example.fr",
		"ａｎａ@ｅｘａｍｐｌｅ.ｏｒｇ":             "ana@example.org",  // fullwidth folds to ASCII under NFKC
		"иван@example.com":            "иван@example.com", // one script per part is fine
		"ivan.petrov+2027@school.edu": "ivan.petrov+2027@school.edu",
		"山田太郎@example.jp":             "山田太郎@example.jp",
		"やまだtaro@example.jp":          "やまだtaro@example.jp", // Japanese with Latin is one writing system
	} {
		got, err := NormalizeEmail(in)
		if err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestNormalizeEmail_RefusesLookAlikesAndJunk(t *testing.T) {
	for in, want := range map[string]string{
		"":                                        "email-required",
		"   ":                                     "email-required",
		"ana\u200b@example.org":                   "email-invisible", // zero-width space
		"ana@exa\u200dmple.org":                   "email-invisible", // zero-width joiner
		"\ufeffana@example.org":                   "email-invisible", // byte-order mark
		"ana\u202e@example.org":                   "email-invisible", // right-to-left override
		"ana\x00@example.org":                     "email-invisible",
		"ana\t@example.org":                       "email-invisible",
		"ana\u3164@example.org":                   "email-invisible",    // Hangul filler
		"раураl@example.com":                      "email-mixed-script", // Cyrillic р а у а with Latin l
		"paypal@ехample.com":                      "email-mixed-script", // Cyrillic е, х in a Latin domain label
		"ana@example":                             "email-invalid",
		"ana@example..org":                        "email-invalid",
		"ana example@example.org":                 "email-invalid",
		"not-an-email":                            "email-invalid",
		"Ana <ana@example.org>":                   "email-invalid",
		"\xff@example.org":                        "email-invalid",
		strings.Repeat("a", 250) + "@example.org": "email-long",
	} {
		_, err := NormalizeEmail(in)
		if got := code(err); got != want {
			t.Errorf("NormalizeEmail(%q): code %q, want %q (err %v)", in, got, want, err)
		}
	}
}

func TestNormalizeEmail_MessagesAreSentencesWithoutTheLabel(t *testing.T) {
	_, err := NormalizeEmail("раураl@example.com")
	var p *Problem
	if !errors.As(err, &p) || p.Field != "email" {
		t.Fatalf("err = %v, want a *Problem for email", err)
	}
	if strings.HasPrefix(strings.ToLower(p.Message), "email") || !strings.HasSuffix(p.Message, ".") {
		t.Errorf("message %q should be a sentence that does not repeat the label", p.Message)
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		pw, email, name, want string
	}{
		{"", "a@example.org", "Ana", "password-required"},
		{"short1!", "a@example.org", "Ana", "password-short"},
		{"ñandúñandú", "a@example.org", "Ana", ""},                         // ten characters, more than ten bytes
		{strings.Repeat("é", 37), "a@example.org", "Ana", "password-long"}, // 74 bytes
		{"qwertyuiop", "a@example.org", "Ana", "password-common"},
		{"PASSWORD123", "a@example.org", "Ana", "password-common"}, // case does not matter
		{"1qaz2wsx3edc", "a@example.org", "Ana", "password-common"},
		{"ana.garcia@example.org", "ana.garcia@example.org", "Ana", "password-personal"},
		{"ANA.GARCIA@example.org", "ana.garcia@example.org", "Ana", "password-personal"},
		{"anagarcia2027", "anagarcia2027@example.org", "Ana", "password-personal"},
		{"Ana María López", "a@example.org", "Ana María López", "password-personal"},
		{"AnaMaríaLópez", "a@example.org", "Ana María López", "password-personal"}, // spaces ignored
		{"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6", "a@example.org", "Ana", "password-invalid"},
		{"correct horse battery", "a@example.org", "Ana", ""},
	} {
		if got := code(CheckPassword(tc.pw, tc.email, tc.name)); got != tc.want {
			t.Errorf("CheckPassword(%q, %q, %q) = %q, want %q", tc.pw, tc.email, tc.name, got, tc.want)
		}
	}
}

func TestCommonPasswordList_IsTheEmbeddedTenThousand(t *testing.T) {
	lines := strings.Split(strings.TrimRight(commonPasswords, "\n"), "\n")
	if len(lines) != 10000 {
		t.Fatalf("embedded list has %d lines, want 10000", len(lines))
	}
	if lines[0] != "123456" || lines[1] != "password" {
		t.Errorf("list should start with the most common: %q, %q", lines[0], lines[1])
	}
	// Every long-enough entry is refused; a short one is refused by length.
	for _, l := range lines {
		if len([]rune(l)) >= MinPasswordChars && !IsCommonPassword(l) {
			t.Fatalf("%q is on the list but not refused", l)
		}
	}
}

func TestCheckName(t *testing.T) {
	for _, tc := range []struct{ in, want, code string }{
		{"  Chloé Dupont ", "Chloé Dupont", ""},
		{"", "", "name-required"},
		{"Ana\nBeth", "", "name-invalid"},
		{"Ana\u2028Beth", "", "name-invalid"},
		{strings.Repeat("x", 101), "", "name-long"},
		{strings.Repeat("é", 100), strings.Repeat("é", 100), ""},
	} {
		got, err := CheckName(tc.in)
		if code(err) != tc.code || got != tc.want {
			t.Errorf("CheckName(%q) = %q, %v; want %q, code %q", tc.in, got, err, tc.want, tc.code)
		}
	}
}

func TestValidRole(t *testing.T) {
	for _, r := range Roles {
		if !ValidRole(r) {
			t.Errorf("ValidRole(%q) = false", r)
		}
	}
	for _, r := range []string{"", "Admin", "teacher", "learner "} {
		if ValidRole(r) {
			t.Errorf("ValidRole(%q) = true", r)
		}
	}
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"ana@example.org", "раураl@example.com", "a\u200b@b.c", "ａ@ｂ.ｃ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := NormalizeEmail(s)
		if err != nil {
			return
		}
		// A normalised address is a fixed point and a plain address.
		again, err := NormalizeEmail(e)
		if err != nil || again != e {
			t.Fatalf("NormalizeEmail(%q) = %q, then %q, %v", s, e, again, err)
		}
		for _, r := range e {
			if invisible(r) {
				t.Fatalf("NormalizeEmail(%q) kept invisible %U", s, r)
			}
		}
	})
}
