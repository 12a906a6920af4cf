package web

import (
	"html/template"
	"net/http"
	"net/url"
	"time"

	"majordome/internal/announce"
)

// announcementsPageSize is how many announcements one page of the history shows.
const announcementsPageSize = 30

// announceListData is the history: one page of announcements, newest first.
type announceListData struct {
	Rows     []announceListRow
	NextURL  string
	FirstURL string
}

// announceListRow is one announcement with the figures the history shows.
type announceListRow struct {
	announce.Announcement
	When    *time.Time // sent, planned, or last edited for a draft
	AckRate int
}

// announcementsList shows every announcement with its reach and acknowledgement rate.
func (s *Server) announcementsList(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "announcements")
	p.Title = p.T("announcecompose.title")
	cursor := r.URL.Query().Get("cursor")
	list, next, err := s.Announce.List(r.Context(), cursor, announcementsPageSize)
	if err != nil && cursor != "" { // an old or edited link: start again from the top
		cursor = ""
		list, next, err = s.Announce.List(r.Context(), "", announcementsPageSize)
	}
	if err != nil {
		return err
	}
	d := announceListData{}
	for _, a := range list {
		row := announceListRow{Announcement: a, AckRate: announceRate(a.Counts.Acknowledged, a.Counts.Recipients)}
		switch {
		case a.SentAt != nil:
			row.When = a.SentAt
		case a.SendAt != nil:
			row.When = a.SendAt
		default:
			row.When = &row.UpdatedAt
		}
		d.Rows = append(d.Rows, row)
	}
	if next != "" {
		d.NextURL = "/announcements?" + url.Values{"cursor": {next}}.Encode()
	}
	if cursor != "" {
		d.FirstURL = "/announcements"
	}
	p.Data = d
	return s.render(w, p, "announcements_list")
}

// AnnounceStatus is the badge of an announcement's status, by colour and by word.
func (p *Page) AnnounceStatus(status string) template.HTML {
	color := map[string]string{announce.StatusDraft: "gray", announce.StatusScheduled: "blue",
		announce.StatusSending: "amber", announce.StatusSent: "green", announce.StatusCancelled: "gray"}[status]
	if color == "" {
		color = "gray"
	}
	return announceBadge(color, p.T("announcecompose.status."+status))
}

// AnnounceImportance is the badge of an announcement's importance.
func (p *Page) AnnounceImportance(i announce.Importance) template.HTML {
	color := map[announce.Importance]string{announce.Info: "gray", announce.Important: "amber", announce.Action: "red"}[i]
	if color == "" {
		color, i = "gray", announce.Info
	}
	return announceBadge(color, p.T("announcecompose.importance."+string(i)))
}

// AnnounceState is the badge of a recipient's state.
func (p *Page) AnnounceState(state string) template.HTML {
	color := map[string]string{announce.RecipientQueued: "gray", announce.RecipientSent: "blue",
		announce.RecipientFailed: "red", announce.RecipientRead: "amber", announce.RecipientAcknowledged: "green"}[state]
	if color == "" {
		color = "gray"
	}
	return announceBadge(color, p.T("announcecompose.state."+state))
}

func announceBadge(color, label string) template.HTML {
	return template.HTML(`<span class="badge badge-` + color + `"><span class="dot dot-` + color + `"></span>` +
		template.HTMLEscapeString(label) + `</span>`)
}
