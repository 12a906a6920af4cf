package web

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// auditChange is one key of an audit entry whose value changed. A creation has only After
// values, a deletion only Before ones.
type auditChange struct {
	Key                 string
	Before, After       string
	HasBefore, HasAfter bool
}

// diffJSON compares the before and after states of an audit entry, both JSON objects (or ""
// when absent), and returns the keys whose value differs, sorted, each labelled by label and
// written by show. An unchanged key is left out: the reader wants what moved, not the record.
// A state that is not an object is shown whole under the key "".
func diffJSON(before, after string, label func(key string) string, show func(key string, v any) string) []auditChange {
	b, bok := decodeObject(before)
	a, aok := decodeObject(after)
	if (before != "" && !bok) || (after != "" && !aok) {
		return []auditChange{{Before: before, After: after, HasBefore: before != "", HasAfter: after != ""}}
	}
	union := map[string]bool{}
	for k := range a {
		union[k] = true
	}
	for k := range b {
		union[k] = true
	}
	keys := slices.Sorted(maps.Keys(union))
	var out []auditChange
	for _, k := range keys {
		bv, inB := b[k]
		av, inA := a[k]
		if inB && inA && reflect.DeepEqual(bv, av) {
			continue
		}
		c := auditChange{Key: label(k), HasBefore: inB, HasAfter: inA}
		if inB {
			c.Before = show(k, bv)
		}
		if inA {
			c.After = show(k, av)
		}
		out = append(out, c)
	}
	return out
}

func decodeObject(s string) (map[string]any, bool) {
	if s == "" {
		return nil, true
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil || m == nil {
		return nil, false
	}
	return m, true
}

// auditValue writes a decoded JSON value for a person: words for yes/no, roles and holiday
// calendars by their names, "—" for nothing, compact JSON for anything nested.
func auditValue(p *Page, key string, v any) string {
	switch v := v.(type) {
	case nil:
		return "—"
	case string:
		if v == "" {
			return "—"
		}
		// Codes stored in the trail read better as the words the forms show.
		code := ""
		switch snakeCase(key) {
		case "role":
			code = "role." + v
		case "holiday_region":
			code = "settings.sites.region." + v
		}
		if code != "" && p.cat.Has(code) {
			return p.T(code)
		}
		return v
	case bool:
		if v {
			return p.T("settings.audit.yes")
		}
		return p.T("settings.audit.no")
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// auditKey names a key of an audited state in the reader's language when the catalogue knows
// it ("holiday_region" or Go's "HolidayRegion" → "Jours fériés"), else shows it as stored.
func auditKey(p *Page, key string) string {
	k := snakeCase(key)
	for _, c := range []string{"settings.audit.key." + k, "field." + k} {
		if p.cat.Has(c) {
			return p.T(c)
		}
	}
	return key
}

// snakeCase turns "HolidayRegion" into "holiday_region"; snake_case keys are left as they are.
func snakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
