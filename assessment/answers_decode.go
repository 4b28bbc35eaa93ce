package assessment

import (
	"bytes"
	jsonv1 "encoding/json"
	"errors"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// ParseJSON validates answers given as JSON, an object of answers by
// question id (or null), as Parse does a map of them: each answer is read
// straight into its question's slot, without a map in between, and a
// question answered twice keeps the later answer. Input that is not such
// JSON is an error; it never panics.
func (p *Profile) ParseJSON(data []byte) (Answers, []Problem, error) {
	set := p.newAnswerSet()
	if err := json.Unmarshal(data, set, laterAnswerWins); err != nil {
		return nil, nil, err
	}
	answers, problems := set.validate()
	return answers, problems, nil
}

// Parse validates raw answers against the profile. It returns every valid
// answer to a shown question, and every problem: a missing answer, an unknown
// question or option, a wrong type, a rating out of range, an exclusive option
// combined with others, a repeated option. Answers to hidden questions are
// ignored. The answers may be scored only when there are no problems.
func (p *Profile) Parse(raw map[string]jsonv1.RawMessage) (Answers, []Problem) {
	set := p.newAnswerSet()
	var r bytes.Reader
	dec := jsontext.NewDecoder(&r)
	for i := range p.Questions {
		q := &p.Questions[i]
		data, ok := raw[q.ID]
		if !ok {
			continue
		}
		r.Reset(data)
		dec.Reset(&r)
		ref := slotRef{p, q, &set.slots[i]}
		err := readAnswer(dec, []slotRef{ref})
		if err == nil {
			err = atEnd(dec)
		}
		if err != nil {
			ref.wrongType() // not JSON, or more than one value
		}
	}
	for id := range raw {
		if _, ok := p.questionIndex[id]; !ok {
			set.unknown = append(set.unknown, id)
		}
	}
	return set.validate()
}

// laterAnswerWins lets an object name a question twice: the later answer
// is kept, as in a map.
var laterAnswerWins = jsontext.AllowDuplicateNames(true)

var errAnswersType = &WrongTypeError{Field: "answers", Want: "an object of answers by question id"}

var errMoreThanOneValue = errors.New("more than one JSON value")

func atEnd(dec *jsontext.Decoder) error {
	switch _, err := dec.ReadToken(); err {
	case io.EOF:
		return nil
	case nil:
		return errMoreThanOneValue
	default:
		return err
	}
}

// UnmarshalJSONFrom reads an object of answers by question id (or null)
// into the slots of the profile's questions, checking each answer against
// its question's type as it goes. An answer of the wrong type is a problem
// for validate, not an error; errors are for input that is not JSON. A
// question answered twice keeps the later answer.
func (s *answerSet) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return readAnswers(dec, []*answerSet{s})
}

// readAnswers reads an object of answers (or null) into each of sets at
// once: one pass over the JSON, whichever profile it turns out to be for.
func readAnswers(dec *jsontext.Decoder, sets []*answerSet) error {
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadValue()
		return err
	case '{':
	default:
		if err := dec.SkipValue(); err != nil {
			return err
		}
		return errAnswersType
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	var buf [4]slotRef
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		id, err := unquote(name)
		if err != nil {
			return err
		}
		refs := buf[:0]
		for _, set := range sets {
			p := set.profile
			if i, ok := p.questionIndex[string(id)]; ok {
				refs = append(refs, slotRef{p, &p.Questions[i], &set.slots[i]})
			} else {
				set.unknown = append(set.unknown, string(id))
			}
		}
		if len(refs) == 0 {
			err = dec.SkipValue()
		} else {
			err = readAnswer(dec, refs)
		}
		if err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}

// slotRef is where an answer goes: the slot of one profile's question.
type slotRef struct {
	profile  *Profile
	question *Question
	slot     *sent
}

func (r slotRef) is(types ...string) bool { return slices.Contains(types, r.question.Type) }

func (r slotRef) wrongType() { *r.slot = wrong(r.profile.typeProblem(r.question)) }

