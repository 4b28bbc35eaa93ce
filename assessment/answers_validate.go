package assessment

import (
	"fmt"
	"slices"
	"strings"
)

// sent is one question's answer as it was sent, checked against the
// question's type but not yet against the other answers.
type sent struct {
	state   sentState
	choice  int32    // the rating, or the option's index of a single or years answer
	keys    []string // the option keys of a multi answer
	problem string   // when state is sentWrong
}

type sentState uint8

const (
	sentNothing sentState = iota // no answer, or null
	sentValue                    // a well-formed answer
	sentWrong                    // an answer of the wrong type or with a wrong key
)

func wrong(problem string) sent { return sent{state: sentWrong, problem: problem} }

// answerSet is a set of answers as sent, in the slots of one profile's
// questions (by question index), with the ids sent that are no question.
type answerSet struct {
	profile *Profile
	slots   []sent
	unknown []string
}

func (p *Profile) newAnswerSet() *answerSet {
	return &answerSet{profile: p, slots: make([]sent, len(p.Questions))}
}

// validate checks the answers sent against each other: it returns every
// valid answer to a shown question, and every problem, in profile order
// with the unknown ids last. Answers to hidden questions are ignored.
func (s *answerSet) validate() (Answers, []Problem) {
	p := s.profile
	answers := make(Answers, len(p.Questions))
	var problems []Problem
	for i := range p.Questions {
		q := &p.Questions[i]
		if !p.Visible(q, answers) {
			continue
		}
		switch a := &s.slots[i]; a.state {
		case sentValue:
			answers[q.ID] = p.valueOf(q, a)
		case sentWrong:
			problems = append(problems, Problem{q.ID, a.problem})
		default:
			if q.ShowIf != nil {
				if _, hasParent := answers[q.ShowIf.Question]; !hasParent {
					continue // the question it depends on is itself missing or wrong
				}
			}
			problems = append(problems, Problem{q.ID, p.missingMessage(q)})
		}
	}
	slices.Sort(s.unknown)
	for _, id := range slices.Compact(s.unknown) {
		problems = append(problems, Problem{id, "is not a question of this assessment"})
	}
	return answers, problems
}

// valueOf is the answer a well-formed slot holds. A single or years answer
// keeps its option's own key string.
func (p *Profile) valueOf(q *Question, a *sent) Value {
	switch q.Type {
	case TypeRating:
		return Value{Type: TypeRating, Rating: int(a.choice)}
	case TypeMulti:
		return Value{Type: TypeMulti, Options: a.keys}
	}
	return Value{Type: q.Type, Option: p.OptionsOf(q)[a.choice].Key}
}

func (p *Profile) missingMessage(q *Question) string {
	switch q.Type {
	case TypeMulti:
		for _, o := range q.Options {
			if o.Exclusive {
				return fmt.Sprintf("is required: choose at least one option, or %q", o.Key)
			}
		}
		return "is required: choose at least one option"
	case TypeRating:
		return "is required: choose a level from 0 to 4"
	}
	return "is required: choose an option"
}

const ratingMessage = "must be an integer from 0 to 4"

// typeMessage is the problem of an answer of the wrong JSON type for q.
func (p *Profile) typeMessage(q *Question) string {
	switch q.Type {
	case TypeRating:
		return ratingMessage
	case TypeMulti:
		return "must be a list of option keys: " + p.keyList(q)
	}
	return "must be one option key: " + p.keyList(q)
}

// checkRating checks the text of a JSON number as a rating: an integer
// from 0 to 4 (JSON allows -0, which is 0).
func checkRating(number []byte) sent {
	if string(number) == "-0" {
		number = number[1:]
	}
	if len(number) != 1 || number[0] < '0' || number[0] > '0'+MaxPoints {
		return wrong(ratingMessage)
	}
	return sent{state: sentValue, choice: int32(number[0] - '0')}
}

// checkOption checks the key of a single or years answer.
func (p *Profile) checkOption(q *Question, key []byte) sent {
	opts := p.OptionsOf(q)
	if i := optionIndex(opts, key); i >= 0 {
		return sent{state: sentValue, choice: int32(i)}
	}
	return wrong(p.notAnOption(q, key))
}

func (p *Profile) notAnOption(q *Question, key []byte) string {
	return fmt.Sprintf("%q is not an option; choose from: %s", key, p.keyList(q))
}

// keyChecker checks the keys of a multi answer one at a time, in the order
// sent, remembering the first problem.
type keyChecker struct {
	profile   *Profile
	question  *Question
	opts      []Option
	keys      []string
	exclusive string
	problem   string
}

func (p *Profile) newKeyChecker(q *Question) keyChecker {
	return keyChecker{profile: p, question: q, opts: p.OptionsOf(q)}
}

func (c *keyChecker) add(key []byte) {
	if c.problem != "" {
		return
	}
	i := optionIndex(c.opts, key)
	switch {
	case i < 0:
		c.problem = c.profile.notAnOption(c.question, key)
	case slices.Contains(c.keys, c.opts[i].Key):
		c.problem = fmt.Sprintf("%q is chosen more than once", key)
	default:
		c.keys = append(c.keys, c.opts[i].Key)
		if c.opts[i].Exclusive {
			c.exclusive = c.opts[i].Key
		}
	}
}

// result is the answer, once every key was added.
func (c *keyChecker) result() sent {
	switch {
	case c.problem != "":
		return wrong(c.problem)
	case len(c.keys) == 0:
		return wrong(c.profile.missingMessage(c.question))
	case c.exclusive != "" && len(c.keys) > 1:
		return wrong(fmt.Sprintf("%q cannot be combined with other options", c.exclusive))
	}
	return sent{state: sentValue, keys: c.keys}
}

func optionIndex(opts []Option, key []byte) int {
	for i := range opts {
		if opts[i].Key == string(key) {
			return i
		}
	}
	return -1
}

func (p *Profile) keyList(q *Question) string {
	opts := p.OptionsOf(q)
	keys := make([]string, len(opts))
	for i, o := range opts {
		keys[i] = o.Key
	}
	return strings.Join(keys, ", ")
}
