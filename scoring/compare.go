package scoring

// Comparison is what changed from one result (A, usually the earlier) to
// another (B). It compares the results as they were scored, so two
// attempts scored against different profile versions still compare: what
// only one of them has is kept apart rather than dropped or invented.
type Comparison struct {
	// Overall is B's overall minus A's, exact.
	Overall float64
	// BandMoved is true when B is in a different band.
	BandMoved bool
	// Dimensions are A's dimensions in A's order, then those only B has.
	Dimensions []DimensionChange
	// Requirements are those both results have, in A's order.
	Requirements []RequirementChange
	// StepsGone are A's steps that B no longer needs, in A's rank order;
	// StepsNew are B's steps A did not have, in B's rank order.
	StepsGone, StepsNew []StepResult
	// Items are the questions whose points differ, in A's order. A
	// question only one result has is not among them.
	Items []ItemChange
}

// DimensionChange is one dimension in A, B or both. Name and Weight are
// A's when A has it.
type DimensionChange struct {
	ID       string
	Name     string
	Weight   int
	A, B     float64 // the scores; 0 where that result lacks the dimension
	InA, InB bool
}

// Change is B's score minus A's; 0 unless both have the dimension.
func (d DimensionChange) Change() float64 {
	if !d.InA || !d.InB {
		return 0
	}
	return d.B - d.A
}

// RequirementChange is one requirement as A and B found it.
type RequirementChange struct {
	ID   string
	A, B bool // met
}

// ItemChange is one question whose points moved.
type ItemChange struct {
	Dimension string // A's dimension name
	A, B      Item
}

// Compare says what changed from result a to result b.
func Compare(a, b Result) Comparison {
	c := Comparison{Overall: b.Overall - a.Overall, BandMoved: a.Band != b.Band}

	bDims := make(map[string]DimensionResult, len(b.Dimensions))
	for _, d := range b.Dimensions {
		bDims[d.ID] = d
	}
	aDims := make(map[string]bool, len(a.Dimensions))
	for _, d := range a.Dimensions {
		aDims[d.ID] = true
		dc := DimensionChange{ID: d.ID, Name: d.Name, Weight: d.Weight, A: d.Score, InA: true}
		if bd, ok := bDims[d.ID]; ok {
			dc.B, dc.InB = bd.Score, true
		}
		c.Dimensions = append(c.Dimensions, dc)
	}
	for _, d := range b.Dimensions {
		if !aDims[d.ID] {
			c.Dimensions = append(c.Dimensions, DimensionChange{ID: d.ID, Name: d.Name, Weight: d.Weight, B: d.Score, InB: true})
		}
	}

	bMet := make(map[string]bool, len(b.Requirements))
	for _, r := range b.Requirements {
		bMet[r.ID] = r.Met
	}
	for _, r := range a.Requirements {
		if met, ok := bMet[r.ID]; ok {
			c.Requirements = append(c.Requirements, RequirementChange{ID: r.ID, A: r.Met, B: met})
		}
	}

	c.StepsGone, c.StepsNew = stepsNotIn(a.Steps, b.Steps), stepsNotIn(b.Steps, a.Steps)

	bItems := map[string]Item{}
	for _, d := range b.Dimensions {
		for _, it := range d.Items {
			bItems[it.Question] = it
		}
	}
	for _, d := range a.Dimensions {
		for _, ia := range d.Items {
			if ib, ok := bItems[ia.Question]; ok && ia.Points != ib.Points {
				c.Items = append(c.Items, ItemChange{Dimension: d.Name, A: ia, B: ib})
			}
		}
	}
	return c
}

// stepsNotIn returns the steps of from, in its order, that to lacks.
func stepsNotIn(from, to []StepResult) []StepResult {
	in := make(map[string]bool, len(to))
	for _, st := range to {
		in[st.ID] = true
	}
	var out []StepResult
	for _, st := range from {
		if !in[st.ID] {
			out = append(out, st)
		}
	}
	return out
}