// readAnswer reads one answer from dec into each slot of refs, checking it
// against the slot's question. An answer of the wrong type is a problem in
// the slot, not an error. Nested values are skipped, not read: no question
// takes one, and skipping costs nothing per level of nesting.
func readAnswer(dec *jsontext.Decoder, refs []slotRef) error {
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadValue()
		for _, r := range refs {
			*r.slot = sent{}
		}
		return err
	case '0':
		number, err := dec.ReadValue()
		if err != nil {
			return err
		}
		for _, r := range refs {
			if r.is(TypeRating) {
				*r.slot = checkRating(number)
			} else {
				r.wrongType()
			}
		}
		return nil
	case '"':
		str, err := dec.ReadValue()
		if err != nil {
			return err
		}
		key, err := unquote(str)
		if err != nil {
			return err
		}
		for _, r := range refs {
			if r.is(TypeSingle, TypeYears) {
				*r.slot = r.profile.checkOption(r.question, key)
			} else {
				r.wrongType()
			}
		}
		return nil
	case '[':
		return readKeys(dec, refs)
	}
	if err := dec.SkipValue(); err != nil {
		return err
	}
	for _, r := range refs {
		r.wrongType()
	}
	return nil
}

// readKeys reads a list, the answer to a multi question: its keys are
// checked in the order sent.
func readKeys(dec *jsontext.Decoder, refs []slotRef) error {
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	var buf [4]keyChecker
	checks := buf[:0]
	for _, r := range refs {
		checks = append(checks, r.profile.newKeyChecker(r.question))
	}
	add := func(key []byte) {
		for i := range checks {
			if refs[i].is(TypeMulti) {
				checks[i].add(key)
			}
		}
	}
	allKeys := true
	for kind := dec.PeekKind(); kind != ']'; kind = dec.PeekKind() {
		switch kind {
		case '"':
			v, err := dec.ReadValue()
			if err != nil {
				return err
			}
			key, err := unquote(v)
			if err != nil {
				return err
			}
			add(key)
		default:
			// null, a number, a list or an object is not an option key:
			// the list is of the wrong things (null is not an option "").
			if err := dec.SkipValue(); err != nil {
				return err
			}
			allKeys = false
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for i, r := range refs {
		if r.is(TypeMulti) && allKeys {
			*r.slot = checks[i].result()
		} else {
			r.wrongType()
		}
	}
	return nil
}

// unquote returns the text of the JSON string str: its own bytes, or a
// copy only when it holds escapes.
func unquote(str jsontext.Value) ([]byte, error) {
	if bytes.IndexByte(str, '\\') < 0 {
		return str[1 : len(str)-1], nil
	}
	return jsontext.AppendUnquote(nil, str)
}

// RawFromForm turns the form fields of the given questions (named by question
// id; a multi question repeats its field) into raw answers as the API takes
// them. Fields left empty are left out, so validation reports them missing.
func RawFromForm(form url.Values, questions []*Question) map[string]jsonv1.RawMessage {
	raw := make(map[string]jsonv1.RawMessage, len(questions))
	for _, q := range questions {
		var nonEmpty []string
		for _, v := range form[q.ID] {
			if v = strings.TrimSpace(v); v != "" {
				nonEmpty = append(nonEmpty, strings.ToValidUTF8(v, "\uFFFD"))
			}
		}
		if len(nonEmpty) == 0 {
			continue
		}
		var data []byte
		switch q.Type {
		case TypeMulti:
			data, _ = json.Marshal(nonEmpty) // cannot fail: valid UTF-8
		case TypeRating:
			if n, err := strconv.Atoi(nonEmpty[0]); err == nil {
				data = strconv.AppendInt(nil, int64(n), 10)
			} else {
				data, _ = json.Marshal(nonEmpty[0])
			}
		default:
			data, _ = json.Marshal(nonEmpty[0])
		}
		raw[q.ID] = data
	}
	return raw
}
