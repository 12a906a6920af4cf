package web

import (
	"maps"
	"net/http"
	"strconv"

	"majordome/internal/audit"
)

// auditPageSize is how many entries a page of the trail shows.
const auditPageSize = 50

// auditData is what the audit log page shows.
type auditData struct {
	Entries     []auditRow
	Older       string // query string of the next, older page; "" at the end of the trail
	Newest      string // query string of the first page with the same filters, when an older page is shown
	Filtered    bool
	EntityTypes []string
	Actions     []actionGroup
}

// actionGroup is a group of the action filter: every action on one kind of thing ("user."),
// then each of them ("user.role").
type actionGroup struct {
	Label   string // "Comptes"
	Prefix  string
	Actions []string
}

// auditRow is an entry as a person reads it.
type auditRow struct {
	audit.Entry
	Action  string // "a changé un rôle"
	Kind    string // "compte", "jeton", …
	Href    string // where the entity lives, "" when it has no page
	Changes []auditChange
}

// auditPage shows the audit trail, newest first, filtered by the query and paged by cursor.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "settings.audit.title")
	q := r.URL.Query()
	types := s.auditEntityTypes()
	f, errs := auditFilter(q, p.Company.Location(), types)
	p.Form = maps.Clone(q)
	if f.Action != "" { // "user" was typed: select the option it means, "user."
		p.Form.Set("action", f.Action)
	}
	entries, next, err := s.Audit.List(r.Context(), f)
	if err != nil {
		return err
	}
	d := auditData{EntityTypes: types, Actions: s.actionGroups(p),
		Filtered: f.EntityType != "" || f.Action != "" || f.Actor != "" || !f.From.IsZero() || !f.To.IsZero()}
	for _, e := range entries {
		if e.EntityType == "setting" {
			e.EntityName = translated(p, "settings.audit.setting."+e.EntityName, e.EntityName)
		}
		d.Entries = append(d.Entries, auditRow{Entry: e, Action: translated(p, "audit.action."+e.Action, e.Action),
			Kind: translated(p, "settings.audit.kind."+e.ActorKind, e.ActorKind), Href: auditHref(e),
			Changes: diffJSON(e.Before, e.After, func(k string) string { return auditKey(p, k) },
				func(k string, v any) string { return auditValue(p, k, v) })})
	}
	page := maps.Clone(q)
	page.Del("before")
	if f.BeforeID != 0 {
		d.Newest = "?" + page.Encode()
	}
	if next != 0 {
		page.Set("before", strconv.FormatInt(next, 10))
		d.Older = "?" + page.Encode()
	}
	p.Data = d
	if len(errs) > 0 {
		p.setErrors(errs)
		return s.renderStatus(w, http.StatusUnprocessableEntity, p, "settings_audit")
	}
	return s.render(w, p, "settings_audit")
}

// auditHref is the page of what an entry is about.
func auditHref(e audit.Entry) string {
	id := strconv.FormatInt(e.EntityID, 10)
	switch {
	case e.EntityType == "person" && e.EntityID != 0:
		return "/people/" + id
	case e.EntityType == "user" && e.EntityID != 0:
		return "/settings/users/" + id
	case e.EntityType == "token":
		return "/settings/tokens"
	case e.EntityType == "site":
		return "/settings/sites"
	case e.EntityType == "setting":
		return "/settings"
	case e.EntityType == "category" && e.EntityID != 0:
		return categoryAnchor(e.EntityID)
	}
	return ""
}

// translated is the message key, or fallback when the catalogue does not know it (an action
// added later than its translation).
func translated(p *Page, key, fallback string) string {
	if p.cat.Has(key) {
		return p.T(key)
	}
	return fallback
}
