package db

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// postgresConns is the pool size of one instance. Each request holds a
// connection only for its statements, so a few dozen serve hundreds of
// concurrent requests; several instances share the server's max_connections
// (100 by default).
const postgresConns = 16

func openPostgres(url string) (*Store, error) {
	g, err := gorm.Open(postgres.Open(url), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("db: open PostgreSQL: %w", err)
	}
	if err := poolSize(g, postgresConns); err != nil {
		return nil, err
	}
	if err := g.Exec("SELECT 1").Error; err != nil {
		closeGorm(g)
		return nil, fmt.Errorf("db: open PostgreSQL: %w", err)
	}
	return &Store{dialect: Postgres, w: g, r: g}, nil
}

// isPgCode reports whether err is a PostgreSQL error with one of the SQLSTATEs.
func isPgCode(err error, codes ...string) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	for _, c := range codes {
		if pe.Code == c {
			return true
		}
	}
	return false
}

// isPgUnwritable: the server refuses writes (read-only transaction, a
// standby), is out of disk or resources, is shutting down, or cannot be
// reached at all.
func isPgUnwritable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && len(pe.Code) == 5 {
		// 25006 read-only transaction; class 53 insufficient resources (disk
		// full, out of memory, too many connections); class 08 connection
		// exceptions; 57P01-57P03 shutting down or not accepting connections.
		class := pe.Code[:2]
		return pe.Code == "25006" || class == "53" || class == "08" ||
			pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne)
}

// pgIdent quotes an identifier for PostgreSQL.
func pgIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
