package web

import (
	"encoding/json"
	"fmt"
	"slices"

	"majordome/internal/civil"
)

// fieldChange is one value that changed, ready to read: "Équipe : Produit → Ventes".
type fieldChange struct {
	Label, Before, After string
}

// personFields is the order a person's fields are told in, the order of the form. They are the
// keys of the person's audit snapshots and of an import's field changes, and have field.* names.
var personFields = []string{"first_name", "last_name", "email", "team", "site", "manager_email",
	"start_date", "end_date", "language", "active"}

// diffSnapshots compares the before and after JSON of an audit entry, key by key. A creation
// (no before) has nothing to compare: its entry says it all.
func diffSnapshots(p *Page, before, after string) []fieldChange {
	if before == "" || after == "" {
		return nil
	}
	var b, a map[string]any
	if json.Unmarshal([]byte(before), &b) != nil || json.Unmarshal([]byte(after), &a) != nil {
		return nil
	}
	keys := slices.Clone(personFields)
	for _, m := range []map[string]any{b, a} {
		for k := range m {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	var out []fieldChange
	for _, k := range keys {
		bv, av := jsonText(b[k]), jsonText(a[k])
		if bv != av {
			out = append(out, fieldChange{Label: fieldLabel(p, k), Before: fieldValue(p, k, bv), After: fieldValue(p, k, av)})
		}
	}
	return out
}

// jsonText is a decoded JSON value as text; absent and null are "".
func jsonText(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// fieldLabel names a field in the reader's language, or keeps the key when it has no name.
// The fields of the form are named in common.json; those only an import knows (full_name) in
// people.json.
func fieldLabel(p *Page, key string) string {
	for _, k := range []string{"field." + key, "people.field." + key} {
		if p.cat.Has(k) {
			return p.T(k)
		}
	}
	return key
}

// fieldValue writes a stored value the way the interface shows it: dates dd/mm/yyyy, the
// language and the status in words, "—" for nothing.
func fieldValue(p *Page, key, v string) string {
	switch {
	case v == "":
		return "—"
	case key == "start_date" || key == "end_date":
		if d, err := civil.Parse(v); err == nil {
			return d.French()
		}
	case key == "active":
		if v == "true" {
			return p.T("people.status.active")
		}
		return p.T("people.status.inactive")
	case key == "language":
		if p.cat.Has("person.language." + v) {
			return p.T("person.language." + v)
		}
	}
	return v
}
