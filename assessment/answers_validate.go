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
	problem *Problem // when state is sentWrong: all but the question
}

type sentState uint8

const (
	sentNothing sentState = iota // no answer, or null
	sentValue                    // a well-formed answer
	sentWrong                    // an answer of the wrong type or with a wrong key
)

func wrong(problem *Problem) sent { return sent{state: sentWrong, problem: problem} }

// problemOf is a Problem without its question: the code, the English
// sentence and what fills it in.
func problemOf(code, msg, key, choices string) *Problem {
	return &Problem{Code: code, Problem: msg, Key: key, Choices: choices}
}

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
			pr := *a.problem
			pr.Question = q.ID
			problems = append(problems, pr)
		default:
			if q.ShowIf != nil {
				if _, hasParent := answers[q.ShowIf.Question]; !hasParent {
					continue // the question it depends on is itself missing or wrong
				}
			}
			pr := *p.missingProblem(q)
			pr.Question = q.ID
			problems = append(problems, pr)
		}
	}
	slices.Sort(s.unknown)
	for _, id := range slices.Compact(s.unknown) {
		problems = append(problems, Problem{Question: id, Problem: "is not a question of this assessment", Code: CodeUnknownQuestion})
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

func (p *Profile) missingProblem(q *Question) *Problem {
	switch q.Type {
	case TypeMulti:
		for _, o := range q.Options {
			if o.Exclusive {
				key := fmt.Sprintf("%q", o.Key)
				return problemOf(CodeRequiredExclusive, "is required: choose at least one option, or "+key, key, "")
			}
		}
		return problemOf(CodeRequiredMulti, "is required: choose at least one option", "", "")
	case TypeRating:
		return problemOf(CodeRequiredLevel, "is required: choose a level from 0 to 4", "", "")
	}
	return problemOf(CodeRequired, "is required: choose an option", "", "")
}

// ratingProblem is shared: a wrong rating is common and needs no detail.
var ratingProblem = problemOf(CodeRating, "must be an integer from 0 to 4", "", "")

// typeProblem is the problem of an answer of the wrong JSON type for q.
func (p *Profile) typeProblem(q *Question) *Problem {
	switch q.Type {
	case TypeRating:
		return ratingProblem
	case TypeMulti:
		return problemOf(CodeWantList, "must be a list of option keys: "+p.keyList(q), "", p.keyList(q))
	}
	return problemOf(CodeWantOption, "must be one option key: "+p.keyList(q), "", p.keyList(q))
}

// checkRating checks the text of a JSON number as a rating: an integer
// from 0 to 4 (JSON allows -0, which is 0).
func checkRating(number []byte) sent {
	if string(number) == "-0" {
		number = number[1:]
	}
	if len(number) != 1 || number[0] < '0' || number[0] > '0'+MaxPoints {
		return wrong(ratingProblem)
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

func (p *Profile) notAnOption(q *Question, key []byte) *Problem {
	quoted := fmt.Sprintf("%q", key)
	return problemOf(CodeNotAnOption, quoted+" is not an option; choose from: "+p.keyList(q), quoted, p.keyList(q))
}

// keyChecker checks the keys of a multi answer one at a time, in the order
// sent, remembering the first problem.
type keyChecker struct {
	profile   *Profile
	question  *Question
	opts      []Option
	keys      []string
	exclusive string
	problem   *Problem
}

func (p *Profile) newKeyChecker(q *Question) keyChecker {
	return keyChecker{profile: p, question: q, opts: p.OptionsOf(q)}
}

func (c *keyChecker) add(key []byte) {
	if c.problem != nil {
		return
	}
	i := optionIndex(c.opts, key)
	switch {
	case i < 0:
		c.problem = c.profile.notAnOption(c.question, key)
	case slices.Contains(c.keys, c.opts[i].Key):
		quoted := fmt.Sprintf("%q", key)
		c.problem = problemOf(CodeRepeated, quoted+" is chosen more than once", quoted, "")
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
	case c.problem != nil:
		return wrong(c.problem)
	case len(c.keys) == 0:
		return wrong(c.profile.missingProblem(c.question))
	case c.exclusive != "" && len(c.keys) > 1:
		quoted := fmt.Sprintf("%q", c.exclusive)
		return wrong(problemOf(CodeExclusive, quoted+" cannot be combined with other options", quoted, ""))
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
