package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"majordome/internal/audit"
	"majordome/internal/civil"
	"majordome/internal/valid"
)

// auditEntityTypes are the kinds of things the trail records, for the filter: those the
// catalogue names ("settings.audit.entity.TYPE"), so a new kind shows up once translated.
func (s *Server) auditEntityTypes() []string {
	var out []string
	for _, k := range s.I18n.Keys() {
		if t, ok := strings.CutPrefix(k, "settings.audit.entity."); ok && t != "all" && !strings.Contains(t, ".") {
			out = append(out, t)
		}
	}
	return out
}

// actionGroups lists the actions the catalogue names, grouped by what they act on, so new
// actions show up in the filter as soon as they are translated.
func (s *Server) actionGroups(p *Page) []actionGroup {
	var out []actionGroup
	for _, k := range s.I18n.Keys() { // sorted: the actions of a prefix follow each other
		a, ok := strings.CutPrefix(k, "audit.action.")
		if !ok {
			continue
		}
		prefix, _, _ := strings.Cut(a, ".")
		if len(out) == 0 || out[len(out)-1].Prefix != prefix+"." {
			entity := prefix
			if prefix == "settings" { // the actions are "settings.*", the entity type "setting"
				entity = "setting"
			}
			out = append(out, actionGroup{Label: translated(p, "settings.audit.entity."+entity, prefix), Prefix: prefix + "."})
		}
		g := &out[len(out)-1]
		g.Actions = append(g.Actions, a)
	}
	return out
}

// auditFilter reads the filters of the query. Dates are days in the company's timezone, "to"
// included; a date that cannot be read is reported and left out of the filter.
func auditFilter(q url.Values, loc *time.Location, types []string) (audit.Filter, valid.Errors) {
	f := audit.Filter{Actor: strings.TrimSpace(q.Get("actor")), Limit: auditPageSize}
	if t := q.Get("entity"); slices.Contains(types, t) {
		f.EntityType = t
	}
	// "user" means every action on accounts; "user.role" exactly that one.
	if a := strings.TrimSpace(q.Get("action")); a != "" {
		if !strings.Contains(a, ".") {
			a += "."
		}
		f.Action = a
	}
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	var errs valid.Errors
	for _, field := range []string{"from", "to"} {
		v := strings.TrimSpace(q.Get(field))
		if v == "" {
			continue
		}
		d, err := civil.Parse(v)
		if err != nil {
			errs.Add(field, "date_invalid", "value", v)
			continue
		}
		day := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
		if field == "from" {
			f.From = day
		} else {
			f.To = day.AddDate(0, 0, 1)
		}
	}
	return f, errs
}
