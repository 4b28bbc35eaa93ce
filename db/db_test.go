package db

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
)

func TestOpen_SetsPragmas(t *testing.T) {
	s, _ := openTest(t)
	tests := []struct {
		name   string
		handle *gorm.DB
		pragma string
		want   string
	}{
		{"writer journal", s.w, "journal_mode", "wal"},
		{"writer synchronous FULL", s.w, "synchronous", "2"},
		{"writer foreign keys", s.w, "foreign_keys", "1"},
		{"writer busy timeout", s.w, "busy_timeout", "10000"},
		{"writer writable", s.w, "query_only", "0"},
		{"reader journal", s.r, "journal_mode", "wal"},
		{"reader synchronous FULL", s.r, "synchronous", "2"},
		{"reader foreign keys", s.r, "foreign_keys", "1"},
		{"reader busy timeout", s.r, "busy_timeout", "10000"},
		{"reader query only", s.r, "query_only", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if err := tt.handle.Raw("PRAGMA " + tt.pragma).Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("PRAGMA %s = %q, want %q", tt.pragma, got, tt.want)
			}
		})
	}
}

func TestOpen_ReaderCannotWrite(t *testing.T) {
	s, _ := openTest(t)
	err := s.r.Exec("INSERT INTO login_attempts (throttle_key, at) VALUES ('k', '2025-01-01')").Error
	if err == nil {
		t.Fatal("insert through the reader succeeded")
	}
}

func TestPing(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		if err := s.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestBackup_CopyIsIntactAndHasRows(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "a@example.org", RoleLearner)
	if _, err := s.CreateAssessment(ctx, u.ID, result(70, "ready")); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatalf("Backup: %v", err)
	}

	b, err := Open(dest, newClock().Now)
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer b.Close()
	var check string
	if err := b.r.Raw("PRAGMA integrity_check").Scan(&check).Error; err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	got, err := b.UserByEmail(ctx, "a@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := b.CountAssessments(ctx, got.ID); n != 1 {
		t.Errorf("backup has %d assessments, want 1", n)
	}
}

func TestBackup_RefusesExistingDestination(t *testing.T) {
	s, _ := openTest(t)
	dest := filepath.Join(t.TempDir(), "exists.db")
	if err := os.WriteFile(dest, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := s.Backup(context.Background(), dest)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Backup over existing file: err = %v", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "keep me" {
		t.Error("existing file was changed")
	}
}

func TestStore_TimesReadBackInUTC(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		u := mustUser(t, s, "utc@example.org", RoleLearner)
		got, err := s.UserByID(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CreatedAt.Location() != time.UTC || !got.CreatedAt.Equal(u.CreatedAt) {
			t.Errorf("CreatedAt = %v (%v), want %v in UTC", got.CreatedAt, got.CreatedAt.Location(), u.CreatedAt)
		}
	})
}

func TestNotFoundIsSentinel(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		ctx := context.Background()
		tests := []struct {
			name string
			call func() error
		}{
			{"UserByID", func() error { _, err := s.UserByID(ctx, 999); return err }},
			{"UserByEmail", func() error { _, err := s.UserByEmail(ctx, "nobody@example.org"); return err }},
			{"DeleteUser", func() error { return s.DeleteUser(ctx, 999) }},
			{"UpdateUser role", func() error { return updateRole(s, 999, RoleAdmin) }},
			{"UpdateUser disabled", func() error { return updateDisabled(s, 999, true) }},
			{"SessionByID", func() error { _, err := s.SessionByID(ctx, "nope"); return err }},
			{"TouchSession", func() error { return s.TouchSession(ctx, "nope", time.Now(), time.Now()) }},
			{"Draft", func() error { _, err := s.Draft(ctx, DraftOwner{UserID: 999}); return err }},
			{"Assessment", func() error { _, err := s.Assessment(ctx, 1, 999); return err }},
			{"CreateAssessment unknown user", func() error { _, err := s.CreateAssessment(ctx, 999, result(1, "b")); return err }},
			{"VisitorResult", func() error { _, err := s.VisitorResult(ctx, "nope", 1); return err }},
			{"CreateVisitorResult unknown session", func() error { _, err := s.CreateVisitorResult(ctx, "nope", result(1, "b")); return err }},
			{"Unshare", func() error { return s.Unshare(ctx, 1, 2) }},
			{"ExportUser", func() error { _, err := s.ExportUser(ctx, 999); return err }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := tt.call(); !errors.Is(err, ErrNotFound) {
					t.Errorf("err = %v, want ErrNotFound", err)
				}
			})
		}
	})
}
