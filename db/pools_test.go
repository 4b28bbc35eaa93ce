package db

import (
	"context"
	"testing"
)

// Pools names the pools that serve the store's queries: their stats move
// when the store reads and writes.
func TestPools_NameThePoolsQueriesUse(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, _ *fakeClock) {
		pools, err := s.Pools()
		must(t, err)
		want := map[Dialect][]string{SQLite: {"write", "read"}, Postgres: {"postgres"}}[s.Dialect()]
		if len(pools) != len(want) {
			t.Fatalf("pools %v, want %v", pools, want)
		}
		for i, p := range pools {
			if p.Name != want[i] {
				t.Errorf("pool %d is %q, want %q", i, p.Name, want[i])
			}
		}
		ctx := context.Background()
		u := mustUser(t, s, "pool@example.org", RoleLearner)
		_, err = s.UserByID(ctx, u.ID)
		must(t, err)
		for _, p := range pools {
			if st := p.DB.Stats(); st.OpenConnections == 0 {
				t.Errorf("pool %q has no open connection after a write and a read: %+v", p.Name, st)
			}
		}
	})
}
