package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strings"

	"majordome/internal/httpx"
)

// maxBody bounds a request body: a person is well under 2 KiB, so 1 MiB leaves room for every
// future resource while keeping a careless or hostile client from filling memory.
const maxBody = 1 << 20

// object is a JSON object body with its members still raw, so a handler knows which fields were
// sent (a PATCH changes only those) and can name each field of the wrong type.
type object map[string]json.RawMessage

// readObject reads the body as one JSON object of at most maxBody bytes whose media type is one
// of mediaTypes, and whose members are all in known. Unknown members are refused rather than
// ignored, so a misspelt field ("firstname") is a clear error instead of a silent no-op.
func readObject(w http.ResponseWriter, r *http.Request, known []string, mediaTypes ...string) (object, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !slices.Contains(mediaTypes, mt) {
		pe := &problemError{Problem: httpx.Problem{Status: http.StatusUnsupportedMediaType,
			Detail: "Send the body as " + strings.Join(mediaTypes, " or ") + "."}}
		if r.Method == http.MethodPatch {
			// RFC 5789 asks a server refusing a PATCH's media type to say which it accepts.
			pe.header = http.Header{"Accept-Patch": {strings.Join(mediaTypes, ", ")}}
		}
		return nil, pe
	}
	if r.ContentLength > maxBody {
		return nil, &http.MaxBytesError{Limit: maxBody}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	var obj object
	if err := dec.Decode(&obj); err != nil {
		return nil, bodyError(err)
	}
	if obj == nil {
		return nil, invalidBody("The body must be a JSON object, not null.")
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, mbe
		}
		return nil, invalidBody("The body must hold one JSON object and nothing after it.")
	}
	var unknown []fieldError
	for name := range obj {
		if !slices.Contains(known, name) {
			unknown = append(unknown, fieldError{Field: name, Code: "unknown_field"})
		}
	}
	if len(unknown) > 0 {
		sort.Slice(unknown, func(i, j int) bool { return unknown[i].Field < unknown[j].Field })
		return nil, &badRequestError{typ: typeInvalidBody, fields: unknown,
			detail: fmt.Sprintf("Unknown fields: %s. The fields are: %s.", fieldList(unknown), strings.Join(known, ", "))}
	}
	return obj, nil
}

// bodyError explains why a body could not be decoded.
func bodyError(err error) error {
	var (
		mbe *http.MaxBytesError
		se  *json.SyntaxError
		ute *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return mbe
	case errors.As(err, &se):
		return invalidBody(fmt.Sprintf("The body is not valid JSON: %v (at byte %d).", se, se.Offset))
	case errors.As(err, &ute):
		return invalidBody("The body must be a JSON object, not " + ute.Value + ".")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return invalidBody("The body is empty or cut short: send a JSON object.")
	default:
		return invalidBody("The body could not be read as JSON: " + err.Error() + ".")
	}
}

func invalidBody(detail string) error {
	return &badRequestError{typ: typeInvalidBody, detail: detail}
}

// fields decodes the members of an object one by one, collecting those of the wrong type so
// they are all reported at once.
type fields struct {
	obj  object
	errs typeErrors
}

// str returns the string member name: nil when absent, "" when null (which clears an optional
// field), nil with a type error when not a string.
func (f *fields) str(name string) *string {
	raw, ok := f.obj[name]
	if !ok {
		return nil
	}
	var s *string
	if err := json.Unmarshal(raw, &s); err != nil {
		f.errs = append(f.errs, fieldError{Field: name, Code: "type_invalid", Params: map[string]string{"type": "string"}})
		return nil
	}
	if s == nil {
		s = new(string)
	}
	return s
}

// boolean returns the boolean member name: nil when absent, nil with a type error when not
// true or false (null included: a yes-or-no has nothing to clear).
func (f *fields) boolean(name string) *bool {
	raw, ok := f.obj[name]
	if !ok {
		return nil
	}
	var b *bool
	if err := json.Unmarshal(raw, &b); err != nil || b == nil {
		f.errs = append(f.errs, fieldError{Field: name, Code: "type_invalid", Params: map[string]string{"type": "boolean"}})
		return nil
	}
	return b
}

// strs returns the array of strings member name: nil when absent, an empty list when null
// (which clears it), nil with a type error when not an array of strings.
func (f *fields) strs(name string) *[]string {
	raw, ok := f.obj[name]
	if !ok {
		return nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		f.errs = append(f.errs, fieldError{Field: name, Code: "type_invalid", Params: map[string]string{"type": "array of strings"}})
		return nil
	}
	if list == nil {
		list = []string{}
	}
	return &list
}

// err returns the type errors met, or nil.
func (f *fields) err() error {
	if len(f.errs) == 0 {
		return nil
	}
	return f.errs
}
