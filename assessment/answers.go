package assessment

import (
	"slices"
	"strconv"
)

// Value is one validated answer. Which field is used depends on Type.
type Value struct {
	Type    string   // the question's type
	Option  string   // single and years questions
	Options []string // multi questions
	Rating  int      // rating questions
}

// Keys returns the option keys the answer selects (a rating as its level key).
func (v Value) Keys() []string {
	switch v.Type {
	case TypeRating:
		return []string{strconv.Itoa(v.Rating)}
	case TypeMulti:
		return v.Options
	case "":
		return nil
	}
	return []string{v.Option}
}

// Selects reports whether the answer chooses the option key; a rating
// selects its level's key.
func (v Value) Selects(key string) bool {
	switch v.Type {
	case TypeRating:
		n, err := strconv.Atoi(key)
		return err == nil && n == v.Rating
	case TypeMulti:
		return slices.Contains(v.Options, key)
	case "":
		return false
	}
	return v.Option == key
}

// Answers are a complete or partial set of validated answers by question id.
type Answers map[string]Value

// Problem is one thing wrong with a set of answers, for a person to read.
// Problem is the English sentence; Code (stable) and its Key and Choices
// let another language say the same (see ProblemCodes).
type Problem struct {
	Question string `json:"question"`
	Problem  string `json:"problem"`
	Code     string `json:"-"`
	Key      string `json:"-"` // the option key concerned, quoted: "\"mba\""
	Choices  string `json:"-"` // the keys to choose from: "none, one, several"
}

// Problem codes.
const (
	CodeUnknownQuestion   = "unknown-question"   // is not a question of this assessment
	CodeUnknownProfile    = "unknown-profile"    // is not a known profile
	CodeRequired          = "required"           // is required: choose an option
	CodeRequiredLevel     = "required-level"     // is required: choose a level from 0 to 4
	CodeRequiredMulti     = "required-multi"     // is required: choose at least one option
	CodeRequiredExclusive = "required-exclusive" // …at least one option, or Key
	CodeRating            = "rating"             // must be an integer from 0 to 4
	CodeWantList          = "want-list"          // must be a list of option keys: Choices
	CodeWantOption        = "want-option"        // must be one option key: Choices
	CodeNotAnOption       = "not-an-option"      // Key is not an option; choose from: Choices
	CodeRepeated          = "repeated"           // Key is chosen more than once
	CodeExclusive         = "exclusive"          // Key cannot be combined with other options
)

// ProblemCodes lists every Code a Problem may have.
var ProblemCodes = []string{
	CodeUnknownQuestion, CodeUnknownProfile, CodeRequired, CodeRequiredLevel, CodeRequiredMulti,
	CodeRequiredExclusive, CodeRating, CodeWantList, CodeWantOption, CodeNotAnOption, CodeRepeated, CodeExclusive,
}

// Visible reports whether q is shown given the answers so far.
func (p *Profile) Visible(q *Question, a Answers) bool {
	if q.ShowIf == nil {
		return true
	}
	v, ok := a[q.ShowIf.Question]
	if !ok {
		return false
	}
	for _, key := range q.ShowIf.In {
		if v.Selects(key) {
			return true
		}
	}
	return false
}

// Points is what an answer to q is worth, 0–4.
func (p *Profile) Points(q *Question, v Value) int {
	switch q.Type {
	case TypeRating:
		return v.Rating
	case TypeMulti:
		held := 0
		for _, key := range v.Options {
			if o, ok := p.Option(q, key); ok && !o.Exclusive {
				held++
			}
		}
		if held >= len(q.CountPoints) {
			held = len(q.CountPoints) - 1
		}
		return q.CountPoints[held]
	}
	o, _ := p.Option(q, v.Option)
	return o.Points
}
