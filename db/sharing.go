package db

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Counselor is someone a learner shares results with. Since is when the link
// was made; ByAdmin says an admin made it (LinkedBy names them, "" once
// their account is gone) rather than the learner's share code.
type Counselor struct {
	ID       int64
	Name     string
	Email    string
	Since    time.Time
	ByAdmin  bool
	LinkedBy string
}

// ShareWith links the learner to the active counselor whose share code this
// is (case and surrounding space ignored). An unknown code, a disabled or
// non-counselor owner, or the learner's own code is ErrInvalidShareCode.
// Sharing again with the same counselor returns them without error.
func (s *Store) ShareWith(ctx context.Context, learnerID int64, shareCode string) (Counselor, error) {
	code := strings.ToUpper(strings.TrimSpace(shareCode))
	var c Counselor
	err := s.write(ctx, func(tx *gorm.DB) error {
		var found []struct {
			ID    int64
			Name  string
			Email string
		}
		err := tx.Raw("SELECT id, name, email FROM users WHERE share_code = ? AND role = ? AND disabled = ?",
			code, RoleCounselor, false).Scan(&found).Error
		if err != nil {
			return err
		}
		if code == "" || len(found) == 0 || found[0].ID == learnerID {
			return ErrInvalidShareCode
		}
		c = Counselor{ID: found[0].ID, Name: found[0].Name, Email: found[0].Email}
		if err := insertLink(tx, c.ID, learnerID, s.clock()); err != nil {
			return err
		}
		var since []time.Time
		if err := tx.Raw("SELECT created_at FROM counselor_links WHERE counselor_id = ? AND learner_id = ?", c.ID, learnerID).Scan(&since).Error; err != nil {
			return err
		}
		if len(since) == 1 {
			c.Since = utc(since[0])
		}
		return nil
	})
	if err != nil {
		return Counselor{}, wrap("share", err)
	}
	return c, nil
}

// insertLink makes the learner share with the counselor, keeping a link
// that exists as it is. A follow-up flag the counselor had set before the
// learner stopped sharing comes back with the link.
func insertLink(tx *gorm.DB, counselorID, learnerID int64, at time.Time) error {
	res := tx.Exec(`INSERT INTO counselor_links (counselor_id, learner_id, flagged, created_at) VALUES (?, ?, ?, ?)
ON CONFLICT (counselor_id, learner_id) DO NOTHING`, counselorID, learnerID, false, at)
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	return restoreKeptFlag(tx, counselorID, learnerID)
}

// keepFlag sets a link's follow-up flag aside before the link ends, so it
// comes back if the learner shares again (as the counselor's notes stay).
// The counselor sees nothing of it in between.
func keepFlag(tx *gorm.DB, counselorID, learnerID int64) error {
	return tx.Exec(`INSERT INTO kept_flags (counselor_id, learner_id)
SELECT counselor_id, learner_id FROM counselor_links WHERE counselor_id = ? AND learner_id = ? AND flagged = ?
ON CONFLICT (counselor_id, learner_id) DO NOTHING`, counselorID, learnerID, true).Error
}

// restoreKeptFlag puts a flag set aside by keepFlag back on a new link.
func restoreKeptFlag(tx *gorm.DB, counselorID, learnerID int64) error {
	err := tx.Exec(`UPDATE counselor_links SET flagged = ? WHERE counselor_id = ? AND learner_id = ?
   AND EXISTS (SELECT 1 FROM kept_flags k WHERE k.counselor_id = ? AND k.learner_id = ?)`,
		true, counselorID, learnerID, counselorID, learnerID).Error
	if err != nil {
		return err
	}
	return tx.Exec("DELETE FROM kept_flags WHERE counselor_id = ? AND learner_id = ?", counselorID, learnerID).Error
}

// Unshare removes the link; a link that does not exist is ErrNotFound. The
// counselor's follow-up flag is kept aside (they see nothing of it) and
// comes back if the learner shares with them again, as their notes do.
func (s *Store) Unshare(ctx context.Context, learnerID, counselorID int64) error {
	var n int64
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := keepFlag(tx, counselorID, learnerID); err != nil {
			return err
		}
		res := tx.Exec("DELETE FROM counselor_links WHERE counselor_id = ? AND learner_id = ?", counselorID, learnerID)
		n = res.RowsAffected
		return res.Error
	})
	return affectedOne("unshare", n, err)
}

// CounselorsOf lists the counselors the learner shares with, oldest link first.
func (s *Store) CounselorsOf(ctx context.Context, learnerID int64) ([]Counselor, error) {
	return counselorsOf(s.r.WithContext(ctx), learnerID)
}

func counselorsOf(g *gorm.DB, learnerID int64) ([]Counselor, error) {
	var rows []struct {
		ID       int64
		Name     string
		Email    string
		Since    time.Time
		ByAdmin  bool
		LinkedBy *string
	}
	err := g.Raw(`SELECT u.id, u.name, u.email, l.created_at AS since, l.by_admin, a.name AS linked_by
  FROM counselor_links l JOIN users u ON u.id = l.counselor_id
  LEFT JOIN users a ON a.id = l.linked_by
 WHERE l.learner_id = ?
 ORDER BY l.created_at, u.id`, learnerID).Scan(&rows).Error
	if err != nil {
		return nil, wrap("counselors of", err)
	}
	out := make([]Counselor, len(rows))
	for i, r := range rows {
		out[i] = Counselor{ID: r.ID, Name: r.Name, Email: r.Email, Since: utc(r.Since), ByAdmin: r.ByAdmin}
		if r.LinkedBy != nil {
			out[i].LinkedBy = *r.LinkedBy
		}
	}
	return out, nil
}

// IsLinked reports whether the learner shares with the counselor.
func (s *Store) IsLinked(ctx context.Context, counselorID, learnerID int64) (bool, error) {
	var n int64
	err := s.r.WithContext(ctx).Raw("SELECT COUNT(*) FROM counselor_links WHERE counselor_id = ? AND learner_id = ?",
		counselorID, learnerID).Scan(&n).Error
	if err != nil {
		return false, wrap("is linked", err)
	}
	return n > 0, nil
}

// SetFlagged marks or unmarks a learner on the counselor's caseload; not
// linked is ErrNotFound.
func (s *Store) SetFlagged(ctx context.Context, counselorID, learnerID int64, flagged bool) error {
	n, err := s.exec(ctx, "UPDATE counselor_links SET flagged = ? WHERE counselor_id = ? AND learner_id = ?",
		flagged, counselorID, learnerID)
	return affectedOne("set flagged", n, err)
}
