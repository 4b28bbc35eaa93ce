package i18n

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
)

func load(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCatalogs_SameKeysInEveryLanguage fails when a key is in one
// catalog and not in another: every text exists in every language.
func TestCatalogs_SameKeysInEveryLanguage(t *testing.T) {
	c := load(t)
	if got := c.Languages(); len(got) < 2 || got[0] != Default || !slices.Contains(got, "es") {
		t.Fatalf("languages = %v, want en first and es", got)
	}
	source := c.Keys(Default)
	for _, lang := range c.Languages()[1:] {
		keys := c.Keys(lang)
		for _, k := range source {
			if _, found := slices.BinarySearch(keys, k); !found {
				t.Errorf("%s.toml lacks %q (it is in %s.toml)", lang, k, Default)
			}
		}
		for _, k := range keys {
			if _, found := slices.BinarySearch(source, k); !found {
				t.Errorf("%s.toml has %q, which %s.toml does not: a stale or misspelt key", lang, k, Default)
			}
		}
	}
}

var argRe = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// messages reads one catalog file as go-i18n does, by key.
func messages(t *testing.T, lang string) map[string]*i18n.Message {
	t.Helper()
	data, err := catalogs.ReadFile(lang + ".toml")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := i18n.ParseMessageBytes(data, toml.Unmarshal)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*i18n.Message{}
	for _, m := range ms {
		out[m.ID] = m
	}
	return out
}

func argsOf(m *i18n.Message) []string {
	set := map[string]bool{}
	for _, form := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		for _, a := range argRe.FindAllStringSubmatch(form, -1) {
			set[a[1]] = true
		}
	}
	var out []string
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// TestCatalogs_SameArgumentsAndPluralForms: a translation uses the same
// {{.Name}} arguments as the English (a typo would print "<no value>"),
// and a message with plural forms has every form its language needs.
func TestCatalogs_SameArgumentsAndPluralForms(t *testing.T) {
	c := load(t)
	source := messages(t, Default)
	for _, lang := range c.Languages() {
		ms := messages(t, lang)
		for key, m := range ms {
			en, ok := source[key]
			if !ok {
				continue // reported by the key test
			}
			if got, want := argsOf(m), argsOf(en); !slices.Equal(got, want) {
				t.Errorf("%s.toml %s uses arguments %v, English uses %v", lang, key, got, want)
			}
			plural := m.One != "" || en.One != ""
			if plural && (m.One == "" || m.Other == "") {
				t.Errorf("%s.toml %s: a message with plural forms needs one and other", lang, key)
			}
			if plural && !slices.Contains(argsOf(en), "Count") {
				t.Errorf("%s %s: plural forms are chosen by a Count argument, which it does not use", lang, key)
			}
		}
	}
}

func TestCatalogs_NoEmptyOrUntrimmedText(t *testing.T) {
	c := load(t)
	for _, lang := range c.Languages() {
		for key, m := range messages(t, lang) {
			if strings.TrimSpace(m.Other) != m.Other || m.Other == "" {
				t.Errorf("%s.toml %s = %q: empty, or spaces at an end", lang, key, m.Other)
			}
		}
	}
}

func TestPrinter_NumbersAndDates(t *testing.T) {
	c := load(t)
	day := time.Date(2026, 11, 25, 14, 5, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang                              string
		num, signed, minus, zero, percent string
		date, datetime, name              string
	}{
		{"en", "72.5", "+1.5", "−2.0", "±0.0", "72.5%", "25 Nov 2026", "25 Nov 2026, 14:05 UTC", "English"},
		{"es", "72,5", "+1,5", "−2,0", "±0,0", "72,5\u00a0%", "25 nov 2026", "25 nov 2026, 14:05 UTC", "Español"},
	} {
		p := c.Printer(tc.lang)
		for _, check := range []struct{ what, got, want string }{
			{"Num", p.Num(72.49999, 1), tc.num},
			{"Signed +", p.Signed(1.46), tc.signed},
			{"Signed −", p.Signed(-1.96), tc.minus},
			{"Signed 0", p.Signed(0.04), tc.zero},
			{"Percent", p.Percent(72.5), tc.percent},
			{"Date", p.Date(day), tc.date},
			{"DateTime", p.DateTime(day.In(time.FixedZone("x", 3600))), tc.datetime},
			{"Name", p.Name(), tc.name},
		} {
			if check.got != check.want {
				t.Errorf("%s %s = %q, want %q", tc.lang, check.what, check.got, check.want)
			}
		}
	}
	if got := c.Printer("es").Month(time.September); got != "sept" {
		t.Errorf("es September = %q", got)
	}
	if got := c.Printer("en").Percent(140); got != "100.0%" {
		t.Errorf("Percent clamps: got %q", got)
	}
}

// Every number is rounded one way, halves away from zero, as a person
// rounds: 56.25 is 56.3, and a value whose binary form falls a hair under
// a half (0.15, 72.45) still rounds as the half it is written as.
func TestPrinter_RoundsHalvesAwayFromZero(t *testing.T) {
	c := load(t)
	en, es := c.Printer("en"), c.Printer("es")
	for _, tt := range []struct {
		x        float64
		decimals int
		en, es   string
	}{
		{56.25, 1, "56.3", "56,3"},
		{0.05, 1, "0.1", "0,1"},
		{0.15, 1, "0.2", "0,2"},
		{0.25, 1, "0.3", "0,3"},
		{0.35, 1, "0.4", "0,4"},
		{72.45, 1, "72.5", "72,5"},
		{99.95, 1, "100.0", "100,0"},
		{0.04999, 1, "0.0", "0,0"},
		{-0.04, 1, "0.0", "0,0"}, // no "-0.0"
		{-56.25, 1, "-56.3", "-56,3"},
		{2.675, 2, "2.68", "2,68"},
		{12.5, 0, "13", "13"},
	} {
		if got := en.Num(tt.x, tt.decimals); got != tt.en {
			t.Errorf("en Num(%v, %d) = %q, want %q", tt.x, tt.decimals, got, tt.en)
		}
		if got := es.Num(tt.x, tt.decimals); got != tt.es {
			t.Errorf("es Num(%v, %d) = %q, want %q", tt.x, tt.decimals, got, tt.es)
		}
	}
	for _, tt := range []struct {
		x      float64
		en, es string
	}{
		{6.25, "+6.3", "+6,3"},
		{-6.25, "−6.3", "−6,3"},
		{0.05, "+0.1", "+0,1"},
		{-0.049, "±0.0", "±0,0"},
	} {
		if got := en.Signed(tt.x); got != tt.en {
			t.Errorf("en Signed(%v) = %q, want %q", tt.x, got, tt.en)
		}
		if got := es.Signed(tt.x); got != tt.es {
			t.Errorf("es Signed(%v) = %q, want %q", tt.x, got, tt.es)
		}
	}
}

func TestPrinter_MessagesWithArgumentsAndPlurals(t *testing.T) {
	fsys := fstest.MapFS{
		"en.toml": {Data: []byte(locale("English", ".") + `
[x]
hello = "Hello, {{.Name}}."
[x.attempts]
one = "{{.Count}} attempt"
other = "{{.Count}} attempts"
`)},
		"es.toml": {Data: []byte(locale("Español", ",") + `
[x]
[x.attempts]
one = "{{.Count}} intento"
other = "{{.Count}} intentos"
`)},
	}
	c, err := LoadFS(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	en, es := c.Printer("en"), c.Printer("es")
	for _, check := range []struct{ got, want string }{
		{en.T("x.hello", "Name", "Ana"), "Hello, Ana."},
		{en.T("x.attempts", "Count", 1), "1 attempt"},
		{en.T("x.attempts", "Count", 3), "3 attempts"},
		{es.T("x.attempts", "Count", 1), "1 intento"},
		{es.T("x.attempts", "Count", 0), "0 intentos"},
		{es.T("x.hello", "Name", "Ana"), "Hello, Ana."}, // missing in es: English
		{es.T("x.nothing"), "x.nothing"},
		{c.Printer("fr").T("x.attempts", "Count", 2), "2 attempts"},
	} {
		if check.got != check.want {
			t.Errorf("got %q, want %q", check.got, check.want)
		}
	}
}

func locale(name, decimal string) string {
	return `[locale]
name = "` + name + `"
decimal = "` + decimal + `"
percent = "{value}%"
months = "a b c d e f g h i j k l"
date = "{day} {month} {year}"
datetime = "{day} {month} {year} {time}"
`
}

func TestLoadFS_BrokenCatalogsNameTheProblem(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"no English", fstest.MapFS{"es.toml": {Data: []byte(locale("Español", ","))}}, "no en.toml"},
		{"bad file name", fstest.MapFS{"en.toml": {Data: []byte(locale("English", "."))}, "spanish.toml": {Data: []byte(locale("x", "."))}}, "spanish.toml: the file name must be a language tag"},
		{"not TOML", fstest.MapFS{"en.toml": {Data: []byte("[locale\nname=")}}, "en.toml"},
		{"no locale", fstest.MapFS{"en.toml": {Data: []byte("[a]\nb = \"c\"\n")}}, "locale.name: missing"},
		{"eleven months", fstest.MapFS{"en.toml": {Data: []byte(strings.Replace(locale("English", "."), "a b c", "a b", 1))}}, "12 month abbreviations"},
		{"reserved word as a key", fstest.MapFS{"en.toml": {Data: []byte(locale("English", ".") + "[a]\nother = \"x\"\nb = \"y\"\n")}}, "en.toml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadFS(tc.files, ".")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestMatch_AcceptLanguage(t *testing.T) {
	c := load(t)
	for header, want := range map[string]string{
		"":                          "en",
		"es":                        "es",
		"es-MX,es;q=0.9,en;q=0.8":   "es",
		"es-419":                    "es",
		"en-US,en;q=0.9,es;q=0.8":   "en",
		"fr-FR,fr;q=0.9":            "en",
		"de, es;q=0.5":              "es",
		"zz;;;q=bad":                "en",
		"*":                         "en",
		strings.Repeat("es,", 1000): "es",
	} {
		if got := c.Match(header); got != want {
			t.Errorf("Match(%.40q) = %q, want %q", header, got, want)
		}
	}
}

// Every catalog's file name is the tag golang.org/x/text writes for it,
// so a ?lang= value, a cookie and <html lang> all say the same.
func TestCatalogs_FileNamesAreCanonicalTags(t *testing.T) {
	for _, lang := range load(t).Languages() {
		if tag := language.Make(lang); tag.String() != lang {
			t.Errorf("%s is written %s by x/text", lang, tag)
		}
	}
}

// Templates print catalog text as it is written ({{t}} escapes only its
// arguments), so no text may hold markup or a character reference.
func TestCatalogs_NoMarkup(t *testing.T) {
	c := load(t)
	for _, lang := range c.Languages() {
		for key, m := range messages(t, lang) {
			for _, form := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
				if strings.ContainsAny(form, "<>&") {
					t.Errorf("%s.toml %s = %q: no <, > or & in catalog text", lang, key, form)
				}
			}
		}
	}
}

// Messages whose only actions are {{.Name}} are filled without go-i18n;
// every one of them, in every language, must read exactly as go-i18n
// writes it, whatever the arguments (markup, template syntax, numbers).
func TestPrinter_FilledMessagesSameAsGoI18n(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	values := []any{"Ada <b>&</b> \"Lovelace\"", "{{.Name}}", "", 0, -12, int64(1 << 40), "72,5"}
	checked := 0
	for _, lang := range cat.Languages() {
		p := cat.Printer(lang)
		for key, ps := range p.filled {
			for i, v := range values {
				var args []any
				for j, pc := range ps {
					if pc.field != "" && pc.field != "Count" {
						args = append(args, pc.field, values[(i+j)%len(values)])
					}
				}
				args = append(args, "Unused", v)
				got := p.T(key, args...)
				data := map[string]any{}
				for k := 0; k < len(args); k += 2 {
					data[args[k].(string)] = args[k+1]
				}
				want, err := p.loc.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: data})
				if err != nil {
					t.Fatalf("%s %s: %v", lang, key, err)
				}
				if got != want {
					t.Errorf("%s %s %v: got %q, go-i18n writes %q", lang, key, args, got, want)
				}
				checked++
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d messages checked; the catalogs have many more with arguments", checked)
	}
	// A message with anything but {{.Name}} is left to go-i18n.
	for _, msg := range []string{"{{if .X}}a{{end}}", "{{.X | printf \"%d\"}}", "{{- .X}}", "{{.X.Y}}"} {
		if _, ok := fieldsOnly(msg); ok {
			t.Errorf("%q taken as fields only", msg)
		}
	}
	if ps, ok := fieldsOnly("Hi {{.Name}}, {{ .Count }} left"); !ok || len(ps) != 3 || ps[0].field != "Name" || ps[1].field != "Count" {
		t.Errorf("fieldsOnly: %v %v", ps, ok)
	}
	// Arguments it cannot write as go-i18n would go to go-i18n.
	for _, args := range [][]any{{"Name", 1.5}, {"Other", "x"}, {"Name", "x", "Count", 2}} {
		if _, ok := fill([]piece{{text: "a ", field: "Name"}, {}}, args); ok {
			t.Errorf("fill took %v", args)
		}
	}
}
