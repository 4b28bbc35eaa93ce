package main

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/readiness/readiness/db"
	"github.com/readiness/readiness/db/dbtest"
)

// Two real server processes on one PostgreSQL database take submissions
// under load; one is killed with SIGKILL while the other keeps serving, then
// restarted. Every acknowledged result must be there, read back through the
// other instance than the one each learner logged in on.
func TestTwoInstances_OnePostgreSQLLoseNothingWhenOneIsKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two server binaries under load; skipped with -short")
	}
	pg := dbtest.PostgresURL(t)
	learners := seedLearners(t, pg, testLearners)
	logs := t.TempDir() + "/instance-"
	addrs := []string{freeAddr(t), freeAddr(t)}
	srvs := []*process{
		startServerAt(t, addrs[0], logs+"a-", "--database-url", pg),
		startServerAt(t, addrs[1], logs+"b-", "--database-url", pg),
	}
	bases := []*url.URL{srvs[0].base, srvs[1].base}
	cl := newClient(testConcurrency, 30*time.Second)
	t.Cleanup(cl.CloseIdleConnections)
	for i := range learners {
		cookie, err := login(context.Background(), cl, bases[i%2], learners[i])
		if err != nil {
			t.Fatalf("log in %s: %v", learners[i].Email, err)
		}
		learners[i].Cookie = cookie
	}

	g := newLedger(len(learners))
	for cycle := range 2 {
		victim := cycle % 2
		load := startLoadOn(bases, learners, testConcurrency, uint64(cycle+1))
		waitAcked(t, &load.prog, 60)
		srvs[victim].kill()
		// The survivor keeps acknowledging while the victim is down...
		waitAcked(t, &load.prog, load.prog.Acked.Load()+40)
		srvs[victim] = startServerAt(t, addrs[victim], logs+"restarted-", "--database-url", pg)
		// ... and the restarted one takes its share again.
		waitAcked(t, &load.prog, load.prog.Acked.Load()+40)
		r := load.stop()
		g.add(r)

		ver, err := verify(context.Background(), cl, bases, learners, g.acked, g.unknown, testConcurrency)
		if err != nil {
			t.Fatalf("cycle %d: %v", cycle+1, err)
		}
		acked, unknown := g.total()
		t.Logf("cycle %d (instance %d killed): %d acknowledged this cycle (%d in all), %d outcomes unknown; stored %d; lost %d; unexpected %d; errors %s",
			cycle+1, victim, r.tally.status[http.StatusCreated], acked, unknown, ver.stored, ver.lost, ver.unexpected, fmtCounts(r.tally.errors))
		if ver.lost != 0 || ver.unexpected != 0 || ver.duplicates != 0 || r.badAcks != 0 {
			t.Fatalf("cycle %d: lost %d, unexpected %d, duplicate ids %d, bad acks %d", cycle+1, ver.lost, ver.unexpected, ver.duplicates, r.badAcks)
		}
		if n := r.tally.serverErrors(); n > 0 {
			t.Errorf("cycle %d: %d server errors: %s", cycle+1, n, fmtCounts(r.tally.statusCounts()))
		}
	}
	for _, s := range srvs {
		if code := s.terminate(); code != 0 {
			t.Errorf("final stop exited %d", code)
		}
	}
	store, err := db.Open(pg, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var total int
	for i := range learners {
		u, err := store.UserByEmail(context.Background(), learners[i].Email)
		if err != nil {
			t.Fatal(err)
		}
		n, err := store.CountAssessments(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	acked, unknown := g.total()
	if total < acked || total > acked+unknown {
		t.Errorf("database holds %d assessments; %d acknowledged, %d unknown", total, acked, unknown)
	}
}
