package scoring_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/go-json-experiment/json"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

var update = flag.Bool("update", false, "rewrite the golden files in ../testdata/golden from the current encoder")

// goldenProfiles holds the builtin profile and the second test profile.
func goldenProfiles(t testing.TB) *assessment.Registry {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range []string{"../assessment/profiles/ecommerce-manager.json", "../assessment/testdata/profiles/web-designer.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fsys["profiles/"+filepath.Base(name)] = &fstest.MapFile{Data: data}
	}
	reg, err := assessment.LoadDir(fsys, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestResultJSON_Golden holds the wire format of results and stored
// answers to files written by an earlier encoder, byte for byte: a result
// is stored as it was sent, so a change of encoder must not change a byte.
// Each testdata/golden/NAME.body.json is a submission; NAME.result.json is
// the result the API sends for it and NAME.answers.json the answers as
// stored.
func TestResultJSON_Golden(t *testing.T) {
	profiles := goldenProfiles(t)
	bodies, _ := filepath.Glob("../testdata/golden/*.body.json")
	if len(bodies) < 5 {
		t.Fatalf("%d golden submissions, want at least 5", len(bodies))
	}
	for _, name := range bodies {
		base := strings.TrimSuffix(name, ".body.json")
		t.Run(filepath.Base(base), func(t *testing.T) {
			body, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			sub := assessment.Submission{Profiles: profiles}
			if err := json.Unmarshal(body, &sub); err != nil {
				t.Fatal(err)
			}
			p, answers, problems := sub.Validate()
			if len(problems) > 0 {
				t.Fatalf("problems: %v", problems)
			}
			r := scoring.Score(p, answers)
			result, err := json.Marshal(&r)
			if err != nil {
				t.Fatal(err)
			}
			stored, err := json.Marshal(answers)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, base+".result.json", result)
			checkGolden(t, base+".result.json", r.AppendJSON(nil))
			checkGolden(t, base+".answers.json", stored)
		})
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(name, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("%s differs from byte %d:\n got …%.80s\nwant …%.80s", filepath.Base(name), i, got[i:], want[i:])
	}
}
