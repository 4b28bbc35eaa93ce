package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Moving from one machine to several: Copy puts every row of a SQLite
// database into an empty PostgreSQL one, ids and all.

// TableCount is one table's row count on both sides of a copy.
type TableCount struct {
	Table          string
	Source, Target int64
}

// CopyProgress is reported as rows arrive in the target.
type CopyProgress struct {
	Table       string
	Done, Total int64 // rows of this table
}

// ErrTargetNotEmpty refuses a copy into a database that already holds data.
var ErrTargetNotEmpty = errors.New("the target database is not empty")

// copySkip are tables a copy leaves alone: the schema version (both sides are
// migrated to the same one) and the write-check heartbeat (an instance may
// already have written one).
var copySkip = map[string]bool{"schema_migrations": true, "heartbeat": true}

// Copy copies every table of src (SQLite) into dst (PostgreSQL), which must
// be at the same schema version and empty. It reads src in one read
// transaction (a consistent snapshot, while src may keep serving) and writes
// dst in one transaction, so a failure halfway leaves dst as empty as it was.
// Ids are kept and dst's sequences moved past them. progress, if not nil, is
// called as rows arrive. It returns the row count of every table on both
// sides, counted after the commit.
func Copy(ctx context.Context, src, dst *Store, progress func(CopyProgress)) ([]TableCount, error) {
	if src.dialect != SQLite || dst.dialect != Postgres {
		return nil, fmt.Errorf("db: copy: copies a SQLite database into PostgreSQL (got %s into %s)", src.dialect, dst.dialect)
	}
	defer dst.sessions.forgetAll()
	sv, err := src.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	dv, err := dst.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if sv != dv {
		return nil, fmt.Errorf("db: copy: source is at schema version %d, target at %d; migrate both with this program first", sv, dv)
	}
	srcPool, err := src.r.DB()
	if err != nil {
		return nil, err
	}
	dstPool, err := dst.w.DB()
	if err != nil {
		return nil, err
	}
	// One connection of the SQLite read pool holds the snapshot throughout.
	rtx, err := srcPool.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("db: copy: read source: %w", err)
	}
	defer rtx.Rollback()
	tables, err := sqliteTablesInOrder(ctx, rtx)
	if err != nil {
		return nil, fmt.Errorf("db: copy: read source tables: %w", err)
	}
	counts := make([]TableCount, len(tables))
	for i, t := range tables {
		counts[i].Table = t
		if err := rtx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteSQLite(t)).Scan(&counts[i].Source); err != nil {
			return nil, fmt.Errorf("db: copy: count %s: %w", t, err)
		}
	}

	wtx, err := dstPool.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrap("copy", err)
	}
	defer wtx.Rollback()
	// Nobody else may write the target while it fills: an instance already
	// serving it would see half a copy.
	if _, err := wtx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLockID)); err != nil {
		return nil, wrap("copy", err)
	}
	if err := requireEmpty(ctx, wtx, tables); err != nil {
		return nil, err
	}
	for i, t := range tables {
		if err := copyTable(ctx, rtx, wtx, t, counts[i].Source, progress); err != nil {
			return nil, fmt.Errorf("db: copy %s: %w (nothing was written to the target)", t, err)
		}
	}
	if err := advanceSequences(ctx, wtx); err != nil {
		return nil, fmt.Errorf("db: copy: %w (nothing was written to the target)", err)
	}
	if err := wtx.Commit(); err != nil {
		return nil, fmt.Errorf("db: copy: commit: %w (nothing was written to the target)", err)
	}
	// Fresh statistics, so the planner uses the indexes from the first
	// request rather than after autovacuum gets round to it.
	for _, t := range tables {
		if _, err := dstPool.ExecContext(ctx, "ANALYZE "+pgIdent(t)); err != nil {
			return nil, fmt.Errorf("db: copy: analyze %s: %w (the rows are copied)", t, err)
		}
	}
	for i, t := range tables {
		if err := dstPool.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+pgIdent(t)).Scan(&counts[i].Target); err != nil {
			return counts, fmt.Errorf("db: copy: count %s in the target: %w", t, err)
		}
	}
	for _, c := range counts {
		if c.Source != c.Target {
			return counts, fmt.Errorf("db: copy: %s has %d rows in the source but %d in the target", c.Table, c.Source, c.Target)
		}
	}
	return counts, nil
}

