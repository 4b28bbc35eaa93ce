// Command readiness serves the Readiness web app and administers its data.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)) }
