package db

import (
	"context"
	"database/sql"
	"errors"
	"slices"

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

// writePrepared is write for fn's fixed SQL: inside the write fn's
// statements run prepared when they have been (preparedTx), and the ones
// that were not are prepared on the writer's pool once the write is over.
// Not before or during it: on SQLite the writer's one connection belongs
// to the group committer's batch, so preparing waits for the batch to end,
// and a write must join the batch's queue at once. So the first write of
// each query runs unprepared, the later ones prepared. A failed prepare
// only leaves the query unprepared, to be tried again next time.
func (s *Store) writePrepared(ctx context.Context, fn func(run writeRunner) error) error {
	var unprepared []string
	err := s.write(ctx, func(tx *gorm.DB) error {
		sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
		if !ok { // not a database/sql transaction: through gorm
			return fn(gormRunner{tx})
		}
		return fn(&preparedTx{ctx: ctx, tx: sqlTx, s: s, unprepared: &unprepared})
	})
	slices.Sort(unprepared) // a batch that fails runs its writes again
	for _, q := range slices.Compact(unprepared) {
		_, _ = s.prepareOnce(&s.writeStmts, s.w, q)
	}
	return err
}

// preparedTx runs statements in a write's transaction, on its connection:
// prepared ones through their statement, the others unprepared and noted
// in unprepared.
type preparedTx struct {
	ctx        context.Context
	tx         *sql.Tx
	s          *Store
	unprepared *[]string
}

// stmt is query's statement on the transaction, or false when it has not
// been prepared yet (and is then noted).
func (p *preparedTx) stmt(query string) (*sql.Stmt, bool) {
	st, ok := p.s.writeStmts.Load(query)
	if !ok {
		*p.unprepared = append(*p.unprepared, query)
		return nil, false
	}
	return p.tx.StmtContext(p.ctx, st.(*sql.Stmt)), true
}

func (p *preparedTx) exec(query string, args ...any) (int64, error) {
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

func (p *preparedTx) queryID(query string, args ...any) (int64, error) {
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
