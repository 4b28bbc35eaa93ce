package account

import (
	"strings"
	"testing"
)

func TestCheckGroup_TidiesAndRefuses(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"   ":                 "",
		"Class of 2027":       "Class of 2027",
		"  Class   of\t2027 ": "Class of 2027",
		"Cafe\u0301 du soir":  "Café du soir", // NFC
		"Évening cohort":      "Évening cohort",
	} {
		got, err := CheckGroup(in)
		if err != nil || got != want {
			t.Errorf("CheckGroup(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"Class\u200bof 2027":               "group-invalid",
		"Class\x00":                        "group-invalid",
		"bad \xff bytes":                   "group-invalid",
		strings.Repeat("a", 61):            "group-long",
		strings.Repeat("é", 60) + "\u0301": "group-long", // 60 letters, then one more mark
	} {
		if _, err := CheckGroup(in); code(err) != want {
			t.Errorf("CheckGroup(%q) = %v; want %s", in, err, want)
		}
	}
	if _, err := CheckGroup(strings.Repeat("é", 60)); err != nil {
		t.Errorf("60 characters refused: %v", err)
	}
}

func TestGroupKey_OneGroupWhateverTheCaseAndSpacing(t *testing.T) {
	a := GroupKey("Class of 2027")
	for _, s := range []string{"class of 2027", " CLASS  OF 2027 ", "Class\tof 2027"} {
		if GroupKey(s) != a {
			t.Errorf("GroupKey(%q) = %q, want %q", s, GroupKey(s), a)
		}
	}
	if GroupKey("Straße") != GroupKey("STRASSE") {
		t.Error("full case folding: Straße and STRASSE should be one group")
	}
	if GroupKey("Class of 2028") == a || GroupKey("") != "" || GroupKey("a\x00") != "" {
		t.Error("different or refused names share a key")
	}
}
