// Package valid carries validation failures from the domain to the edges: which fields are wrong
// and why, as codes that each edge turns into words (a form message, a problem+json entry, an
// import line).
package valid

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// FieldError is one wrong field. Code is stable ("required", "email_invalid", …) and Params
// fill the translated message ({max} for "too_long", …).
type FieldError struct {
	Field  string            `json:"field"`
	Code   string            `json:"code"`
	Params map[string]string `json:"params,omitempty"`
}

// Errors is a validation failure listing every wrong field, so a person can fix them all at once.
type Errors []FieldError

func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Field + ": " + f.Code
	}
	return "invalid: " + strings.Join(parts, ", ")
}

// Add records a failure of field.
func (e *Errors) Add(field, code string, params ...string) {
	fe := FieldError{Field: field, Code: code}
	if len(params) > 0 {
		fe.Params = map[string]string{}
		for i := 0; i+1 < len(params); i += 2 {
			fe.Params[params[i]] = params[i+1]
		}
	}
	*e = append(*e, fe)
}

// Has reports whether field already failed.
func (e Errors) Has(field string) bool {
	for _, f := range e {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns e as an error, or nil when nothing failed.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// Required checks that s is not blank.
func (e *Errors) Required(field, s string) bool {
	if strings.TrimSpace(s) == "" {
		e.Add(field, "required")
		return false
	}
	return true
}

// MaxLen checks that s has at most max characters.
func (e *Errors) MaxLen(field, s string, max int) bool {
	if utf8.RuneCountInString(s) > max {
		e.Add(field, "too_long", "max", fmt.Sprint(max))
		return false
	}
	return true
}

// Email checks that s is one plain address (no display name), the form people type.
func (e *Errors) Email(field, s string) bool {
	if !IsEmail(s) {
		e.Add(field, "email_invalid")
		return false
	}
	return true
}

// IsEmail reports whether s is a plain address such as camille.martin@exemple.fr.
func IsEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".") && !strings.HasSuffix(s, ".")
}
