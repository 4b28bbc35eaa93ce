package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"golang.org/x/crypto/bcrypt"

	"github.com/readiness/readiness/db"
)

// These tests run the real readiness binary as a child process on a temp
// database and do to it what production will: kill it mid-write, stop it
// with SIGTERM under load, back it up while it takes writes and restore.

// waitAcked waits until n submissions are acknowledged, so the next step
// lands in the middle of the load.
func waitAcked(t *testing.T, prog *Progress, n int64) {
	t.Helper()
	select {
	case <-prog.AckedReaches(n):
	case <-time.After(20 * time.Second):
		t.Fatalf("only %d of %d submissions acknowledged in 20s", prog.Acked.Load(), n)
	}
}

// integrityCheck opens a stopped server's database file and runs
// PRAGMA integrity_check, returning the assessments it holds.
func integrityCheck(t *testing.T, path string) int {
	t.Helper()
	d, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var res string
	if err := d.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil {
		t.Fatal(err)
	}
	if res != "ok" {
		t.Errorf("integrity_check on %s = %q", path, res)
	}
	var n int
	if err := d.QueryRow("SELECT COUNT(*) FROM assessments").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// loadRun is a submission load running in the background.
type loadRun struct {
	prog   Progress
	cancel context.CancelFunc
	res    chan submitResult
}

// startLoad submits for every learner until stopped (or 20s pass).
func startLoad(base *url.URL, learners []learner, concurrency int, seed uint64) *loadRun {
	return startLoadOn([]*url.URL{base}, learners, concurrency, seed)
}

// startLoadOn is startLoad spread over several instances.
func startLoadOn(bases []*url.URL, learners []learner, concurrency int, seed uint64) *loadRun {
	p, err := defaultProfile()
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &loadRun{cancel: cancel, res: make(chan submitResult, 1)}
	cfg := Config{Per: 100000, Concurrency: concurrency, Seed: seed, Duration: 20 * time.Second, Timeout: 10 * time.Second, Progress: &l.prog}
	cl := newClient(concurrency, cfg.Timeout)
	go func() {
		defer cl.CloseIdleConnections()
		l.res <- submit(ctx, cl, bases, p, cfg, learners)
	}()
	return l
}

func (l *loadRun) stop() submitResult {
	l.cancel()
	return <-l.res
}

// ledger is every outcome the clients saw, across server restarts.
type ledger struct {
	acked   [][]int64
	unknown []int
}

func newLedger(n int) *ledger { return &ledger{acked: make([][]int64, n), unknown: make([]int, n)} }

func (g *ledger) add(r submitResult) {
	for i := range g.acked {
		g.acked[i] = append(g.acked[i], r.acked[i]...)
		g.unknown[i] += r.unknown[i]
	}
}

func (g *ledger) total() (acked, unknown int) {
	for i := range g.acked {
		acked += len(g.acked[i])
		unknown += g.unknown[i]
	}
	return acked, unknown
}

// setUp starts a server on a fresh database with n learners logged in.
// The learners are created in the database with a cheap password hash and
// log in through the API: registering through the API costs a full bcrypt
// hash each, seconds under the race detector, and the in-process tests
// cover registration already.
func setUp(t *testing.T, n int) (dbPath string, srv *process, learners []learner, cl *http.Client) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the server binary under load; skipped with -short")
	}
	dbPath = filepath.Join(t.TempDir(), "readiness.db")
	learners = seedLearners(t, dbPath, n)
	srv = startServer(t, dbPath)
	cl = newClient(n, 30*time.Second)
	t.Cleanup(cl.CloseIdleConnections)
	for i := range learners {
		cookie, err := login(context.Background(), cl, srv.base, learners[i])
		if err != nil {
			t.Fatalf("log in %s: %v: %s", learners[i].Email, err, srv.logTail())
		}
		learners[i].Cookie = cookie
	}
	return dbPath, srv, learners, cl
}

