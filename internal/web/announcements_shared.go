package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"majordome/internal/announce"
	"majordome/internal/valid"
)

// The Office Manager's announcement pages (Annonces): the history, the composer with its live
// count and previews, and each announcement's page with its acknowledgements. The domain is
// package announce; these files parse, call it and render.

// announceChannels are the channels in the order the pages list them.
var announceChannels = []string{announce.ChannelSlack, announce.ChannelEmail, announce.ChannelPortal}

// announceImportances are the importances in the order the composer offers them.
var announceImportances = []announce.Importance{announce.Info, announce.Important, announce.Action}

// announcement reads the {id} of the URL and its announcement.
func (s *Server) announcement(r *http.Request) (announce.Announcement, error) {
	id, err := pathID(r)
	if err != nil {
		return announce.Announcement{}, err
	}
	a, err := s.Announce.Get(r.Context(), id)
	return a, announceErr(err)
}

// announceEditable reports whether a has not gone yet: it is edited, not corrected.
func announceEditable(a announce.Announcement) bool {
	return a.Status == announce.StatusDraft || a.Status == announce.StatusScheduled
}

// announceFromForm reads the composer's fields. Dates are read in loc (the company's
// timezone); what the form alone can tell is wrong (a date that is not one, "later" without a
// date) comes back as errors, the rest is the service's to check.
func announceFromForm(f url.Values, loc *time.Location) (announce.Input, valid.Errors) {
	var errs valid.Errors
	in := announce.Input{
		Title:      strings.TrimSpace(f.Get("title")),
		Body:       f.Get("body"),
		Importance: announce.Importance(f.Get("importance")),
		Draft:      f.Get("action") == "draft",
	}
	if in.Importance == "" {
		in.Importance = announce.Info
	}
	in.Audience = announceAudience(f)
	for _, c := range announceChannels {
		if slices.Contains(f["channels"], c) {
			in.Channels = append(in.Channels, c)
		}
	}
	if slices.Contains(in.Channels, announce.ChannelSlack) {
		in.SlackDM = f.Get("slack_dm") == "1"
		in.SlackChannel = strings.TrimSpace(strings.TrimPrefix(f.Get("slack_channel"), "#"))
	}
	in.AckRequired = f.Get("ack_required") == "1"
	if in.AckRequired && strings.TrimSpace(f.Get("ack_date")) != "" {
		t, ok := announceParseTime(f.Get("ack_date"), f.Get("ack_time"), "23:59", loc)
		if !ok {
			errs.Add("ack_by", "date_invalid", "value", f.Get("ack_date")+" "+f.Get("ack_time"))
		} else {
			in.AckBy = &t
		}
	}
	if f.Get("when") == "later" && !in.Draft {
		if strings.TrimSpace(f.Get("send_date")) == "" {
			errs.Add("send_at", "required")
		} else if t, ok := announceParseTime(f.Get("send_date"), f.Get("send_time"), "09:00", loc); !ok {
			errs.Add("send_at", "date_invalid", "value", f.Get("send_date")+" "+f.Get("send_time"))
		} else {
			in.SendAt = &t
		}
	} else if f.Get("when") == "later" {
		// A draft keeps the planned time when it can be read, to be sent later.
		if t, ok := announceParseTime(f.Get("send_date"), f.Get("send_time"), "09:00", loc); ok {
			in.SendAt = &t
		}
	}
	if len(errs) > 0 {
		// The service will not see this form: say here too what else is missing.
		errs.Required("title", in.Title)
		errs.Required("body", in.Body)
	}
	return in, errs
}

// announceAudience reads the audience fields: everyone, or teams and sites (their names) and
// people (emails separated by commas, spaces or lines).
func announceAudience(f url.Values) announce.Audience {
	var a announce.Audience
	a.Everyone = f.Get("everyone") == "1"
	for _, t := range f["teams"] {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(a.Teams, t) {
			a.Teams = append(a.Teams, t)
		}
	}
	for _, t := range f["sites"] {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(a.Sites, t) {
			a.Sites = append(a.Sites, t)
		}
	}
	a.People = announcePeople(f.Get("people"))
	return a
}

// announcePeople splits the people field into emails, each once.
func announcePeople(s string) []string {
	var out []string
	for _, e := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// announceParseTime reads a date (2026-11-23 from a date input, or 23/11/2026 typed) and a
// time (15:04; def when empty) in loc, as UTC.
func announceParseTime(date, clock, def string, loc *time.Location) (time.Time, bool) {
	date, clock = strings.TrimSpace(date), strings.TrimSpace(clock)
	if clock == "" {
		clock = def
	}
	for _, layout := range []string{"2006-01-02 15:04", "02/01/2006 15:04", "2/1/2006 15:04"} {
		if t, err := time.ParseInLocation(layout, date+" "+clock, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// announceForm fills the composer from a saved announcement.
func announceForm(a announce.Announcement, loc *time.Location) url.Values {
	f := url.Values{}
	f.Set("title", a.Title)
	f.Set("body", a.Body)
	f.Set("importance", string(a.Importance))
	if a.Importance == "" {
		f.Set("importance", string(announce.Info))
	}
	if a.Audience.Everyone {
		f.Set("everyone", "1")
	}
	f["teams"] = slices.Clone(a.Audience.Teams)
	f["sites"] = slices.Clone(a.Audience.Sites)
	f.Set("people", strings.Join(a.Audience.People, ", "))
	f["channels"] = slices.Clone(a.Channels)
	if a.SlackDM {
		f.Set("slack_dm", "1")
	}
	f.Set("slack_channel", a.SlackChannel)
	if a.AckRequired {
		f.Set("ack_required", "1")
	}
	if a.AckBy != nil {
		f.Set("ack_date", a.AckBy.In(loc).Format("2006-01-02"))
		f.Set("ack_time", a.AckBy.In(loc).Format("15:04"))
	}
	f.Set("when", "now")
	if a.SendAt != nil {
		f.Set("when", "later")
		f.Set("send_date", a.SendAt.In(loc).Format("2006-01-02"))
		f.Set("send_time", a.SendAt.In(loc).Format("15:04"))
	}
	return f
}

// newAnnounceForm is the composer's starting point: on the portal, and by email when email is
// set up; read receipts asked; sent at once.
func newAnnounceForm(email bool) url.Values {
	f := url.Values{}
	f.Set("importance", string(announce.Info))
	f["channels"] = []string{announce.ChannelPortal}
	if email {
		f["channels"] = []string{announce.ChannelEmail, announce.ChannelPortal}
	}
	f.Set("slack_dm", "1")
	f.Set("ack_required", "1")
	f.Set("when", "now")
	return f
}

// announceRate is the share of n in total, from 0 to 100 (0 when total is 0).
func announceRate(n, total int) int {
	if total == 0 {
		return 0
	}
	return (n*100 + total/2) / total
}
