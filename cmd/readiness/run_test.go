package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun_Score(t *testing.T) {
	notJSON := filepath.Join(t.TempDir(), "not.json")
	if err := os.WriteFile(notJSON, []byte("{answers"), 0o600); err != nil {
		t.Fatal(err)
	}
	otherProfile := filepath.Join(t.TempDir(), "other.json")
	if err := os.WriteFile(otherProfile, []byte(`{"profile":"astronaut","answers":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     []string // each must appear
		stderr     []string
		jsonResult bool
	}{
		{name: "report", args: []string{"score", "../../testdata/answers.json"}, code: 0,
			stdout: []string{"Overall: 69.1 / 100", "Nearly ready", "A bachelor's degree", "met",
				"Online security", "Next steps, most useful first", "1. Train in online security: +9.2 points",
				"Also consider", "Consider a master's or an MBA"}},
		{name: "json", args: []string{"score", "--json", "../../testdata/answers.json"}, code: 0, jsonResult: true},
		{name: "invalid answers", args: []string{"score", "../../testdata/invalid-answers.json"}, code: 2,
			stderr: []string{"has 31 problem(s)", `edu.field: "astrology" is not an option`,
				`edu.certifications: "none" cannot be combined with other options`,
				"mkt.sem: must be an integer from 0 to 4", "web.years: must be one option key",
				"favourite.colour: is not a question of this assessment"}},
		{name: "missing file", args: []string{"score", "../../testdata/no-such.json"}, code: 1,
			stderr: []string{"no-such.json"}},
		{name: "not JSON", args: []string{"score", notJSON}, code: 2, stderr: []string{"is not valid JSON"}},
		{name: "unknown profile", args: []string{"score", otherProfile}, code: 2,
			stderr: []string{`unknown profile "astronaut"`, "ecommerce-manager"}},
		{name: "score without a file", args: []string{"score"}, code: 2, stderr: []string{"usage: readiness score"}},
		{name: "score with two files", args: []string{"score", "a.json", "b.json"}, code: 2, stderr: []string{"usage: readiness score"}},
		{name: "unknown flag", args: []string{"score", "--xml", "../../testdata/answers.json"}, code: 2, stderr: []string{"-xml"}},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: []string{`unknown command "frobnicate"`, "usage: readiness"}},
		{name: "help", args: []string{"help"}, code: 0, stdout: []string{"score FILE"}},
		{name: "--help lists the commands", args: []string{"--help"}, code: 0, stdout: []string{"commands:", "serve", "migrate", "user create", "score FILE", "backup", "copy", "seed-demo"}},
		{name: "-h lists the commands", args: []string{"-h"}, code: 0, stdout: []string{"commands:", "seed-demo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, noEnv, strings.NewReader(""), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, &stdout, &stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout does not contain %q:\n%s", w, &stdout)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr does not contain %q:\n%s", w, &stderr)
				}
			}
			if tt.code == 0 && len(tt.stderr) == 0 && stderr.Len() > 0 {
				t.Errorf("unexpected stderr: %s", &stderr)
			}
			if tt.jsonResult {
				var r struct {
					Profile struct{ ID, Version string }
					Overall *float64
					Band    string
					Steps   []struct{ ID string }
				}
				if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
					t.Fatalf("stdout is not JSON: %v\n%s", err, &stdout)
				}
				if r.Overall == nil || *r.Overall < 69.05 || *r.Overall > 69.06 || r.Band != "nearly-ready" || r.Profile.ID != "ecommerce-manager" {
					t.Errorf("result %+v: want overall 69.05…, nearly-ready", r)
				}
				if len(r.Steps) == 0 || r.Steps[0].ID != "security-training" {
					t.Errorf("steps %+v: want security-training first", r.Steps)
				}
			}
		})
	}
}
