package web

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"time"

	"majordome/internal/i18n"
	"majordome/internal/request"
)

// This file holds how the desk's pages show service levels: the queue's compact due cell, the
// due times of the request page in the site's timezone, and the requester's promise on the
// portal. The desk judges the states (request.SLA); these helpers only put them in words.

// slaDue is one target as the request page shows it: its due time in the site's timezone, and
// its state in words.
type slaDue struct {
	Key   string // "first_response" or "resolution"
	At    string // dd/mm/yyyy HH:MM in the site's timezone
	Zone  string // the site's timezone when it is not the company's, else ""
	State request.SLAState
}

// slaFacts is the SLA block of the request page.
type slaFacts struct {
	Dues        []slaDue
	PausedSince string // dd/mm/yyyy HH:MM when waiting on the requester
}

// slaFactsOf puts s into words at now for the request page.
func (p *Page) slaFactsOf(s request.SLA, now time.Time) slaFacts {
	var f slaFacts
	loc := s.Location
	if loc == nil {
		loc = p.loc
	}
	zone := ""
	if p.loc != nil && loc.String() != p.loc.String() {
		zone = loc.String()
	}
	for _, g := range []struct {
		key   string
		goal  request.SLAGoal
		state request.SLAState
	}{{"first_response", s.FirstResponse, s.FirstResponseState(now)}, {"resolution", s.Resolution, s.ResolutionState(now)}} {
		if g.goal.Due == nil || g.state == request.SLANone {
			continue
		}
		f.Dues = append(f.Dues, slaDue{Key: g.key, At: i18n.DateTime(*g.goal.Due, loc), Zone: zone, State: g.state})
	}
	if s.PausedAt != nil && !s.Done {
		f.PausedSince = i18n.DateTime(*s.PausedAt, loc)
	}
	return f
}

// slaColours pair each state with a badge colour; the word always goes with it.
var slaColours = map[request.SLAState]string{
	request.SLAOK: "green", request.SLAAtRisk: "amber", request.SLABreached: "red", request.SLAPaused: "gray",
	request.SLAMet: "green", request.SLAMissed: "red",
}

// SLABadge is a target's state as a badge: colour and word.
func (p *Page) SLABadge(s request.SLAState) template.HTML {
	return badge(slaColours[s], p.T("sla.state."+string(s)))
}

// SLACell is the queue's compact due cell: "dans 2 h", "en retard de 3 h", "en pause", with the
// exact due time on hover. At-risk and breached requests stand out by colour and by word.
func (p *Page) SLACell(s request.SLA, now time.Time) template.HTML {
	state := s.State(now)
	name, g, ok := s.Pressing(now)
	if !ok || g.Due == nil {
		return template.HTML(`<span class="muted" aria-hidden="true">—</span>`)
	}
	var text string
	switch state {
	case request.SLAPaused:
		text = p.T("sla.cell.paused")
	case request.SLABreached:
		text = p.T("sla.cell.late", "d", p.slaSpan(now.Sub(*g.Due)))
	default:
		text = p.T("sla.cell.in", "d", p.slaSpan(g.Due.Sub(now)))
	}
	loc := s.Location
	if loc == nil {
		loc = p.loc
	}
	title := p.T("sla.cell.title", "goal", p.T("sla.goal."+name), "at", i18n.DateTime(*g.Due, loc))
	if state == request.SLAPaused {
		title = p.T("sla.state.paused")
	}
	return template.HTML(fmt.Sprintf(`<span class="sla-cell sla-%s" title="%s"><span class="dot dot-%s"></span>%s</span>`,
		state, template.HTMLEscapeString(title), slaColours[state], template.HTMLEscapeString(text)))
}

// slaSpan writes a wall-clock span shortly: "12 min", "3 h", "2 j".
func (p *Page) slaSpan(d time.Duration) string {
	d = max(d, 0)
	switch {
	case d < time.Hour:
		return p.T("sla.dur.minutes", "n", max(int(d/time.Minute), 1))
	case d < 48*time.Hour:
		return p.T("sla.dur.hours", "n", int(d/time.Hour))
	}
	return p.T("sla.dur.days", "n", int(d/(24*time.Hour)))
}

// portalPromise is what the requester reads about when to expect the team: the first response
// until it is given, then the resolution; nothing once the promise is past, paused or kept.
func (p *Page) portalPromise(s request.SLA, now time.Time) string {
	loc := s.Location
	if loc == nil {
		loc = p.loc
	}
	for _, g := range []struct {
		key   string
		goal  request.SLAGoal
		state request.SLAState
	}{{"first_response", s.FirstResponse, s.FirstResponseState(now)}, {"resolution", s.Resolution, s.ResolutionState(now)}} {
		if g.state == request.SLAOK || g.state == request.SLAAtRisk {
			return p.T("sla.portal."+g.key, "at", i18n.DateTime(*g.goal.Due, loc))
		}
		if g.goal.Met == nil && g.state != request.SLANone {
			return "" // paused or late: the status says where it stands
		}
	}
	return ""
}

// slaChoices are the SLA filter's values.
func slaChoices() []string {
	out := make([]string, 0, len(request.SLAFilters))
	for _, s := range request.SLAFilters {
		out = append(out, string(s))
	}
	return out
}

// validSLAFilter reports whether v is an SLA filter the desk knows.
func validSLAFilter(v string) bool { return slices.Contains(request.SLAFilters, request.SLAState(v)) }

// portalPromises are the promises of a page of the reader's requests, by request id.
func (s *Server) portalPromises(ctx context.Context, p *Page, items []request.Request) (map[int64]string, error) {
	slas, err := s.Requests.SLAs(ctx, items)
	if err != nil {
		return nil, err
	}
	now := s.Requests.Now()
	out := make(map[int64]string, len(slas))
	for id, sla := range slas {
		if t := p.portalPromise(sla, now); t != "" {
			out[id] = t
		}
	}
	return out, nil
}
