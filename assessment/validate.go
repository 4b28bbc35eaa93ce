package assessment

import (
	"fmt"
	"strings"
)

// stepKinds are the kinds of next step the catalog may use.
var stepKinds = map[string]bool{
	"degree": true, "graduate": true, "certification": true,
	"course": true, "experience": true, "continuing": true,
}

// validate checks the profile's internal consistency and builds its indexes.
// Each problem names its place in the file.
func (p *Profile) validate() []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if p.ID == "" {
		add("id: missing")
	}
	if p.Version == "" {
		add("version: missing")
	}

	p.dimensionIndex = make(map[string]int, len(p.Dimensions))
	sum := 0
	for i, d := range p.Dimensions {
		place := fmt.Sprintf("dimensions[%d] (%s)", i, d.ID)
		if d.ID == "" {
			add("dimensions[%d]: id missing", i)
		}
		if _, dup := p.dimensionIndex[d.ID]; dup {
			add("%s: duplicate dimension id", place)
		}
		p.dimensionIndex[d.ID] = i
		if d.Weight <= 0 {
			add("%s: weight %d must be above 0", place, d.Weight)
		}
		sum += d.Weight
	}
	if len(p.Dimensions) == 0 {
		add("dimensions: none defined")
	} else if sum != 100 {
		add("dimensions: weights sum to %d, not 100", sum)
	}

	checkOptions := func(place string, opts []Option, withPoints bool) {
		seen := map[string]bool{}
		for j, o := range opts {
			if o.Key == "" {
				add("%s.options[%d]: key missing", place, j)
			}
			if seen[o.Key] {
				add("%s.options[%d] (%s): duplicate option key", place, j, o.Key)
			}
			seen[o.Key] = true
			if withPoints && (o.Points < 0 || o.Points > MaxPoints) {
				add("%s.options[%d] (%s): points %d outside 0–%d", place, j, o.Key, o.Points, MaxPoints)
			}
		}
	}
	checkOptions("scales.rating", p.Scales.Rating, true)
	checkOptions("scales.years", p.Scales.Years, true)
	for i, o := range p.Scales.Rating {
		if o.Key != fmt.Sprint(o.Points) {
			add("scales.rating.options[%d] (%s): a rating level's key must be its points", i, o.Key)
		}
	}
	// Answers are validated as integers 0–4, so the scale must offer each level.
	if n := len(p.Scales.Rating); n > 0 && n != MaxPoints+1 {
		add("scales.rating: has %d levels, needs the %d levels 0–%d", n, MaxPoints+1, MaxPoints)
	}

	p.questionIndex = make(map[string]int, len(p.Questions))
	perDimension := map[string]int{}
	for i := range p.Questions {
		q := &p.Questions[i]
		place := fmt.Sprintf("questions[%d] (%s)", i, q.ID)
		if q.ID == "" {
			add("questions[%d]: id missing", i)
		}
		if _, dup := p.questionIndex[q.ID]; dup {
			add("%s: duplicate question id", place)
		}
		if _, ok := p.dimensionIndex[q.Dimension]; !ok {
			add("%s: unknown dimension %q", place, q.Dimension)
		}
		perDimension[q.Dimension]++
		if q.Target < 1 || q.Target > MaxPoints {
			add("%s: target %d outside 1–%d", place, q.Target, MaxPoints)
		}
		if q.Weight < 1 {
			add("%s: weight %d must be at least 1", place, q.Weight)
		}
		if q.Prompt == "" {
			add("%s: prompt missing", place)
		}
		switch q.Type {
		case TypeSingle:
			if len(q.Options) == 0 {
				add("%s: a single question needs options", place)
			}
			checkOptions(place, q.Options, true)
		case TypeMulti:
			if len(q.Options) == 0 {
				add("%s: a multi question needs options", place)
			}
			checkOptions(place, q.Options, false)
			if len(q.CountPoints) == 0 {
				add("%s: a multi question needs count_points", place)
			}
			for j, pts := range q.CountPoints {
				if pts < 0 || pts > MaxPoints {
					add("%s.count_points[%d]: %d outside 0–%d", place, j, pts, MaxPoints)
				}
				if j > 0 && pts < q.CountPoints[j-1] {
					add("%s.count_points[%d]: holding more must not score less", place, j)
				}
			}
		case TypeRating, TypeYears:
			if len(q.Options) > 0 {
				add("%s: a %s question uses its scale and takes no options", place, q.Type)
			}
		default:
			add("%s: unknown type %q", place, q.Type)
		}
		if top, ok := p.maxPoints(q); ok && q.Target > top && q.Target <= MaxPoints {
			add("%s: target %d is above the most an answer scores (%d)", place, q.Target, top)
		}
		if q.ShowIf != nil {
			j, ok := p.questionIndex[q.ShowIf.Question]
			if !ok {
				add("%s: show_if names %q, which is not a question before it", place, q.ShowIf.Question)
			} else {
				for _, key := range q.ShowIf.In {
					if _, ok := p.Option(&p.Questions[j], key); !ok {
						add("%s: show_if option %q is not an option of %s", place, key, q.ShowIf.Question)
					}
				}
			}
		}
		p.questionIndex[q.ID] = i
	}
	for _, d := range p.Dimensions {
		if perDimension[d.ID] == 0 {
			add("dimensions (%s): no questions", d.ID)
		}
	}
	if len(p.Scales.Rating) == 0 && perDimensionType(p, TypeRating) {
		add("scales.rating: missing but used")
	}
	if len(p.Scales.Years) == 0 && perDimensionType(p, TypeYears) {
		add("scales.years: missing but used")
	}

	bandIDs := map[string]bool{}
	for i, b := range p.Bands {
		if bandIDs[b.ID] {
			add("bands[%d] (%s): duplicate band id", i, b.ID)
		}
		bandIDs[b.ID] = true
		if i > 0 && b.Min >= p.Bands[i-1].Min {
			add("bands[%d] (%s): bands must be listed from the highest minimum down", i, b.ID)
		}
	}
	if len(p.Bands) == 0 {
		add("bands: none defined")
	} else if p.Bands[len(p.Bands)-1].Min != 0 {
		add("bands: the last band must start at 0")
	}

	reqIDs := map[string]bool{}
	for i, r := range p.Requirements {
		place := fmt.Sprintf("requirements[%d] (%s)", i, r.ID)
		if reqIDs[r.ID] {
			add("%s: duplicate requirement id", place)
		}
		reqIDs[r.ID] = true
		if _, ok := p.questionIndex[r.Question]; !ok {
			add("%s: unknown question %q", place, r.Question)
		}
		if r.MinPoints < 0 || r.MinPoints > MaxPoints {
			add("%s: min_points %d outside 0–%d", place, r.MinPoints, MaxPoints)
		}
		if r.CapsBand != "" && !bandIDs[r.CapsBand] {
			add("%s: caps_band names unknown band %q", place, r.CapsBand)
		}
	}

	stepIDs := map[string]bool{}
	for i, s := range p.Steps {
		place := fmt.Sprintf("steps[%d] (%s)", i, s.ID)
		if s.ID == "" {
			add("steps[%d]: id missing", i)
		}
		if stepIDs[s.ID] {
			add("%s: duplicate step id", place)
		}
		if strings.HasPrefix(s.ID, "rec-") {
			// A plan names a counselor's recommendation "rec-<id>" beside
			// catalog step ids (package plan); the two must never collide.
			add("%s: step ids starting \"rec-\" are kept for counselor recommendations", place)
		}
		stepIDs[s.ID] = true
		if !stepKinds[s.Kind] {
			add("%s: unknown kind %q", place, s.Kind)
		}
		if s.Fixes != "" && !reqIDs[s.Fixes] {
			add("%s: fixes unknown requirement %q", place, s.Fixes)
		}
		for _, id := range s.Addresses {
			if _, ok := p.questionIndex[id]; !ok {
				add("%s: addresses unknown question %q", place, id)
			}
		}
		if len(s.Applies) == 0 && len(s.Addresses) == 0 {
			add("%s: needs addresses or applies", place)
		}
		for j, c := range s.Applies {
			qi, ok := p.questionIndex[c.Question]
			if !ok {
				add("%s.applies[%d]: unknown question %q", place, j, c.Question)
				continue
			}
			for _, key := range c.In {
				if _, ok := p.Option(&p.Questions[qi], key); !ok {
					add("%s.applies[%d]: %q is not an option of %s", place, j, key, c.Question)
				}
			}
		}
	}
	return problems
}

func perDimensionType(p *Profile, typ string) bool {
	for _, q := range p.Questions {
		if q.Type == typ {
			return true
		}
	}
	return false
}

// maxPoints is the most any answer to q can score; ok is false when q has no
// options to score by.
func (p *Profile) maxPoints(q *Question) (top int, ok bool) {
	if q.Type == TypeMulti {
		for _, pts := range q.CountPoints {
			top, ok = max(top, pts), true
		}
		return top, ok
	}
	for _, o := range p.OptionsOf(q) {
		top, ok = max(top, o.Points), true
	}
	return top, ok
}
