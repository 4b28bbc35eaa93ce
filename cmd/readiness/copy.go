package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/readiness/readiness/db"
)

// runCopy is `readiness copy --from FILE --to postgres://…`: the move from one
// SQLite file to PostgreSQL.
func runCopy(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("copy", stderr)
	from := fs.String("from", "", "SQLite database file to copy (required)")
	to := fs.String("to", "", "postgres:// URL of an empty database to copy into (required)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *from == "" || *to == "" {
		fmt.Fprintln(stderr, "readiness copy: --from FILE and --to postgres://... are both required")
		return 2
	}
	if !db.IsPostgresURL(*to) {
		fmt.Fprintln(stderr, "readiness copy: --to must be a postgres:// URL")
		return 2
	}
	if db.IsPostgresURL(*from) {
		fmt.Fprintln(stderr, "readiness copy: --from must be a SQLite file")
		return 2
	}
	if _, err := os.Stat(*from); err != nil {
		fmt.Fprintf(stderr, "readiness copy: --from: %v\n", err)
		return 2
	}
	toName := redactURL(*to)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	src, err := db.Open(*from, time.Now)
	if err != nil {
		fmt.Fprintf(stderr, "readiness copy: open %s: %v\n", *from, err)
		return 1
	}
	defer src.Close()
	dst, err := db.Open(*to, time.Now)
	if err != nil {
		fmt.Fprintf(stderr, "readiness copy: open %s: %v\n", toName, err)
		return 1
	}
	defer dst.Close()

	bar := newProgressBar(stderr)
	start := time.Now()
	counts, err := db.Copy(ctx, src, dst, bar.show)
	bar.done()
	if err != nil {
		fmt.Fprintf(stderr, "readiness copy: %v\n", err)
		if len(counts) > 0 {
			printCounts(stderr, *from, toName, counts)
		}
		return 1
	}
	fmt.Fprintf(stdout, "copied %s to %s in %s\n", *from, toName, time.Since(start).Round(time.Millisecond))
	printCounts(stdout, *from, toName, counts)
	return 0
}

func printCounts(w io.Writer, from, to string, counts []db.TableCount) {
	width := len("table")
	for _, c := range counts {
		width = max(width, len(c.Table))
	}
	fmt.Fprintf(w, "%-*s %12s %12s\n", width, "table", "source", "target")
	var src, dst int64
	for _, c := range counts {
		fmt.Fprintf(w, "%-*s %12d %12d\n", width, c.Table, c.Source, c.Target)
		src += c.Source
		dst += c.Target
	}
	fmt.Fprintf(w, "%-*s %12d %12d\n", width, "total", src, dst)
	fmt.Fprintf(w, "source: %s\ntarget: %s\n", from, to)
}

// progressBar redraws one line per table on a terminal and stays silent
// otherwise (a log file gets the counts at the end, not a thousand \r).
type progressBar struct {
	w       io.Writer
	on      bool
	table   string
	last    time.Time
	started bool
}

func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	return &progressBar{w: w, on: ok && isTerminal(f)}
}

func (b *progressBar) show(p db.CopyProgress) {
	if !b.on {
		return
	}
	if p.Table != b.table {
		if b.started {
			fmt.Fprintln(b.w)
		}
		b.table, b.started = p.Table, true
	} else if p.Done < p.Total && time.Since(b.last) < 100*time.Millisecond {
		return
	}
	b.last = time.Now()
	const width = 30
	filled := width
	pct := 100.0
	if p.Total > 0 {
		filled = int(int64(width) * p.Done / p.Total)
		pct = 100 * float64(p.Done) / float64(p.Total)
	}
	fmt.Fprintf(b.w, "\r%-28s [%s%s] %5.1f%%  %d/%d", p.Table, strings.Repeat("#", filled), strings.Repeat(" ", width-filled), pct, p.Done, p.Total)
}

func (b *progressBar) done() {
	if b.on && b.started {
		fmt.Fprintln(b.w)
	}
}

func redactURL(s string) string {
	cfg := Config{DatabaseURL: s}
	_, name, err := cfg.database()
	if err != nil {
		return "(invalid URL)"
	}
	return name
}
