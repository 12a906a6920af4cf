package web

import "majordome/internal/article"

// deflectionSplit says where the bible answered, for the reports' card "Demandes évitées par
// la bible": "Portail : 12 · Slack : 5 · email : 4", or "" while only the portal counts (the
// card's own sentence then says it all).
func deflectionSplit(p *Page, by map[string]int) string {
	if by[article.ChannelSlack]+by[article.ChannelEmail] == 0 {
		return ""
	}
	return p.T("deflect.reports.split", "portal", p.Num(by[article.ChannelPortal]),
		"slack", p.Num(by[article.ChannelSlack]), "email", p.Num(by[article.ChannelEmail]))
}
