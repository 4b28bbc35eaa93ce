package db

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Export is everything a user may download about themselves. Counselor notes
// are deliberately absent: they belong to the counselor. What counselors
// gave the learner (recommendations, feedback, verified levels) is theirs
// to keep, so it is here.
type Export struct {
	User            ExportProfile          `json:"user"`
	Assessments     []ExportAssessment     `json:"assessments"`
	Draft           *ExportDraft           `json:"draft,omitempty"`
	Counselors      []ExportCounselor      `json:"counselors"`
	Plan            []ExportPlanItem       `json:"plan"`
	Recommendations []ExportRecommendation `json:"recommendations"`
	Feedback        []ExportFeedback       `json:"feedback"`
	Verified        []ExportVerified       `json:"verified"`
	Access          []ExportAccess         `json:"access"`
}

// ExportAccess is one entry of the user's record of access: who opened
// their results, when and how.
type ExportAccess struct {
	At      time.Time `json:"at"`
	Action  string    `json:"action"`
	ByName  string    `json:"by_name"`
	ByEmail string    `json:"by_email"`
}

// ExportProfile is the user's own account data, without the password hash.
type ExportProfile struct {
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	ShareCode string    `json:"share_code,omitempty"`
	Group     string    `json:"group,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportAssessment is one stored result with its JSON embedded as-is.
type ExportAssessment struct {
	ID             int64           `json:"id"`
	ProfileID      string          `json:"profile_id"`
	ProfileVersion string          `json:"profile_version"`
	Answers        json.RawMessage `json:"answers"`
	Result         json.RawMessage `json:"result"`
	Overall        float64         `json:"overall"`
	Band           string          `json:"band"`
	BachelorMet    bool            `json:"bachelor_met"`
	TopStep        string          `json:"top_step"`
	CreatedAt      time.Time       `json:"created_at"`
}

// ExportDraft is the user's assessment in progress.
type ExportDraft struct {
	ProfileID string          `json:"profile_id"`
	Answers   json.RawMessage `json:"answers"`
	Section   int             `json:"section"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// ExportPlanItem is one step of the user's plan.
type ExportPlanItem struct {
	Step      string     `json:"step"`
	Title     string     `json:"title"`
	Addresses []string   `json:"addresses"`
	Status    string     `json:"status"`
	Evidence  string     `json:"evidence"`
	DoneAt    *time.Time `json:"done_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// ExportCounselor is a counselor the user shares results with.
type ExportCounselor struct {
	Name  string    `json:"name"`
	Email string    `json:"email"`
	Since time.Time `json:"since"`
}

// ExportRecommendation is a step a counselor recommended to the user.
type ExportRecommendation struct {
	Step      *string   `json:"step"`
	Title     string    `json:"title"`
	Text      string    `json:"text"`
	URL       string    `json:"url,omitempty"`
	Counselor string    `json:"counselor"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportFeedback is a counselor's feedback on one of the user's results.
type ExportFeedback struct {
	AssessmentID int64      `json:"assessment_id"`
	Counselor    string     `json:"counselor"`
	Text         string     `json:"text"`
	CreatedAt    time.Time  `json:"created_at"`
	EditedAt     *time.Time `json:"edited_at,omitempty"`
}

// ExportVerified is the verified levels a counselor recorded for one of the
// user's results, beside (never in place of) the result itself.
type ExportVerified struct {
	AssessmentID int64           `json:"assessment_id"`
	Counselor    string          `json:"counselor"`
	Answers      json.RawMessage `json:"answers"`
	Result       json.RawMessage `json:"result"`
	Overall      float64         `json:"overall"`
	Band         string          `json:"band"`
	VerifiedAt   time.Time       `json:"verified_at"`
}

// ExportUser gathers the user's data for download, read in one transaction
// so the parts agree with each other.
func (s *Store) ExportUser(ctx context.Context, userID int64) (Export, error) {
	var ex Export
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		ex, err = exportUser(tx, userID)
		return err
	})
	if err != nil {
		return Export{}, wrap("export user", err)
	}
	return ex, nil
}