func seedLearners(t *testing.T, dbPath string, n int) []learner {
	t.Helper()
	store, err := db.Open(dbPath, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	learners := make([]learner, n)
	for i := range learners {
		l := learner{Email: fmt.Sprintf("crash-%d@example.com", i), Password: fmt.Sprintf("crash-password-%d", i)}
		hash, err := bcrypt.GenerateFromPassword([]byte(l.Password), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.CreateUser(context.Background(), db.NewUser{Email: l.Email, Name: fmt.Sprintf("Learner %d", i), PasswordHash: string(hash), Role: db.RoleLearner}); err != nil {
			t.Fatal(err)
		}
		learners[i] = l
	}
	return learners
}

const (
	testLearners    = 6
	testConcurrency = 6
)

func TestCrash_SIGKILLUnderLoadLosesNothingAcknowledged(t *testing.T) {
	dbPath, srv, learners, cl := setUp(t, testLearners)
	g := newLedger(len(learners))
	for cycle := 1; cycle <= 3; cycle++ {
		load := startLoad(srv.base, learners, testConcurrency, uint64(cycle))
		// A different count each cycle, so the kill lands at different
		// points of a commit.
		waitAcked(t, &load.prog, 40+int64(cycle)*7)
		srv.kill()
		r := load.stop()
		g.add(r)

		srv = startServer(t, dbPath)
		ver, err := verify(context.Background(), cl, []*url.URL{srv.base}, learners, g.acked, g.unknown, testConcurrency)
		if err != nil {
			t.Fatalf("cycle %d: %v", cycle, err)
		}
		acked, unknown := g.total()
		t.Logf("kill cycle %d: %d acknowledged this cycle (%d in all), %d outcomes unknown (%d in all, %d of them stored); stored %d; lost %d; unexpected %d; errors %s",
			cycle, r.tally.status[http.StatusCreated], acked, r.tally.unknown, unknown, ver.storedUnacked, ver.stored, ver.lost, ver.unexpected, fmtCounts(r.tally.errors))
		if ver.lost != 0 || ver.unexpected != 0 || ver.duplicates != 0 || r.badAcks != 0 {
			t.Fatalf("cycle %d: lost %d, unexpected %d, duplicate ids %d, bad acks %d", cycle, ver.lost, ver.unexpected, ver.duplicates, r.badAcks)
		}
		if n := r.tally.serverErrors(); n > 0 {
			t.Errorf("cycle %d: %d server errors: %s", cycle, n, fmtCounts(r.tally.statusCounts()))
		}
	}
	if code := srv.terminate(); code != 0 {
		t.Errorf("final stop exited %d", code)
	}
	n := integrityCheck(t, dbPath)
	acked, unknown := g.total()
	if n < acked || n > acked+unknown {
		t.Errorf("database holds %d assessments; %d acknowledged, %d unknown", n, acked, unknown)
	}
	t.Logf("after 3 kill cycles: %d assessments acknowledged, 0 lost; database holds %d; integrity_check ok", acked, n)
}

func TestShutdown_SIGTERMUnderLoadFinishesRequestsAndExitsZero(t *testing.T) {
	dbPath, srv, learners, cl := setUp(t, testLearners)
	load := startLoad(srv.base, learners, testConcurrency+2, 11)
	waitAcked(t, &load.prog, 60)
	code := srv.terminate()
	r := load.stop()
	if code != 0 {
		t.Errorf("exit status after SIGTERM = %d, want 0: %s", code, srv.logTail())
	}
	if !strings.Contains(srv.logTail(), "stopped") {
		t.Errorf("no clean stop in the log: %s", srv.logTail())
	}

	srv = startServer(t, dbPath)
	g := newLedger(len(learners))
	g.add(r)
	ver, err := verify(context.Background(), cl, []*url.URL{srv.base}, learners, g.acked, g.unknown, testConcurrency)
	if err != nil {
		t.Fatal(err)
	}
	cut := r.tally.unknown
	t.Logf("SIGTERM under load: %d acknowledged, %d refused after the listener closed, %d sent without an answer (%d of them stored); errors %s; exit %d",
		r.tally.status[http.StatusCreated], r.tally.notSent, cut, ver.storedUnacked, fmtCounts(r.tally.errors), code)
	if ver.lost != 0 || ver.unexpected != 0 {
		t.Errorf("lost %d, unexpected %d", ver.lost, ver.unexpected)
	}
	// A request the server had begun must be answered before it exits. A
	// request cut off that the server had stored is one it began and did
	// not answer.
	if ver.storedUnacked != 0 {
		t.Errorf("%d requests were processed and stored but their answer was cut off by the shutdown", ver.storedUnacked)
	}
	// The only unanswered requests allowed are ones written onto an idle
	// keep-alive connection just as the server closed it: at most one per
	// client, and never a timeout.
	if cut > testConcurrency+2 || r.tally.errors["timeout"] > 0 {
		t.Errorf("%d requests cut off (%s)", cut, fmtCounts(r.tally.errors))
	}
	if n := r.tally.serverErrors(); n > 0 {
		t.Errorf("%d server errors", n)
	}
	if code := srv.terminate(); code != 0 {
		t.Errorf("second stop exited %d", code)
	}
	integrityCheck(t, dbPath)
}

func TestBackup_UnderLoadIsConsistentAndRestores(t *testing.T) {
	dbPath, srv, learners, cl := setUp(t, testLearners)
	backupPath := filepath.Join(filepath.Dir(dbPath), "backup.db")
	load := startLoad(srv.base, learners, testConcurrency, 21)
	waitAcked(t, &load.prog, 40)

	before := load.prog.Acked.Load()
	out, err := exec.Command(readinessBinary(t), "backup", "--db", dbPath, "--to", backupPath).CombinedOutput()
	if err != nil {
		t.Fatalf("readiness backup: %v\n%s", err, out)
	}
	startedAfter := load.prog.Started.Load()
	ackedAfter := load.prog.Acked.Load()
	waitAcked(t, &load.prog, ackedAfter+20) // submissions carry on after the copy
	r := load.stop()

	inBackup := integrityCheck(t, backupPath)
	t.Logf("backup under load: %d acknowledged before it started, %d after it finished (%d sent); the backup holds %d; %s",
		before, ackedAfter, startedAfter, inBackup, strings.TrimSpace(string(out)))
	if int64(inBackup) < before || int64(inBackup) > startedAfter {
		t.Errorf("backup holds %d assessments; want between %d (acknowledged before) and %d (sent by the end)", inBackup, before, startedAfter)
	}
	if n := r.tally.serverErrors(); n > 0 {
		t.Errorf("%d server errors during the backup: %s", n, fmtCounts(r.tally.statusCounts()))
	}
	g := newLedger(len(learners))
	g.add(r)
	live, err := verify(context.Background(), cl, []*url.URL{srv.base}, learners, g.acked, g.unknown, testConcurrency)
	if err != nil {
		t.Fatal(err)
	}
	if live.lost != 0 || live.unexpected != 0 {
		t.Errorf("live database: lost %d, unexpected %d", live.lost, live.unexpected)
	}

	// Restore: stop, put the copy in place of the database, start again.
	if code := srv.terminate(); code != 0 {
		t.Fatalf("stop before restore exited %d", code)
	}
	restore(t, backupPath, dbPath)
	srv = startServer(t, dbPath)
	// Logging in works, and sessions taken before the backup still do.
	cookie, err := login(context.Background(), cl, srv.base, learners[0])
	if err != nil {
		t.Fatalf("log in as %s after restore: %v", learners[0].Email, err)
	}
	learners[0].Cookie = cookie
	restored := 0
	for i, l := range learners {
		ids, err := storedIDs(context.Background(), cl, srv.base, l)
		if err != nil {
			t.Fatal(err)
		}
		for id := range ids {
			if !live.perLearner[i][id] {
				t.Errorf("%s: restored assessment %d was never stored", l.Email, id)
			}
		}
		restored += len(ids)
	}
	if restored != inBackup {
		t.Errorf("after restore the learners see %d assessments; the backup holds %d", restored, inBackup)
	}
	if code := srv.terminate(); code != 0 {
		t.Errorf("final stop exited %d", code)
	}
	integrityCheck(t, dbPath)
}
