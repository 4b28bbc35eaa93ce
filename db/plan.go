package db

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// PlanItem is one step in a learner's plan. Title and Addresses were copied
// from the catalog (or the recommendation) when the step was added.
type PlanItem struct {
	ID        int64
	UserID    int64
	Step      string
	Title     string
	Addresses []string // the questions the step addresses
	Status    string
	Evidence  string
	DoneAt    time.Time // zero unless Status is done
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NewPlanItem is a step to add to a plan, with what to keep of it.
type NewPlanItem struct {
	Step      string
	Title     string
	Addresses []string
}

// PlanChange changes an item's status, its evidence note, or both; a nil
// field is left as it is.
type PlanChange struct {
	Status   *string
	Evidence *string
}

// planDone is the status that carries a done_at (the table's CHECK holds
// the two together).
const planDone = "done"

const planColumns = "id, user_id, step, title, addresses, status, evidence, done_at, created_at, updated_at"

type planRow struct {
	ID        int64
	UserID    int64
	Step      string
	Title     string
	Addresses string
	Status    string
	Evidence  string
	DoneAt    *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (r planRow) item() PlanItem {
	it := PlanItem{ID: r.ID, UserID: r.UserID, Step: r.Step, Title: r.Title, Addresses: []string{},
		Status: r.Status, Evidence: r.Evidence, CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt)}
	if r.DoneAt != nil {
		it.DoneAt = utc(*r.DoneAt)
	}
	// Written by AddPlanItem as a JSON list; anything else reads as none.
	_ = json.Unmarshal([]byte(r.Addresses), &it.Addresses)
	return it
}

// PlanItems returns the user's plan in the order the steps were added.
func (s *Store) PlanItems(ctx context.Context, userID int64) ([]PlanItem, error) {
	items, err := planItems(s.r.WithContext(ctx), userID)
	if err != nil {
		return nil, wrap("plan items", err)
	}
	return items, nil
}

func planItems(g *gorm.DB, userID int64) ([]PlanItem, error) {
	var rows []planRow
	if err := g.Raw("SELECT "+planColumns+" FROM plan_items WHERE user_id = ? ORDER BY created_at, id", userID).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]PlanItem, len(rows))
	for i, r := range rows {
		out[i] = r.item()
	}
	return out, nil
}

// AddPlanItem adds a step to the user's plan, planned. A step already in
// the plan is ErrConflict; an unknown user is ErrNotFound.
func (s *Store) AddPlanItem(ctx context.Context, userID int64, n NewPlanItem) (PlanItem, error) {
	addresses := n.Addresses
	if addresses == nil {
		addresses = []string{}
	}
	list, err := json.Marshal(addresses)
	if err != nil {
		return PlanItem{}, fmt.Errorf("db: add plan item: %w", err)
	}
	at := s.clock()
	var id int64
	err = s.write(ctx, func(tx *gorm.DB) error {
		return tx.Raw(`INSERT INTO plan_items (user_id, step, title, addresses, status, evidence, created_at, updated_at)
VALUES (?, ?, ?, ?, 'planned', '', ?, ?) RETURNING id`, userID, n.Step, n.Title, string(list), at, at).Scan(&id).Error
	})
	if err != nil {
		return PlanItem{}, wrap("add plan item", err)
	}
	return PlanItem{ID: id, UserID: userID, Step: n.Step, Title: n.Title, Addresses: addresses,
		Status: "planned", CreatedAt: at, UpdatedAt: at}, nil
}

// UpdatePlanItem changes one of the user's plan items and returns it. An
// item becoming done is done now; one already done keeps its time; one
// leaving done is no longer done. Another user's item is ErrNotFound.
func (s *Store) UpdatePlanItem(ctx context.Context, userID, id int64, ch PlanChange) (PlanItem, error) {
	var it PlanItem
	err := s.write(ctx, func(tx *gorm.DB) error {
		var rows []planRow
		if err := tx.Raw("SELECT "+planColumns+" FROM plan_items WHERE id = ? AND user_id = ?", id, userID).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return ErrNotFound
		}
		it = rows[0].item()
		now := s.clock()
		if ch.Status != nil {
			switch {
			case *ch.Status != planDone:
				it.DoneAt = time.Time{}
			case it.Status != planDone:
				it.DoneAt = now
			}
			it.Status = *ch.Status
		}
		if ch.Evidence != nil {
			it.Evidence = *ch.Evidence
		}
		it.UpdatedAt = now
		var doneAt *time.Time
		if !it.DoneAt.IsZero() {
			doneAt = &it.DoneAt
		}
		return tx.Exec("UPDATE plan_items SET status = ?, evidence = ?, done_at = ?, updated_at = ? WHERE id = ?",
			it.Status, it.Evidence, doneAt, it.UpdatedAt, id).Error
	})
	if err != nil {
		return PlanItem{}, wrap("update plan item", err)
	}
	return it, nil
}

// DeletePlanItem removes one of the user's plan items; another user's item
// is ErrNotFound.
func (s *Store) DeletePlanItem(ctx context.Context, userID, id int64) error {
	n, err := s.exec(ctx, "DELETE FROM plan_items WHERE id = ? AND user_id = ?", id, userID)
	return affectedOne("delete plan item", n, err)
}
