package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Draft is an assessment in progress. Answers is JSON.
type Draft struct {
	ProfileID string
	Answers   []byte
	Section   int
	UpdatedAt time.Time
}

// DraftOwner names whose draft it is: exactly one of UserID or SessionID is set.
type DraftOwner struct {
	UserID    int64
	SessionID string
}

var errBadOwner = errors.New("db: draft owner must have exactly one of UserID or SessionID")

// where returns the column and value identifying the owner's draft.
func (o DraftOwner) where() (string, any, error) {
	switch {
	case o.UserID != 0 && o.SessionID == "":
		return "user_id", o.UserID, nil
	case o.UserID == 0 && o.SessionID != "":
		return "session_id", o.SessionID, nil
	}
	return "", nil, errBadOwner
}

// draftSelect reads a draft; the owner's column and "= ?" follow.
const draftSelect = "SELECT profile_id, answers, section, updated_at FROM drafts WHERE "

type draftRow struct {
	ProfileID string
	Answers   []byte
	Section   int
	UpdatedAt time.Time
}

// SaveDraft creates or replaces the owner's draft. UpdatedAt is set from the
// store's clock. An unknown user or session is ErrNotFound.
func (s *Store) SaveDraft(ctx context.Context, owner DraftOwner, d Draft) error {
	col, _, err := owner.where()
	if err != nil {
		return err
	}
	var userID *int64
	var sessionID *string
	if owner.UserID != 0 {
		userID = &owner.UserID
	} else {
		sessionID = &owner.SessionID
	}
	// col comes from where(), never from the caller.
	query := `INSERT INTO drafts (user_id, session_id, profile_id, answers, section, updated_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (` + col + `) DO UPDATE SET profile_id = excluded.profile_id, answers = excluded.answers,
    section = excluded.section, updated_at = excluded.updated_at`
	// Every section sent saves the draft: prepared once (prepared.go).
	err = s.writePrepared(ctx, func(run writeRunner) error {
		_, err := run.exec(query, userID, sessionID, d.ProfileID, string(d.Answers), d.Section, s.clock())
		return err
	})
	return wrap("save draft", err)
}

// Draft returns the owner's draft.
func (s *Store) Draft(ctx context.Context, owner DraftOwner) (Draft, error) {
	col, val, err := owner.where()
	if err != nil {
		return Draft{}, err
	}
	// Every section page and every section sent reads the draft: a
	// prepared statement, scanned by hand (readStmt).
	st, err := s.readStmt(draftSelect + col + " = ?")
	if err != nil {
		return Draft{}, wrap("draft", err)
	}
	var d Draft
	err = st.QueryRowContext(ctx, val).Scan(&d.ProfileID, &d.Answers, &d.Section, &d.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Draft{}, fmt.Errorf("db: draft: %w", ErrNotFound)
	}
	if err != nil {
		return Draft{}, wrap("draft", err)
	}
	d.UpdatedAt = utc(d.UpdatedAt)
	return d, nil
}

func draft(g *gorm.DB, owner DraftOwner) (Draft, error) {
	col, val, err := owner.where()
	if err != nil {
		return Draft{}, err
	}
	var rows []draftRow
	err = g.Raw(draftSelect+col+" = ?", val).Scan(&rows).Error
	if err != nil {
		return Draft{}, wrap("draft", err)
	}
	if len(rows) == 0 {
		return Draft{}, fmt.Errorf("db: draft: %w", ErrNotFound)
	}
	r := rows[0]
	return Draft{ProfileID: r.ProfileID, Answers: r.Answers, Section: r.Section, UpdatedAt: utc(r.UpdatedAt)}, nil
}

// DeleteDraft removes the owner's draft; having none is not an error.
func (s *Store) DeleteDraft(ctx context.Context, owner DraftOwner) error {
	col, val, err := owner.where()
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, "DELETE FROM drafts WHERE "+col+" = ?", val)
	return wrap("delete draft", err)
}

// DraftMerge is what MoveSessionDraftToUser did with the two drafts.
type DraftMerge int

const (
	// DraftNoneToMove: the visitor had no draft; the account's is as it was.
	DraftNoneToMove DraftMerge = iota
	// DraftMoved: the visitor's draft is now the account's (the account had
	// none, or one with no more answers).
	DraftMoved
	// DraftKeptAccount: the account's draft had more answers, so it stays
	// and the visitor's is dropped.
	DraftKeptAccount
)

// MoveSessionDraftToUser hands a visitor's draft to the account they just
// logged in to or created. When the account already has a draft, the
// fuller one (more answers) is kept, whoever made it; on a tie the
// visitor's, the one they were working on a moment ago. The caller tells
// the person which was kept.
func (s *Store) MoveSessionDraftToUser(ctx context.Context, sessionID string, userID int64) (DraftMerge, error) {
	outcome := DraftNoneToMove
	err := s.write(ctx, func(tx *gorm.DB) error {
		outcome = DraftNoneToMove
		visitor, err := draft(tx, DraftOwner{SessionID: sessionID})
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		account, err := draft(tx, DraftOwner{UserID: userID})
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return err
		case answerCount(account.Answers) > answerCount(visitor.Answers):
			outcome = DraftKeptAccount
			return tx.Exec("DELETE FROM drafts WHERE session_id = ?", sessionID).Error
		}
		if err := tx.Exec("DELETE FROM drafts WHERE user_id = ?", userID).Error; err != nil {
			return err
		}
		outcome = DraftMoved
		return tx.Exec("UPDATE drafts SET user_id = ?, session_id = NULL WHERE session_id = ?", userID, sessionID).Error
	})
	if err != nil {
		return DraftNoneToMove, wrap("move draft", err)
	}
	return outcome, nil
}

// answerCount is how many answers a draft's JSON object holds; one that
// does not read counts as empty.
func answerCount(answers []byte) int {
	var m map[string]json.RawMessage
	if json.Unmarshal(answers, &m) != nil {
		return 0
	}
	return len(m)
}
