package jsonscan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// reference is what Valid must agree with: encoding/json's syntax check and
// UTF-8 over the whole body.
func reference(b []byte) bool { return json.Valid(b) && utf8.Valid(b) }

// nesting is the deepest nesting of objects and arrays in valid JSON.
func nesting(b []byte) int {
	depth, max, inString := 0, 0, false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
			max = maxInt(max, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return max
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

var cases = []string{
	// valid
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e+10`, `-12.25E-3`, `true`, `false`, `null`, ` {"a" : [1, 2 ,{"b":null}] } `,
	`{"profile":"ecommerce-manager","answers":{"degree.bachelor":"completed","mkt.sem":3}}`,
	`"esc \" \\ \/ \b \f \n \r \t \u00e9 \uD83C\uDF93"`, `"Zoë 李雷 🎓"`, `"\ud800"`, "\t\r\n[1]\n",
	// invalid
	``, ` `, `{`, `}`, `[`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{a:1}`, `{"a":1]`, `[1}`, `{}]`, `{}}`, `{} {}`,
	`01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `0x1`, `NaN`, `tru`, `truex`, `nul`, `"abc`, `"\x"`, `"\u12"`, `"\u12G4"`,
	"\"tab\there\"", "\"nul\x00\"", "\"bad \xff\"", "\"cut \xe2\x82\"", "\"surrogate \xed\xa0\x80\"", "\xef\xbb\xbf{}",
	`'a'`, `{"a":1}x`, `[` + strings.Repeat(`"x",`, 3) + `]`,
}

func TestValid_MatchesEncodingJSON(t *testing.T) {
	for _, c := range cases {
		if got, want := Valid([]byte(c)), reference([]byte(c)); got != want {
			t.Errorf("Valid(%q) = %v, want %v", c, got, want)
		}
	}
	files, _ := filepath.Glob("../../testdata/*.json")
	if len(files) == 0 {
		t.Fatal("no testdata/*.json files")
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := Valid(data), reference(data); got != want {
			t.Errorf("%s: Valid = %v, want %v", name, got, want)
		}
	}
}

func TestValid_Nesting(t *testing.T) {
	deep := func(n int) []byte { return []byte(strings.Repeat("[", n) + strings.Repeat("]", n)) }
	if !Valid(deep(maxDepth)) {
		t.Errorf("nesting %d refused", maxDepth)
	}
	if Valid(deep(maxDepth + 1)) {
		t.Errorf("nesting %d accepted", maxDepth+1)
	}
	if Valid(deep(100000)[:100000+10]) {
		t.Error("unbalanced deep body accepted")
	}
}

// FuzzValid: Valid agrees with encoding/json and utf8, except that it may
// refuse a body nested deeper than maxDepth.
func FuzzValid(f *testing.F) {
	for _, c := range cases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, want := Valid(b), reference(b)
		if got == want || !got && nesting(b) > maxDepth {
			return
		}
		t.Fatalf("Valid(%q) = %v, want %v", b, got, want)
	})
}

func BenchmarkValid(b *testing.B) {
	body, err := os.ReadFile("../../testdata/answers.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if !Valid(body) {
			b.Fatal("invalid")
		}
	}
}