func exportUser(tx *gorm.DB, userID int64) (Export, error) {
	u, err := userWhere(tx, "user by id", "id = ?", userID)
	if err != nil {
		return Export{}, err
	}
	ex := Export{
		User:            ExportProfile{Email: u.Email, Name: u.Name, Role: u.Role, ShareCode: u.ShareCode, Group: u.Group, CreatedAt: u.CreatedAt},
		Assessments:     []ExportAssessment{},
		Counselors:      []ExportCounselor{},
		Plan:            []ExportPlanItem{},
		Recommendations: []ExportRecommendation{},
		Feedback:        []ExportFeedback{},
		Verified:        []ExportVerified{},
		Access:          []ExportAccess{},
	}
	as, err := assessmentsByUser(tx, userID, 0, 0)
	if err != nil {
		return Export{}, err
	}
	for _, a := range as {
		ex.Assessments = append(ex.Assessments, ExportAssessment{
			ID: a.ID, ProfileID: a.ProfileID, ProfileVersion: a.ProfileVersion,
			Answers: rawJSON(a.Answers), Result: rawJSON(a.Result), Overall: a.Overall, Band: a.Band,
			BachelorMet: a.BachelorMet, TopStep: a.TopStep, CreatedAt: a.CreatedAt,
		})
	}
	d, err := draft(tx, DraftOwner{UserID: userID})
	switch {
	case err == nil:
		ex.Draft = &ExportDraft{ProfileID: d.ProfileID, Answers: rawJSON(d.Answers), Section: d.Section, UpdatedAt: d.UpdatedAt}
	case !errors.Is(err, ErrNotFound):
		return Export{}, err
	}
	cs, err := counselorsOf(tx, userID)
	if err != nil {
		return Export{}, err
	}
	for _, c := range cs {
		ex.Counselors = append(ex.Counselors, ExportCounselor{Name: c.Name, Email: c.Email, Since: c.Since})
	}
	items, err := planItems(tx, userID)
	if err != nil {
		return Export{}, err
	}
	for _, it := range items {
		e := ExportPlanItem{Step: it.Step, Title: it.Title, Addresses: it.Addresses, Status: it.Status, Evidence: it.Evidence, CreatedAt: it.CreatedAt}
		if !it.DoneAt.IsZero() {
			e.DoneAt = &it.DoneAt
		}
		ex.Plan = append(ex.Plan, e)
	}
	var recs []recommendationRow
	// Every one, not only the newest MaxRecommendations: the export is all of it.
	if err := tx.Raw(recommendationSelect+"r.learner_id = ? ORDER BY r.created_at, r.id", userID).Scan(&recs).Error; err != nil {
		return Export{}, err
	}
	for _, row := range recs {
		r := row.recommendation()
		ex.Recommendations = append(ex.Recommendations, ExportRecommendation{Step: nullIfEmpty(r.Step), Title: r.Title,
			Text: r.Text, URL: r.URL, Counselor: r.CounselorName, CreatedAt: r.CreatedAt})
	}
	var fb []feedbackRow
	if err := tx.Raw(feedbackSelect+"f.learner_id = ? ORDER BY f.created_at, f.id", userID).Scan(&fb).Error; err != nil {
		return Export{}, err
	}
	for _, row := range fb {
		f := row.feedback()
		e := ExportFeedback{AssessmentID: f.AssessmentID, Counselor: f.CounselorName, Text: f.Text, CreatedAt: f.CreatedAt}
		if !f.EditedAt.IsZero() {
			e.EditedAt = &f.EditedAt
		}
		ex.Feedback = append(ex.Feedback, e)
	}
	access, err := accessLog(tx, userID, 0, 0)
	if err != nil {
		return Export{}, err
	}
	for i := len(access) - 1; i >= 0; i-- { // oldest first
		e := access[i]
		ex.Access = append(ex.Access, ExportAccess{At: e.At, Action: e.Action, ByName: e.ActorName, ByEmail: e.ActorEmail})
	}
	vs, err := queryVerifications(tx, "v.learner_id = ? ORDER BY v.assessment_id", userID)
	if err != nil {
		return Export{}, err
	}
	for _, v := range vs {
		ex.Verified = append(ex.Verified, ExportVerified{AssessmentID: v.AssessmentID, Counselor: v.CounselorName,
			Answers: rawJSON(v.Answers), Result: rawJSON(v.Result), Overall: v.Overall, Band: v.Band, VerifiedAt: v.VerifiedAt})
	}
	return ex, nil
}

// rawJSON keeps stored JSON as-is, using null for empty or invalid text so
// that marshalling the export cannot fail.
func rawJSON(b []byte) json.RawMessage {
	if len(b) == 0 || !json.Valid(b) {
		return json.RawMessage("null")
	}
	return json.RawMessage(b)
}
