package account

import "errors"

// theirMessages say the rules about someone else, for an admin creating or
// editing another person's account; the codes not listed read the same
// either way.
var theirMessages = map[string]string{
	"email-required": "Enter the person's email address.",
	"name-required":  "Enter the person's name.",
}

// Theirs rewords a Problem the rules found in someone else's details, as an
// admin sees it; any other error is returned as it is.
func Theirs(err error) error {
	var p *Problem
	if !errors.As(err, &p) {
		return err
	}
	if msg, ok := theirMessages[p.Code]; ok {
		return problem(p.Field, p.Code, msg)
	}
	return p
}
