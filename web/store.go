package web

import (
	"context"
	"time"

	"github.com/readiness/readiness/db"
)

// The handlers each use a small part of the store; db.Store implements all.

type userStore interface {
	CreateUser(ctx context.Context, u db.NewUser) (db.User, error)
	UserByID(ctx context.Context, id int64) (db.User, error)
	UserByEmail(ctx context.Context, email string) (db.User, error)
	DeleteUser(ctx context.Context, id int64) error
}

type sessionStore interface {
	CreateSession(ctx context.Context, s db.Session) error
	SessionByID(ctx context.Context, id string) (db.Session, error)
	TouchSession(ctx context.Context, id string, lastSeen, expires time.Time) error
	DeleteSession(ctx context.Context, id string) error
}

type throttleStore interface {
	RecordLoginFailure(ctx context.Context, keys ...string) error
	CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error)
	OldestLoginFailure(ctx context.Context, key string, since time.Time) (time.Time, error)
	ClearLoginFailures(ctx context.Context, key string) error
}

type draftStore interface {
	SaveDraft(ctx context.Context, owner db.DraftOwner, d db.Draft) error
	Draft(ctx context.Context, owner db.DraftOwner) (db.Draft, error)
	DeleteDraft(ctx context.Context, owner db.DraftOwner) error
	MoveSessionDraftToUser(ctx context.Context, sessionID string, userID int64) error
}

type resultStore interface {
	CreateAssessment(ctx context.Context, userID int64, r db.NewResult) (db.Assessment, error)
	AssessmentsByUser(ctx context.Context, userID int64, limit, offset int) ([]db.Assessment, error)
	Assessment(ctx context.Context, userID, id int64) (db.Assessment, error)
	CreateVisitorResult(ctx context.Context, sessionID string, r db.NewResult) (db.Assessment, error)
	VisitorResult(ctx context.Context, sessionID string, id int64) (db.Assessment, error)
	ClaimVisitorResults(ctx context.Context, sessionID string, userID int64) ([]db.Assessment, error)
}

type shareStore interface {
	ShareWith(ctx context.Context, learnerID int64, shareCode string) (db.Counselor, error)
	Unshare(ctx context.Context, learnerID, counselorID int64) error
	CounselorsOf(ctx context.Context, learnerID int64) ([]db.Counselor, error)
	ExportUser(ctx context.Context, userID int64) (db.Export, error)
}

// caseloadStore is what the counselor workspace reads and writes. Every
// method takes the counselor's id and sees only learners who share with them.
type caseloadStore interface {
	Caseload(ctx context.Context, counselorID int64, q db.CaseloadQuery) ([]db.CaseloadEntry, error)
	CountCaseload(ctx context.Context, counselorID int64, q db.CaseloadQuery) (int, error)
	EachCaseload(ctx context.Context, counselorID int64, q db.CaseloadQuery, fn func(db.CaseloadEntry) error) error
	CaseloadLearner(ctx context.Context, counselorID, learnerID int64, now time.Time) (db.CaseloadEntry, error)
	SetFlagged(ctx context.Context, counselorID, learnerID int64, flagged bool) error
	AddNote(ctx context.Context, counselorID, learnerID int64, text string) (db.Note, error)
	Notes(ctx context.Context, counselorID, learnerID int64) ([]db.Note, error)
	Cohort(ctx context.Context, counselorID int64) (db.Cohort, error)
}

// adminStore is what the admin pages use, besides Unshare for unlinking.
type adminStore interface {
	Users(ctx context.Context, q db.UserQuery) ([]db.User, error)
	CountUsers(ctx context.Context, q db.UserQuery) (int, error)
	LinksOf(ctx context.Context, learnerIDs []int64) ([]db.Link, error)
	Link(ctx context.Context, learnerID, counselorID int64) error
	UpdateRole(ctx context.Context, id int64, role string) error
	UpdateDisabled(ctx context.Context, id int64, disabled bool) error
}

// Store is everything the web package needs from storage.
type Store interface {
	userStore
	sessionStore
	throttleStore
	draftStore
	resultStore
	shareStore
	caseloadStore
	adminStore
	progressStore
	Ping(ctx context.Context) error
}
