package main

import (
	"fmt"
	"io"
)

const usage = `usage: readiness [COMMAND] [FLAGS]

commands:
  serve        serve the web app (the default)
  migrate      apply database migrations
  user create  create an account: --email E --role learner|counselor|admin (password on stdin)
  score FILE   score an answers JSON file and print the result (--json for JSON)
  backup       --to FILE: write a consistent copy of the database while it runs
`

// run is the whole command line: it returns the process exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "" || args[0][0] != '-') {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "score":
		return runScore(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "readiness: unknown command %q\n\n%s", cmd, usage)
	return 2
}
