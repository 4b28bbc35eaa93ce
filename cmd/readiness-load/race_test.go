//go:build race

package main

// The server under test is built with the race detector too when the tests
// are, so it reuses the cached race-built packages and its races show.
func init() { raceBuild = true }
