package plan

import (
	"time"

	"github.com/readiness/readiness/scoring"
)

// Taken is when an attempt was taken. Attempts of the same instant are
// ordered by id, as the store orders them.
type Taken struct {
	ID int64
	At time.Time
}

func (t Taken) after(u Taken) bool {
	return t.At.After(u.At) || t.At.Equal(u.At) && t.ID > u.ID
}

// Around finds the two attempts a step done at done falls between: the
// index of the latest attempt taken at or before it, and of the first
// taken after it; -1 where there is none. attempts may be in any order.
func Around(done time.Time, attempts []Taken) (before, after int) {
	before, after = -1, -1
	for i, a := range attempts {
		if a.At.After(done) {
			if after < 0 || attempts[after].after(a) {
				after = i
			}
		} else if before < 0 || a.after(attempts[before]) {
			before = i
		}
	}
	return before, after
}

// Between reports whether a step done at done falls between two attempts
// taken at from and to (in either order), by the rule Around uses: at or
// after the earlier one, before the later one.
func Between(done, from, to time.Time) bool {
	if to.Before(from) {
		from, to = to, from
	}
	return !done.Before(from) && done.Before(to)
}

// Movement is what moved from one result (A) to a later one (B) on the
// answers a step addresses.
type Movement struct {
	// Items are the addressed questions both results have, in A's order.
	Items []ItemMove
	// Dimensions are the dimensions of those items, in A's order, as both
	// results scored them: the whole dimension, not only these items.
	Dimensions []DimensionMove
	// Overall is B's overall minus A's, exact: every answer's part in it.
	Overall float64
	// Addressed is the part of Overall the addressed items made: the sum of
	// their Gain. Overall minus Addressed came from the other answers.
	Addressed float64
	// Missing are addressed questions one of the results does not have
	// (scored against another profile version), in the step's order.
	Missing []string
}

// Moved reports whether any addressed answer changed its points.
func (m Movement) Moved() bool {
	for _, it := range m.Items {
		if it.Moved() {
			return true
		}
	}
	return false
}

// ItemMove is one addressed question in both results.
type ItemMove struct {
	Question    string
	DimensionID string
	Dimension   string // A's dimension name
	A, B        scoring.Item
	// Gain is the overall points this answer's change made: what it cost
	// in A minus what it costs in B.
	Gain float64
}

// Moved reports whether the answer's points changed.
func (m ItemMove) Moved() bool { return m.A.Points != m.B.Points }

// DimensionMove is one dimension's score in A and in B.
type DimensionMove struct {
	ID     string
	Name   string // A's
	Weight int    // A's
	A, B   float64
}

// Change is B's score minus A's.
func (d DimensionMove) Change() float64 { return d.B - d.A }

// Moved says what moved from result a to result b on the questions a step
// addresses. It reads only the results as they were scored, so it agrees
// with the stored scores: Overall is b's overall minus a's, each dimension's
// scores are the stored ones, and each item's Gain is the difference of its
// stored losses (which, with the overall, add up to 100 in each result).
func Moved(addresses []string, a, b scoring.Result) Movement {
	m := Movement{Overall: b.Overall - a.Overall}
	wanted := make(map[string]bool, len(addresses))
	for _, q := range addresses {
		wanted[q] = true
	}
	bDims := make(map[string]scoring.DimensionResult, len(b.Dimensions))
	bItems := map[string]scoring.Item{}
	for _, d := range b.Dimensions {
		bDims[d.ID] = d
		for _, it := range d.Items {
			if wanted[it.Question] {
				bItems[it.Question] = it
			}
		}
	}
	found := make(map[string]bool, len(addresses))
	for _, d := range a.Dimensions {
		touched := false
		for _, ia := range d.Items {
			ib, ok := bItems[ia.Question]
			if !wanted[ia.Question] || !ok {
				continue
			}
			gain := ia.Lost - ib.Lost
			m.Items = append(m.Items, ItemMove{Question: ia.Question, DimensionID: d.ID, Dimension: d.Name, A: ia, B: ib, Gain: gain})
			m.Addressed += gain
			found[ia.Question] = true
			touched = true
		}
		if bd, ok := bDims[d.ID]; touched && ok {
			m.Dimensions = append(m.Dimensions, DimensionMove{ID: d.ID, Name: d.Name, Weight: d.Weight, A: d.Score, B: bd.Score})
		}
	}
	for _, q := range addresses {
		if !found[q] {
			m.Missing = append(m.Missing, q)
			found[q] = true // a step naming a question twice lists it once
		}
	}
	return m
}
