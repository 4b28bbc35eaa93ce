package db

import (
	"context"
	"database/sql"
	"errors"

	"gorm.io/gorm"
)

// Writes that run on most requests (a stored result, a saved draft) use
// statements prepared once on the writer's pool. Through gorm, each ran
// its statement builder and, on SQLite, prepared its SQL again: in a
// profile of the submit path the preparing alone was a seventh of the
// server's CPU (docs/PERFORMANCE.md, round 2). gorm's own PrepareStmt
// does not help inside a transaction: a statement it first prepares in
// one is bound to it and is prepared again in every later one.

// writeRunner runs a write's statements: through gorm (gormRunner), or
// through statements prepared once (preparedTx).
type writeRunner interface {
	exec(query string, args ...any) (int64, error) // rows affected
	queryID(query string, args ...any) (int64, error)
}

// gormRunner runs statements through gorm, for the writes that do not
// prepare theirs (imports, claimed results).
type gormRunner struct{ tx *gorm.DB }

func (g gormRunner) exec(query string, args ...any) (int64, error) {
	res := g.tx.Exec(query, args...)
	return res.RowsAffected, res.Error
}

func (g gormRunner) queryID(query string, args ...any) (int64, error) {
	var id int64
	err := g.tx.Raw(query, args...).Scan(&id).Error
	return id, err
}

// prepareWrites prepares each query that is not prepared yet on the
// writer's pool. Callers call it after their write, never before or
// inside it: on SQLite the writer's one connection belongs to the group
// committer's batch, so preparing waits for the batch to end, and a
// write must join the batch's queue at once. The first write of each
// query runs unprepared (preparedTx), the later ones prepared. A failure
// only leaves the query unprepared, to be tried again next time.
func (s *Store) prepareWrites(queries ...string) error {
	for _, q := range queries {
		if _, ok := s.writeStmts.Load(q); ok {
			continue
		}
		pool, err := s.w.DB()
		if err != nil {
			return err
		}
		st, err := pool.Prepare(s.placeholders(q))
		if err != nil {
			return err
		}
		if _, loaded := s.writeStmts.LoadOrStore(q, st); loaded {
			st.Close() // another request prepared it first
		}
	}
	return nil
}

// preparedTx runs statements that prepareWrites prepared in a write's
// transaction, on its connection; a query that was not prepared runs
// unprepared in the same transaction.
type preparedTx struct {
	ctx context.Context
	tx  *sql.Tx
	s   *Store
}

// prepared is tx's preparedTx, and false when gorm's transaction is not
// a database/sql one (then the write goes through gorm).
func (s *Store) prepared(ctx context.Context, tx *gorm.DB) (preparedTx, bool) {
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	return preparedTx{ctx: ctx, tx: sqlTx, s: s}, ok
}

func (p preparedTx) stmt(query string) (*sql.Stmt, bool) {
	st, ok := p.s.writeStmts.Load(query)
	if !ok {
		return nil, false
	}
	return p.tx.StmtContext(p.ctx, st.(*sql.Stmt)), true
}

func (p preparedTx) exec(query string, args ...any) (int64, error) {
	var (
		res sql.Result
		err error
	)
	if st, ok := p.stmt(query); ok {
		res, err = st.ExecContext(p.ctx, args...)
	} else {
		res, err = p.tx.ExecContext(p.ctx, p.s.placeholders(query), args...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (p preparedTx) queryID(query string, args ...any) (int64, error) {
	var row *sql.Row
	if st, ok := p.stmt(query); ok {
		row = st.QueryRowContext(p.ctx, args...)
	} else {
		row = p.tx.QueryRowContext(p.ctx, p.s.placeholders(query), args...)
	}
	var id int64
	err := row.Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return id, err
}

// closeWriteStmts closes what prepareWrites prepared.
func (s *Store) closeWriteStmts() {
	s.writeStmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
}
