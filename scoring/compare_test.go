package scoring_test

import (
	"math"
	"slices"
	"testing"

	"github.com/readiness/readiness/scoring"
)

func TestCompare_AResultWithItselfChangesNothing(t *testing.T) {
	p := builtin(t)
	r := scoring.Score(p, sampleAnswers(t, p))
	c := scoring.Compare(r, r)
	if c.Overall != 0 || c.BandMoved || len(c.StepsGone) != 0 || len(c.StepsNew) != 0 || len(c.Items) != 0 {
		t.Fatalf("compared with itself: %+v", c)
	}
	if len(c.Dimensions) != len(r.Dimensions) {
		t.Fatalf("%d dimensions, want %d", len(c.Dimensions), len(r.Dimensions))
	}
	for i, d := range c.Dimensions {
		if d.ID != r.Dimensions[i].ID || !d.InA || !d.InB || d.Change() != 0 {
			t.Errorf("dimension %d: %+v", i, d)
		}
	}
	if len(c.Requirements) != len(r.Requirements) {
		t.Fatalf("requirements %+v", c.Requirements)
	}
	for _, rc := range c.Requirements {
		if rc.A != rc.B {
			t.Errorf("requirement %s moved: %+v", rc.ID, rc)
		}
	}
}

func TestCompare_RaisedAnswers(t *testing.T) {
	p := builtin(t)
	before := scoring.Score(p, parse(t, p, with(-1, map[string]string{
		"edu.degree": `"highschool"`, "sec.practices": `1`, "sec.threats": `1`,
	})))
	after := scoring.Score(p, parse(t, p, atTarget()))
	c := scoring.Compare(before, after)

	if c.Overall != after.Overall-before.Overall || c.Overall <= 0 {
		t.Errorf("overall change %v, want %v (positive)", c.Overall, after.Overall-before.Overall)
	}
	if c.BandMoved != (before.Band != after.Band) {
		t.Errorf("band moved %v: %s to %s", c.BandMoved, before.Band, after.Band)
	}
	for _, d := range c.Dimensions {
		moved := d.ID == "education" || d.ID == "security"
		if (d.Change() > 0) != moved || d.Change() < 0 {
			t.Errorf("dimension %s changed by %v", d.ID, d.Change())
		}
	}
	if !slices.Equal(c.Requirements, []scoring.RequirementChange{{ID: "bachelor-degree", A: false, B: true}}) {
		t.Errorf("requirements %+v", c.Requirements)
	}
	gone := stepIDs(c.StepsGone)
	if !slices.Contains(gone, "bachelor-degree") || !slices.Contains(gone, "security-training") {
		t.Errorf("steps gone %v, want bachelor-degree and security-training among them", gone)
	}
	if got := stepIDs(c.StepsNew); !slices.Equal(got, []string{"graduate-advantage"}) {
		t.Errorf("new steps %v, want graduate-advantage (a bachelor's now held)", got)
	}
	// edu.field was hidden (and so worth 0) under a high-school degree.
	var items []string
	for _, it := range c.Items {
		items = append(items, it.A.Question)
		if it.A.Question != it.B.Question || it.A.Points == it.B.Points {
			t.Errorf("item %+v", it)
		}
	}
	if want := []string{"edu.degree", "edu.field", "sec.practices", "sec.threats"}; !slices.Equal(items, want) {
		t.Errorf("changed items %v, want %v", items, want)
	}
	if c.Items[0].Dimension != "Education and credentials" {
		t.Errorf("item dimension %q", c.Items[0].Dimension)
	}
}

// Results scored against different profile versions keep what only one
// of them has apart.
func TestCompare_WhatOnlyOneResultHas(t *testing.T) {
	a := scoring.Result{Overall: 40, Band: "developing",
		Requirements: []scoring.RequirementResult{{ID: "old-rule", Met: true}, {ID: "both", Met: false}},
		Dimensions: []scoring.DimensionResult{
			{ID: "x", Name: "X", Weight: 50, Score: 30, Items: []scoring.Item{{Question: "x.1", Points: 1}, {Question: "x.only-a", Points: 1}}},
			{ID: "y", Name: "Y", Weight: 50, Score: 50, Items: []scoring.Item{{Question: "y.1", Points: 2}}},
		},
		Steps: []scoring.StepResult{{ID: "s1"}, {ID: "s2"}},
	}
	b := scoring.Result{Overall: 42.5, Band: "developing",
		Requirements: []scoring.RequirementResult{{ID: "both", Met: true}, {ID: "new-rule", Met: false}},
		Dimensions: []scoring.DimensionResult{
			{ID: "z", Name: "Z", Weight: 40, Score: 10, Items: []scoring.Item{{Question: "x.1", Points: 3}}},
			{ID: "y", Name: "Why", Weight: 60, Score: 55, Items: []scoring.Item{{Question: "y.1", Points: 2}}},
		},
		Steps: []scoring.StepResult{{ID: "s3"}, {ID: "s1"}},
	}
	c := scoring.Compare(a, b)
	if math.Abs(c.Overall-2.5) > 1e-12 || c.BandMoved {
		t.Errorf("overall %v, band moved %v", c.Overall, c.BandMoved)
	}
	want := []scoring.DimensionChange{
		{ID: "x", Name: "X", Weight: 50, A: 30, InA: true},
		{ID: "y", Name: "Y", Weight: 50, A: 50, B: 55, InA: true, InB: true},
		{ID: "z", Name: "Z", Weight: 40, B: 10, InB: true},
	}
	if !slices.Equal(c.Dimensions, want) {
		t.Errorf("dimensions\n got %+v\nwant %+v", c.Dimensions, want)
	}
	if c.Dimensions[0].Change() != 0 || c.Dimensions[1].Change() != 5 || c.Dimensions[2].Change() != 0 {
		t.Errorf("changes %v %v %v, want 0 5 0", c.Dimensions[0].Change(), c.Dimensions[1].Change(), c.Dimensions[2].Change())
	}
	if !slices.Equal(c.Requirements, []scoring.RequirementChange{{ID: "both", A: false, B: true}}) {
		t.Errorf("requirements %+v, want only the one both have", c.Requirements)
	}
	if !slices.Equal(stepIDs(c.StepsGone), []string{"s2"}) || !slices.Equal(stepIDs(c.StepsNew), []string{"s3"}) {
		t.Errorf("steps gone %v, new %v", stepIDs(c.StepsGone), stepIDs(c.StepsNew))
	}
	// x.1 moved to another dimension in B and still compares; x.only-a and
	// the unchanged y.1 do not appear.
	if len(c.Items) != 1 || c.Items[0].A.Question != "x.1" || c.Items[0].B.Points != 3 || c.Items[0].Dimension != "X" {
		t.Errorf("items %+v", c.Items)
	}
}
