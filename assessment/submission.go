package assessment

import (
	"errors"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Submission is the body the API takes to score answers:
// {"profile": "<profile id>", "answers": {"<question id>": answer, …}}.
// Set Profiles (and Default) before decoding one with json.Unmarshal: each
// answer is then read straight into its question's slot of the profile
// the body names (or, while it has named none, of every profile it may
// still name), and Validate checks them.
type Submission struct {
	Profiles *Registry // the profiles a body may name
	Default  string    // the profile of a body that names none

	Profile string // the profile id the body named, "" for none

	sets  []*answerSet  // the answers read so far, for each profile they may be for
	named [1]*answerSet // sets' array when a profile was named first
}

// A WrongTypeError is a member of a submission that holds the wrong kind
// of JSON value.
type WrongTypeError struct {
	Field string // "profile" or "answers"
	Want  string // what it must be
}

func (e *WrongTypeError) Error() string { return "field " + e.Field + " must be " + e.Want }

var errNotObject = errors.New("a submission is a JSON object")

// UnmarshalJSONFrom reads a submission (or null, which sends nothing),
// replacing anything read before. Members other than profile and answers
// are skipped. A profile named twice is an error (which one would the
// answers be for?); answers given twice are merged, a question answered
// twice keeping the later answer, as the rest of JSON v2 does when
// duplicate names are allowed.
func (s *Submission) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	s.Profile, s.sets = "", nil
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadValue()
		return err
	case '{':
	default:
		if err := dec.SkipValue(); err != nil {
			return err
		}
		return errNotObject
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	named := false
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		field, err := unquote(name)
		if err != nil {
			return err
		}
		switch string(field) {
		case "profile":
			if named {
				return &jsontext.SyntacticError{ByteOffset: dec.InputOffset() - int64(len(name)), JSONPointer: "/profile", Err: jsontext.ErrDuplicateName}
			}
			err, named = s.readProfile(dec), true
		case "answers":
			err = s.readAnswers(dec, named)
		default:
			err = dec.SkipValue() // other members are not ours to refuse
		}
		if err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}

// UnmarshalJSON gives encoding/json the same reading.
func (s *Submission) UnmarshalJSON(data []byte) error { return json.Unmarshal(data, s) }

func (s *Submission) readProfile(dec *jsontext.Decoder) error {
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadValue()
		return err
	case '"':
		str, err := dec.ReadValue()
		if err != nil {
			return err
		}
		id, err := unquote(str)
		if err != nil {
			return err
		}
		if p, ok := s.lookup(string(id)); ok {
			s.Profile = p.ID // the profile's own string: no allocation
		} else {
			s.Profile = string(id)
		}
		return nil
	}
	if err := dec.SkipValue(); err != nil {
		return err
	}
	return &WrongTypeError{Field: "profile", Want: "a string, the id of a profile"}
}

// readAnswers reads the answers member into the slots of the profile
// named, or, before a profile is named, of every profile: one of them will
// be named, or the default.
func (s *Submission) readAnswers(dec *jsontext.Decoder, named bool) error {
	if s.sets == nil {
		switch p, ok := s.profile(); {
		case named && ok:
			s.named[0] = p.newAnswerSet()
			s.sets = s.named[:]
		case !named && s.Profiles != nil:
			for _, id := range s.Profiles.ids {
				s.sets = append(s.sets, s.Profiles.byID[id].newAnswerSet())
			}
		}
	}
	return readAnswers(dec, s.sets)
}

func (s *Submission) profile() (*Profile, bool) {
	if s.Profile == "" {
		return s.lookup(s.Default)
	}
	return s.lookup(s.Profile)
}

func (s *Submission) lookup(id string) (*Profile, bool) {
	if s.Profiles == nil {
		return nil, false
	}
	return s.Profiles.Lookup(id)
}

// Validate checks the answers against the profile the body named (or
// Default). It returns that profile, every valid answer to a shown
// question and every problem, as Parse does; an unknown profile is the one
// problem.
func (s *Submission) Validate() (*Profile, Answers, []Problem) {
	p, ok := s.profile()
	if !ok {
		return nil, nil, []Problem{{Question: "profile", Problem: "is not a known profile", Code: CodeUnknownProfile}}
	}
	set := p.newAnswerSet() // no answers sent
	for _, read := range s.sets {
		if read.profile == p {
			set = read
		}
	}
	answers, problems := set.validate()
	return p, answers, problems
}
