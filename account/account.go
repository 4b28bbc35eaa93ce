// Package account holds the rules for people's accounts: how an email is
// normalised and checked, what a password and a name must be, and which roles
// exist. It is pure (no web, no storage), so the pages, the JSON API, the
// command line and the store apply the same rules.
package account

// Roles a user may have.
const (
	RoleLearner   = "learner"
	RoleCounselor = "counselor"
	RoleAdmin     = "admin"
)

// Roles lists every role, least privileged first.
var Roles = []string{RoleLearner, RoleCounselor, RoleAdmin}

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool {
	for _, r := range Roles {
		if r == role {
			return true
		}
	}
	return false
}

// Problem is what is wrong with one field. Code is stable (for translations
// and tests); Message is a sentence a person would say, without the field's
// label, so a form can show it beside the field as it is.
type Problem struct {
	Field   string
	Code    string
	Message string
}

func (p *Problem) Error() string { return p.Field + ": " + p.Message }

func problem(field, code, msg string) *Problem {
	return &Problem{Field: field, Code: code, Message: msg}
}
