package assessment

import (
	jsonv1 "encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// The JSON form of an answer, as the API takes it and as results and
// stored answers show it: a single or years answer is its option key, a
// multi answer the list of its keys, a rating its integer, and no answer
// (a hidden question's, in a result) is null. AppendJSON writes it, with
// strings quoted by the library; MarshalJSONTo hands the same bytes to a
// JSON v2 encoder, and the result encoder appends them directly.

// AppendJSON appends the answer's JSON form.
func (v Value) AppendJSON(b []byte) []byte {
	switch v.Type {
	case TypeRating:
		return strconv.AppendInt(b, int64(v.Rating), 10)
	case TypeMulti:
		b = append(b, '[')
		for i, key := range v.Options {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, key)
		}
		return append(b, ']')
	case "":
		return append(b, "null"...)
	}
	return appendString(b, v.Option)
}

// appendString quotes s as JSON v2 does. It cannot fail on the valid UTF-8
// of a profile's keys; other bytes would be written as U+FFFD.
func appendString(b []byte, s string) []byte {
	b, _ = jsontext.AppendQuote(b, s)
	return b
}

// MarshalJSONTo writes the answer's JSON form.
func (v Value) MarshalJSONTo(enc *jsontext.Encoder) error {
	return enc.WriteValue(v.AppendJSON(enc.AvailableBuffer()))
}

// UnmarshalJSONFrom reads an answer back from its JSON form. A number is
// a rating, a list a multi answer, a string a single or years answer (the
// two cannot be told apart, and need not be: they select and score alike).
func (v *Value) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch dec.PeekKind() {
	case 'n':
		*v = Value{}
		_, err := dec.ReadValue()
		return err
	case '[':
		var keys []string
		if err := json.UnmarshalDecode(dec, &keys); err != nil {
			return err
		}
		*v = Value{Type: TypeMulti, Options: keys}
		return nil
	case '"':
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		*v = Value{Type: TypeSingle, Option: tok.String()}
		return nil
	}
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil {
		return fmt.Errorf("answer %s is not a key, a list or an integer", raw)
	}
	*v = Value{Type: TypeRating, Rating: n}
	return nil
}

// MarshalJSON and UnmarshalJSON give encoding/json the same JSON form.
func (v Value) MarshalJSON() ([]byte, error)     { return json.Marshal(v) }
func (v *Value) UnmarshalJSON(data []byte) error { return json.Unmarshal(data, v) }

// AppendJSON appends the answers as stored: an object of each answer's
// JSON form by question id, in sorted order, so that the same answers are
// always the same bytes.
func (a Answers) AppendJSON(b []byte) []byte {
	ids := make([]string, 0, len(a))
	for id := range a {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	b = append(b, '{')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, id)
		b = append(b, ':')
		b = a[id].AppendJSON(b)
	}
	return append(b, '}')
}

// MarshalJSONTo writes the answers as AppendJSON does.
func (a Answers) MarshalJSONTo(enc *jsontext.Encoder) error {
	return enc.WriteValue(a.AppendJSON(enc.AvailableBuffer()))
}

// Raw turns validated answers back into raw answers.
func (a Answers) Raw() map[string]jsonv1.RawMessage {
	raw := make(map[string]jsonv1.RawMessage, len(a))
	for id, v := range a {
		raw[id], _ = json.Marshal(v) // cannot fail: keys are the profile's
	}
	return raw
}
