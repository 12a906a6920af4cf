package slackbot

import (
	"context"
	"database/sql"
	"net/url"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"majordome/internal/request"
)

// homeView is one of the queue's saved views (internal/web/requests_views.go) as App Home
// counts it: its name, its filter for the agent, and the queue's URL showing it.
type homeView struct {
	Key    string
	Filter func(v request.Viewer) request.Filter
	Query  url.Values
}

// homeViews are the queue's saved views that App Home counts, in the queue's order (the
// view of what is done is not counted there either).
var homeViews = []homeView{
	{"mine", func(v request.Viewer) request.Filter { return request.Filter{Status: "active", AssigneeID: v.UserID} },
		url.Values{"status": {"active"}, "assignee": {"me"}}},
	{"unassigned", func(request.Viewer) request.Filter { return request.Filter{Status: "active", AssigneeID: -1} },
		url.Values{"status": {"active"}, "assignee": {"none"}}},
	{"urgent", func(request.Viewer) request.Filter { return request.Filter{Status: "active", Priority: request.Urgent} },
		url.Values{"status": {"active"}, "priority": {"urgent"}}},
	{"waiting", func(request.Viewer) request.Filter { return request.Filter{Status: "waiting"} },
		url.Values{"status": {"waiting"}}},
	{"active", func(request.Viewer) request.Filter { return request.Filter{Status: "active"} },
		url.Values{"status": {"active"}}},
}

// homeLimit is how many requests each list of App Home shows.
const homeLimit = 10

// homeOpened publishes the App Home of the person who opened it.
func (a *App) homeOpened(ctx context.Context, e *slackevents.AppHomeOpenedEvent) error {
	if e.Tab != "" && e.Tab != "home" {
		return nil
	}
	ctx, who, err := a.actorFor(ctx, e.User)
	if err != nil {
		return a.refuse(ctx, "", e.User, langOf(""), err)
	}
	blocks, err := a.homeBlocks(ctx, who)
	if err != nil {
		return err
	}
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	return a.DB.Tx(ctx, func(tx *sql.Tx) error {
		return a.call(ctx, tx, "views.publish", map[string]any{"user_id": e.User, "view": view}, "")
	})
}

// homeBlocks is App Home for who: their open requests and a button to file one; for an agent,
// also the counts of the queue's saved views and the requests at risk of missing their SLA.
func (a *App) homeBlocks(ctx context.Context, who actor) ([]slack.Block, error) {
	lang, v := who.Lang, who.Viewer
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(a.t(lang, "home.heading", "name", who.Person.FirstName))),
		slack.NewActionBlock("home_actions",
			slack.NewButtonBlockElement(actNew, "new", plain(a.t(lang, "home.new"))).WithStyle(slack.StylePrimary),
			linkButton(a.t(lang, "home.portal"), a.link("/portal"))),
	}
	if v.IsAgent() {
		var lines string
		for _, hv := range homeViews {
			n, err := a.Desk.Count(ctx, v, hv.Filter(v))
			if err != nil {
				return nil, err
			}
			lines += a.t(lang, "home.view", "name", a.t(lang, "home.view."+hv.Key), "n", n,
				"link", a.link("/requests?"+hv.Query.Encode())) + "\n"
		}
		blocks = append(blocks, slack.NewDividerBlock(),
			slack.NewSectionBlock(mrkdwn("*"+a.t(lang, "home.views")+"*\n"+lines), nil, nil))
		var risky []request.Request
		for _, st := range []request.SLAState{request.SLABreached, request.SLAAtRisk} {
			p, err := a.Desk.List(ctx, v, request.Filter{Status: "active", SLA: st, Limit: homeLimit})
			if err != nil {
				return nil, err
			}
			risky = append(risky, p.Items...)
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*"+a.t(lang, "home.at_risk")+"*"), nil, nil))
		if len(risky) == 0 {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(a.t(lang, "home.at_risk_none"))))
		}
		for i, r := range risky {
			if i == homeLimit {
				break
			}
			blocks = append(blocks, a.homeLine(r, lang, a.deskLink(r.Number), "desk.status."))
		}
	}
	var p request.Page
	if v.PersonID != 0 { // RequesterID 0 would not filter
		var err error
		if p, err = a.Desk.List(ctx, v, request.Filter{Status: "active", RequesterID: v.PersonID, Limit: homeLimit}); err != nil {
			return nil, err
		}
	}
	blocks = append(blocks, slack.NewDividerBlock(),
		slack.NewSectionBlock(mrkdwn("*"+a.t(lang, "home.mine")+"*"), nil, nil))
	if len(p.Items) == 0 {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(a.t(lang, "home.mine_none"))))
		return blocks, nil
	}
	for _, r := range p.Items {
		blocks = append(blocks, a.homeLine(r, lang, a.portalLink(r.Number), "portal.status."))
	}
	return blocks, nil
}

// homeLine is one request of App Home: number, title and status, and a link.
func (a *App) homeLine(r request.Request, lang, link, statusKeys string) slack.Block {
	text := a.t(lang, "home.line", "number", r.Number, "title", esc(r.Title),
		"status", a.I18n.T(lang, statusKeys+string(r.Status)))
	return slack.NewSectionBlock(mrkdwn(text), nil,
		slack.NewAccessory(linkButton(a.t(lang, "open"), link)))
}
