package assessment_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/readiness/readiness/assessment"
)

// The builtin profile exists in Spanish, and its translation changes text
// only: ids, keys, points, weights and rules are the profile's own.
func TestBuiltin_SpanishTranslationIsCompleteAndTextOnly(t *testing.T) {
	reg, err := assessment.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Require("en", "es"); err != nil {
		t.Fatal(err)
	}
	en, _ := reg.Lookup("ecommerce-manager")
	es, ok := reg.LookupIn("ecommerce-manager", "es")
	if !ok || es.Language != "es" || en.Language != "en" {
		t.Fatalf("LookupIn es: ok=%v language %q / %q", ok, es.Language, en.Language)
	}
	if es.Title == en.Title || es.Dimensions[0].Name == en.Dimensions[0].Name || es.Steps[0].Text == en.Steps[0].Text {
		t.Error("the Spanish profile has English text")
	}
	if _, ok := reg.LookupIn("ecommerce-manager", "fr"); ok {
		t.Error("LookupIn fr: found a language that has no file")
	}
	// Blank every text of both and they must be the same profile.
	if !reflect.DeepEqual(textless(t, en), textless(t, es)) {
		t.Error("the translation changes more than text")
	}
	if q, ok := es.Question("mkt.sem"); !ok || q.Weight != 1 || q.Target != 3 {
		t.Errorf("indexes of the translated profile: %+v", q)
	}
}

// textless is the profile as JSON with every text field emptied.
func textless(t *testing.T, p *assessment.Profile) any {
	t.Helper()
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	var blank func(v any)
	blank = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				switch k {
				case "title", "summary", "name", "description", "label", "prompt", "help", "text", "value", "source", "date":
					v[k] = ""
				default:
					blank(x)
				}
			}
		case []any:
			for _, x := range v {
				blank(x)
			}
		}
	}
	blank(v)
	return v
}

func TestLoadDir_BrokenTranslationsNameThePlace(t *testing.T) {
	profile, err := os.ReadFile("profiles/ecommerce-manager.json")
	if err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile("profiles/ecommerce-manager.es.json")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(change func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		change(m)
		data, _ := json.Marshal(m)
		return data
	}
	section := func(m map[string]any, name string) map[string]any { return m[name].(map[string]any) }
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       []string
	}{
		{"a question missing", "p/ecommerce-manager.es.json", edit(func(m map[string]any) { delete(section(m, "questions"), "mkt.sem") }),
			[]string{"p/ecommerce-manager.es.json: ", "questions.mkt.sem.prompt: missing"}},
		{"an option missing", "p/ecommerce-manager.es.json", edit(func(m map[string]any) {
			delete(section(section(section(m, "questions"), "edu.degree"), "options"), "mba")
		}), []string{"questions.edu.degree.options.mba.label: missing"}},
		{"a scale description missing", "p/ecommerce-manager.es.json", edit(func(m map[string]any) {
			section(section(m, "scales"), "rating")["3"] = map[string]any{"label": "Competente"}
		}), []string{"scales.rating.3.description: missing"}},
		{"a blank step text", "p/ecommerce-manager.es.json", edit(func(m map[string]any) {
			section(section(m, "steps"), "certification")["text"] = "  "
		}), []string{"steps.certification.text: missing"}},
		{"an unknown step", "p/ecommerce-manager.es.json", edit(func(m map[string]any) {
			section(m, "steps")["astrology"] = map[string]any{"title": "x", "text": "y"}
		}), []string{"steps.astrology: the profile has no such id"}},
		{"an unknown option", "p/ecommerce-manager.es.json", edit(func(m map[string]any) {
			section(section(section(m, "questions"), "edu.continuing"), "options")["many"] = map[string]any{"label": "x"}
		}), []string{"questions.edu.continuing.options.many: no such option"}},
		{"help the profile lacks", "p/ecommerce-manager.es.json", edit(func(m map[string]any) {
			section(section(m, "questions"), "mkt.sem")["help"] = "Ayuda"
		}), []string{"questions.mkt.sem.help: the profile has no such text"}},
		{"a fact missing", "p/ecommerce-manager.es.json", edit(func(m map[string]any) { m["context"] = m["context"].([]any)[1:] }),
			[]string{"context: 3 facts, the profile has 4"}},
		{"an unknown field", "p/ecommerce-manager.es.json", edit(func(m map[string]any) { m["version"] = "1" }),
			[]string{"not a valid translation", "version"}},
		{"no such profile", "p/ecommerce-manager.es.json", edit(func(m map[string]any) { m["profile"] = "astronaut" }),
			[]string{`no profile "astronaut" to translate`}},
		{"an English translation", "p/ecommerce-manager.en.json", good, []string{"a translation is in another language"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := assessment.LoadDir(fstest.MapFS{"p/ecommerce-manager.json": {Data: profile}, tc.file: {Data: tc.data}}, "p")
			if err == nil {
				t.Fatal("LoadDir: no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestRegistry_RequireNamesTheMissingFile(t *testing.T) {
	profile, err := os.ReadFile("profiles/ecommerce-manager.json")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := assessment.LoadDir(fstest.MapFS{"p/ecommerce-manager.json": {Data: profile}}, "p")
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Require("en"); err != nil {
		t.Errorf("Require(en) of an English profile: %v", err)
	}
	if err := reg.Require("en", "es"); err == nil || !strings.Contains(err.Error(), "ecommerce-manager.es.json") {
		t.Errorf("Require(es) without the file: err = %v", err)
	}
}

// A file name with a dot that is not a language is a profile, not a
// translation.
func TestLoadDir_DottedProfileNameIsAProfile(t *testing.T) {
	profile, err := os.ReadFile("profiles/ecommerce-manager.json")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := assessment.LoadDir(fstest.MapFS{"p/ecommerce-manager.v2026.json": {Data: profile}}, "p")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := reg.Lookup("ecommerce-manager"); !ok {
		t.Error("the dotted file was not loaded as a profile")
	}
}
