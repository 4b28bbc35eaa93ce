package db

import "database/sql"

// Pool is one of the store's connection pools, named for monitoring.
type Pool struct {
	Name string
	DB   *sql.DB
}

// Pools are the store's connection pools, for reading their Stats (open,
// in use and idle connections, waits): on SQLite "write" (one connection,
// so waits there mean writers queueing) and "read"; on PostgreSQL the one
// pool, "postgres". They are for monitoring only: queries go through the
// Store's methods.
func (s *Store) Pools() ([]Pool, error) {
	w, err := s.w.DB()
	if err != nil {
		return nil, err
	}
	if s.r == s.w {
		return []Pool{{Name: string(s.dialect), DB: w}}, nil
	}
	r, err := s.r.DB()
	if err != nil {
		return nil, err
	}
	return []Pool{{Name: "write", DB: w}, {Name: "read", DB: r}}, nil
}