// sqliteTablesInOrder lists the source's tables so that every table comes
// after the tables its foreign keys point at.
func sqliteTablesInOrder(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		if !copySkip[n] {
			names = append(names, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	deps := map[string][]string{}
	for _, n := range names {
		fks, err := tx.QueryContext(ctx, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)", n)
		if err != nil {
			return nil, err
		}
		for fks.Next() {
			var ref string
			if err := fks.Scan(&ref); err != nil {
				fks.Close()
				return nil, err
			}
			if ref != n {
				deps[n] = append(deps[n], ref)
			}
		}
		fks.Close()
	}
	var (
		order []string
		state = map[string]int{} // 1 visiting, 2 done
		visit func(string) error
	)
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle through %s", n)
		case 2:
			return nil
		}
		state[n] = 1
		sort.Strings(deps[n])
		for _, d := range deps[n] {
			if err := visit(d); err != nil {
				return err
			}
		}
		state[n] = 2
		order = append(order, n)
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// requireEmpty refuses a target that has a row in any of the tables.
func requireEmpty(ctx context.Context, tx *sql.Tx, tables []string) error {
	var full []string
	for _, t := range tables {
		var any bool
		err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+pgIdent(t)+")").Scan(&any)
		if err != nil {
			return fmt.Errorf("db: copy: the target has no table %s (%v); is it a Readiness database at the same version?", t, err)
		}
		if any {
			full = append(full, t)
		}
	}
	if len(full) > 0 {
		return fmt.Errorf("db: copy: %w (rows in %s); copy only into a new, empty database",
			ErrTargetNotEmpty, strings.Join(full, ", "))
	}
	return nil
}

// pgColumn is a target column and the type its values must arrive as.
type pgColumn struct {
	name, dataType string
}

func targetColumns(ctx context.Context, tx *sql.Tx, table string) (map[string]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
 WHERE table_schema = current_schema() AND table_name = $1`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols := map[string]string{}
	for rows.Next() {
		var n, t string
		if err := rows.Scan(&n, &t); err != nil {
			return nil, err
		}
		cols[n] = t
	}
	return cols, rows.Err()
}

// copyBatchParams bounds one INSERT's parameters (PostgreSQL allows 65,535).
const copyBatchParams = 30000

func copyTable(ctx context.Context, rtx, wtx *sql.Tx, table string, total int64, progress func(CopyProgress)) error {
	target, err := targetColumns(ctx, wtx, table)
	if err != nil {
		return err
	}
	rows, err := rtx.QueryContext(ctx, "SELECT * FROM "+quoteSQLite(table))
	if err != nil {
		return err
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return err
	}
	cols := make([]pgColumn, len(names))
	quoted := make([]string, len(names))
	for i, n := range names {
		t, ok := target[n]
		if !ok {
			return fmt.Errorf("the target has no column %s.%s", table, n)
		}
		cols[i], quoted[i] = pgColumn{n, t}, pgIdent(n)
	}
	if progress != nil {
		progress(CopyProgress{Table: table, Total: total})
	}
	perBatch := max(1, copyBatchParams/len(cols))
	prefix := "INSERT INTO " + pgIdent(table) + " (" + strings.Join(quoted, ", ") + ") VALUES "
	var (
		args []any
		done int64
		n    int
	)
	flush := func() error {
		if n == 0 {
			return nil
		}
		var b strings.Builder
		b.WriteString(prefix)
		p := 1
		for r := range n {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteString(", ")
				}
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
				p++
			}
			b.WriteByte(')')
		}
		if _, err := wtx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
		done += int64(n)
		args, n = args[:0], 0
		if progress != nil {
			progress(CopyProgress{Table: table, Done: done, Total: total})
		}
		return nil
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			cv, err := toPostgres(v, cols[i].dataType)
			if err != nil {
				return fmt.Errorf("column %s: %w", cols[i].name, err)
			}
			args = append(args, cv)
		}
		n++
		if n == perBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}

// sqlRunner is a *sql.DB or a *sql.Tx.
type sqlRunner interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// advanceSequences moves every identity column's sequence past the largest
// id in its table, so rows inserted with explicit ids (a copy, a restore)
// do not collide with the next generated one.
func advanceSequences(ctx context.Context, tx sqlRunner) error {
	rows, err := tx.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
 WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`)
	if err != nil {
		return err
	}
	var cols [][2]string
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			rows.Close()
			return err
		}
		cols = append(cols, [2]string{t, c})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, tc := range cols {
		table, col := pgIdent(tc[0]), pgIdent(tc[1])
		_, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(`+col+`), 0) + 1, false) FROM `+table, table, tc[1])
		if err != nil {
			return fmt.Errorf("advance sequence of %s.%s: %w", tc[0], tc[1], err)
		}
	}
	return nil
}
