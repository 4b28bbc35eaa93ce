package db

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Note is a counselor's private note about a learner. EditedAt is zero
// for a note never edited.
type Note struct {
	ID          int64
	CounselorID int64
	AuthorName  string
	LearnerID   int64
	Text        string
	CreatedAt   time.Time
	EditedAt    time.Time
}

type noteRow struct {
	ID          int64
	CounselorID int64
	AuthorName  string
	LearnerID   int64
	Text        string
	CreatedAt   time.Time
	EditedAt    *time.Time
}

func (r noteRow) note() Note {
	n := Note{ID: r.ID, CounselorID: r.CounselorID, AuthorName: r.AuthorName, LearnerID: r.LearnerID, Text: r.Text, CreatedAt: utc(r.CreatedAt)}
	if r.EditedAt != nil {
		n.EditedAt = utc(*r.EditedAt)
	}
	return n
}

// Notes are private to their author: every query names the counselor.
func queryNotes(g *gorm.DB, where string, args ...any) ([]Note, error) {
	var rows []noteRow
	err := g.Raw(`SELECT n.id, n.counselor_id, u.name AS author_name, n.learner_id, n.text, n.created_at, n.edited_at
  FROM notes n JOIN users u ON u.id = n.counselor_id
 WHERE `+where+` ORDER BY n.created_at DESC, n.id DESC`, args...).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]Note, len(rows))
	for i, r := range rows {
		out[i] = r.note()
	}
	return out, nil
}

// AddNote stores a note by the counselor about a learner on their caseload;
// a learner who does not share with them is ErrNotFound.
func (s *Store) AddNote(ctx context.Context, counselorID, learnerID int64, text string) (Note, error) {
	n := Note{CounselorID: counselorID, LearnerID: learnerID, Text: text, CreatedAt: s.clock()}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := requireLink(tx, counselorID, learnerID); err != nil {
			return err
		}
		if err := tx.Raw("SELECT name FROM users WHERE id = ?", counselorID).Scan(&n.AuthorName).Error; err != nil {
			return err
		}
		return tx.Raw("INSERT INTO notes (counselor_id, learner_id, text, created_at) VALUES (?, ?, ?, ?) RETURNING id",
			counselorID, learnerID, text, n.CreatedAt).Scan(&n.ID).Error
	})
	if err != nil {
		return Note{}, wrap("add note", err)
	}
	return n, nil
}

// Notes returns the counselor's own notes about a learner, newest first.
// Notes are private to their author: colleagues who advise the same learner
// do not see each other's notes, and the learner never sees any.
func (s *Store) Notes(ctx context.Context, counselorID, learnerID int64) ([]Note, error) {
	list, err := queryNotes(s.r.WithContext(ctx), "n.counselor_id = ? AND n.learner_id = ?", counselorID, learnerID)
	if err != nil {
		return nil, wrap("notes", err)
	}
	return list, nil
}

// Note is one of the counselor's own notes about the learner; anyone
// else's is ErrNotFound.
func (s *Store) Note(ctx context.Context, counselorID, learnerID, id int64) (Note, error) {
	return ownNote(s.r.WithContext(ctx), counselorID, learnerID, id)
}

func ownNote(g *gorm.DB, counselorID, learnerID, id int64) (Note, error) {
	list, err := queryNotes(g, "n.id = ? AND n.counselor_id = ? AND n.learner_id = ?", id, counselorID, learnerID)
	if err != nil {
		return Note{}, wrap("note", err)
	}
	if len(list) == 0 {
		return Note{}, fmt.Errorf("db: note: %w", ErrNotFound)
	}
	return list[0], nil
}

// EditNote replaces the text of one of the counselor's own notes about a
// learner who still shares with them; anything else is ErrNotFound.
func (s *Store) EditNote(ctx context.Context, counselorID, learnerID, id int64, text string) (Note, error) {
	var n Note
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := requireLink(tx, counselorID, learnerID); err != nil {
			return err
		}
		res := tx.Exec("UPDATE notes SET text = ?, edited_at = ? WHERE id = ? AND counselor_id = ? AND learner_id = ?",
			text, s.clock(), id, counselorID, learnerID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		var err error
		n, err = ownNote(tx, counselorID, learnerID, id)
		return err
	})
	if err != nil {
		return Note{}, wrap("edit note", err)
	}
	return n, nil
}

// DeleteNote removes one of the counselor's own notes about a learner who
// still shares with them; anything else is ErrNotFound.
func (s *Store) DeleteNote(ctx context.Context, counselorID, learnerID, id int64) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := requireLink(tx, counselorID, learnerID); err != nil {
			return err
		}
		res := tx.Exec("DELETE FROM notes WHERE id = ? AND counselor_id = ? AND learner_id = ?", id, counselorID, learnerID)
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
	return wrap("delete note", err)
}
