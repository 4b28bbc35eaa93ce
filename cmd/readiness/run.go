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
  user reset-link
               --email E: print a one-time link through which that person sets
               a new password (valid 24 hours; --base-url puts the site's
               address in front, env READINESS_BASE_URL)
  score FILE   score an answers JSON file and print the result (--json for JSON)
  backup       --to FILE: write a consistent copy of the database while it runs
               (SQLite; for PostgreSQL use pg_dump)
  copy         --from FILE --to postgres://...: copy a SQLite database into
               an empty PostgreSQL database (the move to several instances)
  seed-demo    --learners N --assessments-per M [--counselor-email E]: fill the
               database with a demo counselor and learners (password on stdin,
               or one is generated and printed)

Every command that opens the database takes --db PATH (env READINESS_DB,
default readiness.db), or --database-url postgres://... (env DATABASE_URL)
to use PostgreSQL instead. serve takes --addr (env READINESS_ADDR, default
127.0.0.1:8080).
`

// run is the whole command line: it returns the process exit status. It
// reads the environment only through getenv, so tests pass their own.
func run(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "" || args[0][0] != '-' || isHelpFlag(args[0])) {
		cmd, args = args[0], args[1:]
	}
	cfg := defaultConfig()
	if err := cfg.fromEnv(getenv); err != nil {
		fmt.Fprintf(stderr, "readiness: %v\n", err)
		return 2
	}
	switch cmd {
	case "serve":
		return runServe(args, cfg, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(args, cfg, stdout, stderr)
	case "backup":
		return runBackup(args, cfg, stdout, stderr)
	case "copy":
		return runCopy(args, stdout, stderr)
	case "user":
		return runUser(args, cfg, stdin, stdout, stderr)
	case "score":
		return runScore(args, stdin, stdout, stderr)
	case "seed-demo":
		return runSeed(args, cfg, stdin, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "readiness: unknown command %q\n\n%s", cmd, usage)
	return 2
}

// isHelpFlag reports whether arg asks for help. Before any command it lists
// the commands; after one (readiness serve --help) that command's flags.
func isHelpFlag(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }
