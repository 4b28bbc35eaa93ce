// Command readiness-load puts a Readiness server on this machine under load
// and checks that nothing it acknowledged was lost: it registers learners
// through the API, has concurrent clients submit assessments with varied
// valid answers, then reads every learner's assessments back. It also
// compares the submit path with the bench ceiling (--compare-ceiling) and
// measures scoring alone (--score-only) and the whole respondent's path
// through the pages as a browser without JavaScript takes it (--browser). It
// only talks to loopback addresses.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `usage: readiness-load [FLAGS]

Registers --learners accounts on the server at --url, has --concurrency
clients submit --per assessments for each, then checks every acknowledged
(201) assessment is stored and nothing else is. With several --url (instances
sharing one database), learners are spread over them, each learner's
submissions rotate over all of them, and each is read back through another. Exits 1 when an acknowledged
assessment is lost, an unacknowledged one appears, or any request got a 5xx.

  --compare-ceiling URL  post one fixed body to our POST /api/v1/assessments and
                         the ceiling's POST /submit, --rounds × --duration each
  --score-only           post to POST /api/v1/score (stores nothing) for --duration
  --browser              --concurrency visitors walk the assessment pages as a
                         browser without JavaScript does (GET /assessment, its
                         stylesheet and icon, post each section's form, follow
                         each redirect, load the result), each walk a new
                         visitor, for --duration; with --compare-ceiling, in
                         --rounds alternating with the ceiling's POST /submit

flags:
`

// options are the parsed command line.
type options struct {
	cfg        Config
	json       bool
	ceiling    string
	rounds     int
	scoreOnly  bool
	browser    bool
	durationOK bool // --duration was given
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("readiness-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	var urls urlList
	fs.Var(&urls, "url", "the server's base URL (loopback only; default http://127.0.0.1:8080); repeat it for several instances sharing one database")
	fs.IntVar(&o.cfg.Learners, "learners", 20, "learner accounts to register")
	fs.IntVar(&o.cfg.Per, "per", 10, "assessments each learner submits")
	fs.IntVar(&o.cfg.Concurrency, "concurrency", 8, "clients submitting at once")
	fs.IntVar(&o.cfg.PID, "pid", 0, "the server's process id, to report its peak RSS")
	fs.Uint64Var(&o.cfg.Seed, "seed", 1, "seed for the generated answers")
	fs.DurationVar(&o.cfg.Duration, "duration", 2*time.Minute, "cap on the submitting phase; per side and round with --compare-ceiling, the run with --score-only (default 5s there)")
	fs.DurationVar(&o.cfg.Timeout, "timeout", 10*time.Second, "per-request timeout")
	fs.BoolVar(&o.json, "json", false, "print the summary as JSON")
	fs.StringVar(&o.ceiling, "compare-ceiling", "", "base URL of the bench ceiling to compare with")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds of --compare-ceiling")
	fs.BoolVar(&o.scoreOnly, "score-only", false, "only score (POST /api/v1/score) for --duration")
	fs.BoolVar(&o.browser, "browser", false, "walk the assessment pages like a browser without JavaScript for --duration")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if len(urls) == 0 {
		urls = urlList{"http://127.0.0.1:8080"}
	}
	o.cfg.URL, o.cfg.MoreURLs = urls[0], urls[1:]
	fs.Visit(func(f *flag.Flag) { o.durationOK = o.durationOK || f.Name == "duration" })
	if !o.durationOK && (o.ceiling != "" || o.scoreOnly || o.browser) {
		o.cfg.Duration = 5 * time.Second
	}
	c := o.cfg
	switch {
	case c.Learners < 1:
		return o, fmt.Errorf("--learners must be at least 1")
	case c.Per < 1:
		return o, fmt.Errorf("--per must be at least 1")
	case c.Concurrency < 1 || c.Concurrency > 4096:
		return o, fmt.Errorf("--concurrency must be from 1 to 4096")
	case c.Duration <= 0:
		return o, fmt.Errorf("--duration must be positive")
	case c.Timeout <= 0:
		return o, fmt.Errorf("--timeout must be positive")
	case o.rounds < 1:
		return o, fmt.Errorf("--rounds must be at least 1")
	case o.ceiling != "" && o.scoreOnly:
		return o, fmt.Errorf("--compare-ceiling and --score-only are separate runs")
	case o.browser && o.scoreOnly:
		return o, fmt.Errorf("--browser and --score-only are separate runs")
	}
	if _, err := baseURLs(c); err != nil {
		return o, fmt.Errorf("--url: %w", err)
	}
	if len(c.MoreURLs) > 0 && (o.ceiling != "" || o.scoreOnly || o.browser) {
		return o, fmt.Errorf("several --url are for the load run, not --compare-ceiling, --score-only or --browser")
	}
	if o.ceiling != "" {
		if _, err := checkLoopback(o.ceiling); err != nil {
			return o, fmt.Errorf("--compare-ceiling: %w", err)
		}
	}
	return o, nil
}

// urlList is a repeatable --url.
type urlList []string

func (l *urlList) String() string { return strings.Join(*l, ",") }

func (l *urlList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// outcome is any of the run summaries.
type outcome interface {
	String() string
	Problems() []string
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "readiness-load: %v\n", err)
		return 2
	}
	// Ctrl+C stops handing out requests; those sent finish and are checked.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	var out outcome
	switch {
	case o.browser:
		out, err = browserRun(ctx, o.cfg, o.ceiling, o.rounds)
	case o.ceiling != "":
		out, err = compareCeiling(ctx, o.cfg, o.ceiling, o.rounds)
	case o.scoreOnly:
		out, err = scoreOnly(ctx, o.cfg)
	default:
		out, err = runLoad(ctx, o.cfg)
	}
	if err != nil {
		fmt.Fprintf(stderr, "readiness-load: %v\n", err)
		return 1
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "readiness-load: %v\n", err)
			return 1
		}
	} else {
		fmt.Fprintln(stdout, out)
	}
	if ps := out.Problems(); len(ps) > 0 {
		for _, p := range ps {
			fmt.Fprintf(stderr, "readiness-load: FAIL: %s\n", p)
		}
		return 1
	}
	return 0
}
