package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var raceBuild bool // set by race_test.go

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	binDir    string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// readinessBinary builds cmd/readiness once per test binary.
func readinessBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "readiness-load-bin-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "readiness")
		args := []string{"build", "-o", binPath}
		if raceBuild {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, "github.com/readiness/readiness/cmd/readiness")...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// process is one run of `readiness serve`.
type process struct {
	t    *testing.T
	cmd  *exec.Cmd
	base *url.URL
	log  string
	done chan struct{}
	err  error // from Wait, once done is closed
}

// startServer serves dbPath on a free loopback port, waits until it says
// it is running and checks that /healthz answers.
func startServer(t *testing.T, dbPath string) *process {
	t.Helper()
	return startServerAt(t, freeAddr(t), dbPath+".", "--db", dbPath)
}

// freeAddr is a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServerAt serves on addr with the given database flags, logging to a
// file named from logPrefix, and waits until /healthz answers.
func startServerAt(t *testing.T, addr, logPrefix string, dbArgs ...string) *process {
	t.Helper()
	bin := readinessBinary(t)
	logPath := fmt.Sprintf("%s%d.log", logPrefix, time.Now().UnixNano())
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr}, dbArgs...)...)
	cmd.Env = cleanEnv()
	ready := &readyWatch{marker: []byte("Readiness is running at "), ready: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = io.MultiWriter(logFile, ready), logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{t: t, cmd: cmd, base: &url.URL{Scheme: "http", Host: addr}, log: logPath, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		if p.running() {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	// The server says it is running once it listens.
	select {
	case <-ready.ready:
	case <-p.done:
		t.Fatalf("server exited before it was ready (%v): %s", p.err, p.logTail())
	case <-time.After(30 * time.Second):
		t.Fatalf("server not ready after 30s: %s", p.logTail())
	}
	resp, err := http.Get(join(p.base, "/healthz"))
	if err != nil {
		t.Fatalf("healthz: %v: %s", err, p.logTail())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: status %d: %s", resp.StatusCode, p.logTail())
	}
	return p
}

// readyWatch watches the server's standard output (written by one
// goroutine of exec) and closes ready once marker has been written.
type readyWatch struct {
	marker []byte
	out    []byte // what was written before the marker was found
	found  bool
	ready  chan struct{}
}

func (r *readyWatch) Write(b []byte) (int, error) {
	if !r.found {
		r.out = append(r.out, b...)
		if bytes.Contains(r.out, r.marker) {
			r.found, r.out = true, nil
			close(r.ready)
		}
	}
	return len(b), nil
}

// cleanEnv is this environment without READINESS_* settings, which would
// change what the server does.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "READINESS_") {
			env = append(env, kv)
		}
	}
	return env
}

func (p *process) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// kill ends the server with SIGKILL: no shutdown code runs.
func (p *process) kill() {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		p.t.Fatal(err)
	}
	<-p.done
	p.checkLog()
}

// terminate sends SIGTERM and returns the exit status.
func (p *process) terminate() int {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.t.Fatalf("server still running 30s after SIGTERM: %s", p.logTail())
	}
	p.checkLog()
	return p.cmd.ProcessState.ExitCode()
}

// checkLog fails the test if the race detector or a panic spoke.
func (p *process) checkLog() {
	p.t.Helper()
	data, _ := os.ReadFile(p.log)
	for _, bad := range []string{"DATA RACE", "panic", "database is locked"} {
		if strings.Contains(string(data), bad) {
			p.t.Errorf("server log has %q: %s", bad, p.logTail())
		}
	}
}

func (p *process) logTail() string {
	data, _ := os.ReadFile(p.log)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}

// restore copies the backup over the database, leaving no WAL or shared
// memory file of the old one behind.
func restore(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(to + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
