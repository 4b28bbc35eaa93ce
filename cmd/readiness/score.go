package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/readiness/readiness/assessment"
	"github.com/readiness/readiness/scoring"
)

// runScore implements `readiness score [--json] FILE`.
func runScore(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: readiness score [--json] FILE")
		fmt.Fprintln(stderr, `FILE holds {"profile":"ecommerce-manager","answers":{...}}; "-" reads standard input.`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	name := fs.Arg(0)
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, 1<<20))
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		fmt.Fprintf(stderr, "readiness score: %v\n", err)
		return 1
	}
	profiles, err := assessment.Builtin()
	if err != nil {
		fmt.Fprintf(stderr, "readiness score: %v\n", err)
		return 1
	}
	sub := assessment.Submission{Profiles: profiles, Default: "ecommerce-manager"}
	if err := json.Unmarshal(data, &sub); err != nil {
		fmt.Fprintf(stderr, "readiness score: %s is not valid JSON: %v\n", name, err)
		return 2
	}
	p, answers, problems := sub.Validate()
	if p == nil {
		fmt.Fprintf(stderr, "readiness score: profile: unknown profile %q (known: %s)\n", sub.Profile, strings.Join(profiles.IDs(), ", "))
		return 2
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "readiness score: %s has %d problem(s):\n", name, len(problems))
		for _, pr := range problems {
			fmt.Fprintf(stderr, "  %s: %s\n", pr.Question, pr.Problem)
		}
		return 2
	}
	result := scoring.Score(p, answers)
	if *asJSON {
		if err := json.MarshalWrite(stdout, &result, jsontext.WithIndent("  ")); err != nil {
			fmt.Fprintf(stderr, "readiness score: %v\n", err)
			return 1
		}
		fmt.Fprintln(stdout)
		return 0
	}
	printReport(stdout, p, result)
	return 0
}

func printReport(w io.Writer, p *assessment.Profile, r scoring.Result) {
	band, _ := p.Band(r.Band)
	fmt.Fprintf(w, "%s readiness (profile %s, version %s)\n\n", p.Title, r.Profile.ID, r.Profile.Version)
	fmt.Fprintf(w, "Overall: %.1f / 100 — %s\n%s\n", r.Overall, band.Name, band.Text)
	for _, warning := range r.Warnings {
		if warning == scoring.WarningUniformRatings {
			fmt.Fprintln(w, "\nNote: every rating answer is the same, so this result is less reliable.")
		}
	}

	fmt.Fprintln(w, "\nRequirements")
	for _, rr := range r.Requirements {
		mark := "met"
		if !rr.Met {
			mark = "NOT MET"
		}
		title := rr.ID
		for _, req := range p.Requirements {
			if req.ID == rr.ID {
				title = req.Title
			}
		}
		fmt.Fprintf(w, "  %-40s %s\n", title, mark)
	}

	fmt.Fprintln(w, "\nDimensions (weight, score)")
	for _, d := range r.Dimensions {
		fmt.Fprintf(w, "  %-28s %3d%%  %5.1f\n", d.Name, d.Weight, d.Score)
		costly := append([]scoring.Item(nil), d.Items...)
		sort.SliceStable(costly, func(i, j int) bool { return costly[i].Lost > costly[j].Lost })
		for _, it := range costly[:min(3, len(costly))] {
			if it.Lost < 0.005 {
				break
			}
			prompt := it.Question
			if q, ok := p.Question(it.Question); ok {
				prompt = q.Prompt
			}
			fmt.Fprintf(w, "      -%.2f  %s (%s): %d of %d points\n", it.Lost, prompt, it.Question, it.Points, it.Target)
		}
	}

	fmt.Fprintln(w, "\nNext steps, most useful first")
	n := 0
	var also []scoring.StepResult
	for _, s := range r.Steps {
		if s.AlsoConsider() {
			also = append(also, s)
			continue
		}
		n++
		req := ""
		if s.Required {
			req = " (meets a requirement)"
		}
		fmt.Fprintf(w, "  %2d. %s: +%.1f points%s\n", n, s.Title, s.Gain, req)
	}
	if n == 0 {
		fmt.Fprintln(w, "  none: every item is at its target")
	}
	if len(also) > 0 {
		fmt.Fprintln(w, "\nAlso consider")
		for _, s := range also {
			fmt.Fprintf(w, "  - %s\n", s.Title)
		}
	}
}
