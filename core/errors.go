// Package core holds Quartier's domain: types, rules, validation and errors. It imports
// only the standard library, geo and golang.org/x/crypto; it never speaks SQL or HTTP.
package core

import (
	"errors"
	"fmt"
)

// Code classifies an error for the edges: core/web maps each code to one HTTP status.
type Code string

// The error codes. Keep the list short; every code needs a status and a message.
const (
	CodeInvalid         Code = "invalid"
	CodeNotFound        Code = "not_found"
	CodeConflict        Code = "conflict"
	CodeForbidden       Code = "forbidden"
	CodeUnauthenticated Code = "unauthenticated"
	CodeRateLimited     Code = "rate_limited"
	CodeUnavailable     Code = "unavailable"
	CodeInternal        Code = "internal"
)

// Error is a domain error. Key names a message written for people (a key of the
// i18n catalogue); Field names the input it is about, when there is one. Cause is
// for logs only and never reaches a client.
type Error struct {
	Code  Code
	Key   string
	Field string
	Cause error
}

func (e *Error) Error() string {
	msg := string(e.Code) + ": " + e.Key
	if e.Field != "" {
		msg += " (" + e.Field + ")"
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Cause }

// Invalid reports bad input in field, explained by the message key.
func Invalid(field, key string) *Error { return &Error{Code: CodeInvalid, Field: field, Key: key} }

// NotFound reports a missing entity.
func NotFound(key string) *Error { return &Error{Code: CodeNotFound, Key: key} }

// Conflict reports a write that clashes with stored state.
func Conflict(key string) *Error { return &Error{Code: CodeConflict, Key: key} }

// Forbidden reports an action the participant's role does not allow.
func Forbidden(key string) *Error { return &Error{Code: CodeForbidden, Key: key} }

// Unavailable wraps a failure of a backing service (database, SMTP) that may pass.
func Unavailable(cause error) *Error {
	return &Error{Code: CodeUnavailable, Key: "error.unavailable", Cause: cause}
}

// Busy reports that the platform is at capacity for this kind of request: the
// client may try again in a moment; nothing was changed.
func Busy() *Error { return &Error{Code: CodeUnavailable, Key: "error.busy"} }

// Internalf wraps an unexpected failure with context; its text is for logs only.
func Internalf(format string, args ...any) *Error {
	return &Error{Code: CodeInternal, Key: "error.internal", Cause: fmt.Errorf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's tree, or CodeInternal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Problems returns every *Error joined in err (see errors.Join), in order. Forms use
// it to show one message per field.
func Problems(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if e, ok := err.(*Error); ok {
			out = append(out, e)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, inner := range j.Unwrap() {
				walk(inner)
			}
			return
		}
		walk(errors.Unwrap(err))
	}
	walk(err)
	return out
}
