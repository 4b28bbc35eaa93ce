package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// ResetLinkValidity is how long a reset or invitation link works.
const ResetLinkValidity = 24 * time.Hour

// A reset token is a selector and a verifier, both random. The selector
// finds the stored link; only the SHA-256 of the verifier is stored, and it
// is compared in constant time, so neither a copy of the database nor the
// timing of a lookup gives anyone a usable link.
const (
	selectorBytes = 12 // 16 characters of base64url
	verifierBytes = 32 // 43 characters
	selectorChars = 16
	verifierChars = 43
	// ResetTokenChars is the length of a token in a link.
	ResetTokenChars = selectorChars + verifierChars
)

// ResetToken is a new link's secret and what the database keeps of it.
type ResetToken struct {
	Token        string // goes in the link, never stored
	Selector     string // stored, to find the link
	VerifierHash string // stored: SHA-256 hex of the verifier
}

// NewResetToken makes a random token.
func NewResetToken() ResetToken {
	b := make([]byte, selectorBytes+verifierBytes)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	sel := base64.RawURLEncoding.EncodeToString(b[:selectorBytes])
	ver := base64.RawURLEncoding.EncodeToString(b[selectorBytes:])
	return ResetToken{Token: sel + ver, Selector: sel, VerifierHash: verifierHash(ver)}
}

// ParseResetToken splits a token from a link into its selector and the hash
// of its verifier; ok is false for anything that cannot be a token.
func ParseResetToken(token string) (selector, verifierHashHex string, ok bool) {
	if len(token) != ResetTokenChars || strings.ContainsFunc(token, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) {
		return "", "", false
	}
	return token[:selectorChars], verifierHash(token[selectorChars:]), true
}

func verifierHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// ResetPath is the path of the page a token opens.
func ResetPath(token string) string { return "/reset/" + token }
