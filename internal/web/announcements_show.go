package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"majordome/internal/announce"
	"majordome/internal/people"
)

// announceRecipientsPage is how many recipients one page of an announcement shows.
const announceRecipientsPage = 50

// announceRecipientStates are the filters of the recipients table, "" for everyone.
var announceRecipientStates = []string{"", "pending", announce.RecipientAcknowledged, announce.RecipientFailed}

// announceShowData is an announcement's page: what was sent, its figures, the acknowledgements
// per team and site, and one page of its recipients as filtered.
type announceShowData struct {
	A          announce.Announcement
	Editable   bool // not gone yet: edit and cancel
	Pending    int  // recipients who have not acknowledged
	Remindable int  // of them, those Slack or email reached: who a reminder goes to
	AckRate    int
	ByTeam     []announceBreakdownRow
	BySite     []announceBreakdownRow
	Teams      []people.Team
	Sites      []people.Site
	States     []string
	Filter     announce.RecipientFilter
	Filtered   bool
	Recipients []announce.Recipient
	NextURL    string
	FirstURL   string
}

// announceBreakdownRow is one team or site with its acknowledgement rate.
type announceBreakdownRow struct {
	announce.Breakdown
	Rate int
}

// announceShow shows an announcement. An htmx request (the recipients' filters) gets only the
// recipients table.
func (s *Server) announceShow(w http.ResponseWriter, r *http.Request) error {
	a, err := s.announcement(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := s.newPage(w, r, "announcements")
	p.Title = a.Title
	q := r.URL.Query()
	d := &announceShowData{A: a, Editable: announceEditable(a), States: announceRecipientStates,
		Pending: a.Counts.Recipients - a.Counts.Acknowledged, AckRate: announceRate(a.Counts.Acknowledged, a.Counts.Recipients)}
	if slices.Contains(a.Channels, announce.ChannelSlack) || slices.Contains(a.Channels, announce.ChannelEmail) {
		// The portal's banner stays until acknowledged: reminders go through Slack and email,
		// to those they reached (neither failed nor still queued).
		d.Remindable = max(0, d.Pending-a.Counts.Failed-a.Counts.Queued)
	}
	d.Filter = announce.RecipientFilter{State: q.Get("state"), Q: strings.TrimSpace(q.Get("q")), Cursor: q.Get("cursor"), Limit: announceRecipientsPage}
	if !slices.Contains(announceRecipientStates, d.Filter.State) {
		d.Filter.State = ""
	}
	d.Filter.TeamID, _ = strconv.ParseInt(q.Get("team"), 10, 64)
	d.Filter.SiteID, _ = strconv.ParseInt(q.Get("site"), 10, 64)
	d.Filtered = d.Filter.State != "" || d.Filter.Q != "" || d.Filter.TeamID != 0 || d.Filter.SiteID != 0
	list, next, err := s.Announce.Recipients(ctx, a.ID, d.Filter)
	if err != nil && d.Filter.Cursor != "" { // an old or edited link: start again from the top
		d.Filter.Cursor = ""
		list, next, err = s.Announce.Recipients(ctx, a.ID, d.Filter)
	}
	if err != nil {
		return announceErr(err)
	}
	d.Recipients = list
	base := "/announcements/" + strconv.FormatInt(a.ID, 10)
	if next != "" {
		d.NextURL = announceRecipientsURL(base, q, next)
	}
	if d.Filter.Cursor != "" {
		d.FirstURL = announceRecipientsURL(base, q, "")
	}
	p.Data = d
	w.Header().Set("Vary", "HX-Request")
	if wantsFragment(r) {
		return s.tmpl.fragment(w, "announcements_show", "announce-recipients", p)
	}

	teams, err := s.Announce.ByTeam(ctx, a.ID)
	if err != nil {
		return err
	}
	sites, err := s.Announce.BySite(ctx, a.ID)
	if err != nil {
		return err
	}
	d.ByTeam, d.BySite = announceBreakdownRows(teams), announceBreakdownRows(sites)
	if d.Teams, err = s.People.Teams(ctx); err != nil {
		return err
	}
	if d.Sites, err = s.People.Sites(ctx); err != nil {
		return err
	}
	return s.render(w, p, "announcements_show")
}

func announceBreakdownRows(list []announce.Breakdown) []announceBreakdownRow {
	out := make([]announceBreakdownRow, 0, len(list))
	for _, b := range list {
		out = append(out, announceBreakdownRow{Breakdown: b, Rate: announceRate(b.Acknowledged, b.Recipients)})
	}
	return out
}

// announceRecipientsURL is the announcement's page with the same filters, at cursor ("" for
// the first page).
func announceRecipientsURL(base string, q url.Values, cursor string) string {
	v := url.Values{}
	for _, k := range []string{"state", "team", "site", "q"} {
		if q.Get(k) != "" {
			v.Set(k, q.Get(k))
		}
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if len(v) == 0 {
		return base + "#recipients"
	}
	return base + "?" + v.Encode() + "#recipients"
}
