package db

import (
	"context"
	"errors"
	"fmt"
	"os"

	"gorm.io/gorm"
)

// A SQLite file removed (or replaced) under a running server keeps taking
// writes: the process holds the old inode open, and everything is gone after
// a restart. So the store remembers the file it opened and, after every
// commit, checks that the path still names that file before it reports
// success. The check is one stat(2).

// fileID is what a SQLite file was when the store opened it.
type fileID struct {
	info os.FileInfo
}

func statFile(path string) (fileID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileID{}, err
	}
	return fileID{info: fi}, nil
}

// checkLive fails with ErrUnavailable when the SQLite file the store writes
// is no longer the one at its path. On PostgreSQL it always passes: the
// server owns its files.
func (s *Store) checkLive() error {
	if s.dialect != SQLite {
		return nil
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrUnavailable, s.path, err)
	}
	if !os.SameFile(fi, s.file.info) {
		return fmt.Errorf("%w: %s was replaced by another file since the server opened it", ErrUnavailable, s.path)
	}
	return nil
}

// CheckWritable reports whether a write can reach the database now and
// survive a restart: it commits a one-row heartbeat (so a full disk, a
// read-only file or a read-only server shows) and, on SQLite, checks that the
// file is still the one opened. Failure wraps ErrUnavailable.
func (s *Store) CheckWritable(ctx context.Context) error {
	if err := s.checkLive(); err != nil {
		return fmt.Errorf("db: check writable: %w", err)
	}
	at := s.clock()
	err := s.write(ctx, func(tx *gorm.DB) error {
		return tx.Exec(`INSERT INTO heartbeat (id, at) VALUES (1, ?)
ON CONFLICT (id) DO UPDATE SET at = excluded.at`, at).Error
	})
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrUnavailable) || isUnwritable(err) {
		return wrap("check writable", err)
	}
	// Whatever else stops a one-row write (a lost connection, a locked
	// file past the busy timeout) means writes cannot be made either.
	return fmt.Errorf("db: check writable: %w (%v)", ErrUnavailable, err)
}
