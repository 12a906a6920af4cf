package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/httpx"
	"majordome/internal/request"
)

// homeFirstSize is how many requests "À traiter en premier" lists.
const homeFirstSize = 8

// homeData is what "Aujourd'hui" shows an agent or an admin: what needs them now. A strip of
// counts, each a filter of the queue; the focus under way, if any; the few requests to take
// first; and for admins, the first steps of setting Majordome up and the recent activity.
type homeData struct {
	FirstName string
	Cards     []todayCard
	InFocus   bool
	FocusEnd  time.Time
	Held      int               // notifications waiting for the end of the focus
	First     []request.Request // to take first (request.Desk.Pressing)
	SLA       map[int64]request.SLA
	Now       time.Time // the instant SLAs are judged at: the desk's clock

	Steps     []setupStep
	StepsLeft int
	Activity  []audit.Entry
	PackOffer *packOffer // the starter pack, while the bible is empty (packs_starter.go)
	CanPeople bool
	IsAdmin   bool
}

// todayCard is one count of the "Maintenant" strip: how many requests need something, and the
// queue filtered to them.
type todayCard struct {
	Key   string // today.card.KEY names it
	Count int
	URL   string
	Tone  string // how a count above zero stands out: red, amber or blue
}

// setupStep is one item of the getting-started checklist.
type setupStep struct {
	Key  string
	Done bool
	Href string
}

// todayPresets are the counts of the strip that are exactly a filter of the queue, most urgent
// first, each counted as the queue counts its views (queueFilter), so a card's number is what
// its link lists. "Waiting on you" comes after them (homeCards).
var todayPresets = []struct {
	key, tone string
	preset    url.Values
}{
	{"breached", "red", url.Values{"status": {"active"}, "sla": {string(request.SLABreached)}}},
	{"urgent", "red", url.Values{"status": {"active"}, "priority": {string(request.Urgent)}}},
	{"at_risk", "amber", url.Values{"status": {"active"}, "sla": {string(request.SLAAtRisk)}}},
	{"new", "blue", url.Values{"status": {string(request.StatusNew)}, "assignee": {"none"}}},
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	// Employees and managers have one place to ask and follow their requests: their home is
	// the portal, shown here without a redirect.
	if id, _ := httpx.IdentityFrom(r.Context()); !id.Can(auth.RequestsWork) {
		return s.portal(w, r)
	}
	p := s.newPage(w, r, "home")
	p.Title = p.T("home.title")
	ctx := r.Context()
	v, err := s.viewer(r)
	if err != nil {
		return err
	}
	d := homeData{CanPeople: p.User.Can(auth.PeopleWrite), IsAdmin: p.IsAdmin(), FirstName: firstWord(p.User.Name)}
	if d.Cards, err = s.homeCards(ctx, v); err != nil {
		return err
	}
	if d.FocusEnd, d.InFocus, err = s.Notify.FocusUntil(ctx, p.User.UserID, s.Notify.Now()); err != nil {
		return err
	}
	if d.InFocus {
		if d.Held, err = s.Notify.Held(ctx, p.User.UserID); err != nil {
			return err
		}
	}
	if d.First, err = s.Requests.Pressing(ctx, v, homeFirstSize); err != nil {
		return err
	}
	d.Now = s.Requests.Now()
	if d.SLA, err = s.Requests.SLAs(ctx, d.First); err != nil {
		return err
	}
	if d.IsAdmin {
		if err := s.homeSetup(ctx, p, &d); err != nil {
			return err
		}
		if d.Activity, _, err = s.Audit.List(ctx, audit.Filter{Limit: 8}); err != nil {
			return err
		}
		if d.PackOffer, err = s.homePackOffer(ctx); err != nil {
			return err
		}
	}
	p.Data = d
	return s.render(w, p, "home")
}

// homeCards counts the "Maintenant" strip for v: one COUNT each, through the queue's filters
// and v's visibility.
func (s *Server) homeCards(ctx context.Context, v request.Viewer) ([]todayCard, error) {
	cards := make([]todayCard, 0, len(todayPresets)+1)
	for _, c := range todayPresets {
		n, err := s.Requests.Count(ctx, v, queueFilter(c.preset, v))
		if err != nil {
			return nil, err
		}
		cards = append(cards, todayCard{Key: c.key, Count: n, URL: queueURL(c.preset, ""), Tone: c.tone})
	}
	// What waits on the reader: new or open, assigned to them.
	n, err := s.Requests.WaitingOn(ctx, v)
	if err != nil {
		return nil, err
	}
	mine := url.Values{"status": {"todo"}, "assignee": {"me"}}
	return append(cards, todayCard{Key: "mine", Count: n, URL: queueURL(mine, ""), Tone: "blue"}), nil
}

// homeSetup fills the getting-started checklist of an admin.
func (s *Server) homeSetup(ctx context.Context, p *Page, d *homeData) error {
	stats, err := s.People.Stats(ctx)
	if err != nil {
		return err
	}
	users, err := s.Auth.Users(ctx)
	if err != nil {
		return err
	}
	tokens, err := s.Auth.Tokens(ctx)
	if err != nil {
		return err
	}
	d.Steps = []setupStep{
		{"home.step.company", p.Company.Name != "" && p.Company.Name != "Mon entreprise", "/settings"},
		{"home.step.people", stats.Active > 1, "/people/import"},
		{"home.step.sites", stats.Sites > 0, "/settings/sites"},
		{"home.step.team", len(users) > 1, "/settings/users"},
		{"home.step.token", len(tokens) > 0, "/settings/tokens"},
	}
	for _, st := range d.Steps {
		if !st.Done {
			d.StepsLeft++
		}
	}
	return nil
}

func firstWord(s string) string {
	for i, r := range s {
		if r == ' ' {
			return s[:i]
		}
	}
	return s
}
