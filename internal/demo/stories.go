package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"majordome/internal/article"
	"majordome/internal/auth"
	"majordome/internal/civil"
	"majordome/internal/people"
	"majordome/internal/request"
)

// deflectMessage is what the Slack button and the email link write in the request when a
// guide settled it (the catalogue's deflect.message, in the company's language).
const deflectMessage = "Réglé grâce à la bible : "

// withdraw plans the requester's « C'est réglé grâce à ce guide » on f, in the channel f came
// from, as slackbot's deflectAction and web's deflectEmailConfirm do.
func (hi *history) withdraw(at time.Time, f *filed) {
	hi.at(at, func(ctx context.Context) error {
		p := f.requester
		av := article.Viewer{PersonID: p.ID, Name: p.FullName(), Email: p.Email, Role: auth.Employee}
		guide, err := hi.h.bible.Read(ctx, av, f.topic.guide)
		if err != nil {
			return fmt.Errorf("demo: guide %s: %w", f.topic.guide, err)
		}
		channel := article.ChannelSlack
		if f.channel == request.Email {
			channel = article.ChannelEmail
		}
		ctx = as(ctx, p.FullName())
		_, err = hi.h.desk.Withdraw(ctx, requester(p), f.number, deflectMessage+guide.Title, f.channel,
			func(tx *sql.Tx, r request.Request) error {
				return hi.h.bible.DeflectTx(ctx, tx, av, guide, strings.TrimSpace(r.Title+"\n"+r.Description), channel, r.ID)
			})
		if err != nil {
			return fmt.Errorf("demo: withdraw #%d: %w", f.number, err)
		}
		return nil
	})
}

// portalQuestion plans a question typed in the portal that the guide q.guide answered (« Ça
// m'a aidé »): the bible counts it, and no request is filed.
func (hi *history) portalQuestion(at time.Time, p people.Person, q question) {
	hi.at(at, func(ctx context.Context) error {
		av := article.Viewer{PersonID: p.ID, Name: p.FullName(), Email: p.Email, Role: auth.Employee}
		guide, err := hi.h.bible.Read(ctx, av, q.guide)
		if err != nil {
			return fmt.Errorf("demo: guide %s: %w", q.guide, err)
		}
		return hi.h.bible.Deflect(as(ctx, p.FullName()), av, guide.ID, q.text)
	})
}

// wifiOutage is Tuesday of last week in Lyon: the Wi-Fi drops, four people say so within half
// an hour, and Lucie merges three of them into Gaëlle's, the first. Zoé, one of the three,
// follows Gaëlle's request on her portal from then on.
func (hi *history) wifiOutage(today civil.Date) {
	tuesday := monday(today).AddDate(0, 0, -6)
	at := func(day, h, m int) time.Time {
		return time.Date(tuesday.Year(), tuesday.Month(), tuesday.Day()+day, h, m, 0, 0, hi.loc)
	}
	first := &filed{requester: hi.byEmail[email("Gaëlle", "Robert")], channel: request.Slack,
		topic: topic{"Le Wi-Fi coupe sans arrêt à Lyon", "Depuis 9 h le Wi-Fi du bureau de Lyon coupe toutes les deux minutes, impossible de tenir une visio.", "IT & Wi-Fi", ""}}
	hi.create(at(0, 9, 4), first)
	dups := []*filed{
		{requester: hi.byEmail[email("Zoé", "Thomas")], channel: request.Web,
			topic: topic{"Wi-Fi très instable", "Je perds la connexion en permanence ce matin, je ne peux pas envoyer mes devis.", "IT & Wi-Fi", ""}},
		{requester: hi.byEmail[email("Anaïs", "Leroy")], channel: request.Email,
			topic: topic{"Plus d'internet au bureau", "Bonjour, plus rien ne passe depuis ce matin à Part-Dieu. Anaïs", "IT & Wi-Fi", ""}},
		{requester: hi.byEmail[email("Bastien", "Renaud")], channel: request.Slack,
			topic: topic{"Wi-Fi Lyon HS ?", "C'est moi ou le Wi-Fi ne marche plus du tout ?", "IT & Wi-Fi", ""}},
	}
	for i, d := range dups {
		hi.create(at(0, 9, 11+8*i), d)
	}
	lucie := hi.lucie
	hi.at(at(0, 9, 48), func(ctx context.Context) error {
		ctx = as(ctx, lucie.Name)
		for _, d := range dups {
			if _, err := hi.h.desk.Merge(ctx, lucie.Viewer, d.number, first.number); err != nil {
				return fmt.Errorf("demo: merge #%d into #%d: %w", d.number, first.number, err)
			}
		}
		waiting, self := request.StatusWaitingThirdParty, lucie.UserID
		if _, err := hi.h.desk.Update(ctx, lucie.Viewer, first.number, request.Change{Status: &waiting, AssigneeID: &self}); err != nil {
			return err
		}
		_, err := hi.h.desk.Reply(ctx, lucie.Viewer, first.number,
			"Le routeur de l'étage est en panne : le prestataire passe demain matin. En attendant, le partage de connexion du téléphone dépanne.", false, request.Web)
		return err
	})
	hi.at(at(1, 11, 32), func(ctx context.Context) error {
		ctx = as(ctx, lucie.Name)
		if _, err := hi.h.desk.Reply(ctx, lucie.Viewer, first.number, "Le routeur a été remplacé, le Wi-Fi est revenu pour tout le monde.", false, request.Web); err != nil {
			return err
		}
		resolved := request.StatusResolved
		_, err := hi.h.desk.Update(ctx, lucie.Viewer, first.number, request.Change{Status: &resolved})
		return err
	})
	hi.at(at(1, 14, 7), func(ctx context.Context) error {
		p := first.requester
		return hi.h.desk.Rate(as(ctx, p.FullName()), requester(p), first.number, 1, "Merci Lucie, ça remarche !")
	})
}

// twice is Pauline filing the same question by email, then on the portal forty minutes later,
// on Thursday two weeks ago: Léa merges the second into the first and answers there.
func (hi *history) twice(today civil.Date) {
	thursday := monday(today).AddDate(0, 0, -11)
	at := func(h, m int) time.Time {
		return time.Date(thursday.Year(), thursday.Month(), thursday.Day(), h, m, 0, 0, hi.loc)
	}
	pauline := hi.byEmail[email("Pauline", "Roche")]
	first := &filed{requester: pauline, channel: request.Email, topic: topic{"Note de frais refusée",
		"Ma note de frais du salon de Lille a été refusée sans explication, pouvez-vous regarder ?", "Comptabilité & notes de frais", ""}}
	again := &filed{requester: pauline, channel: request.Web, topic: topic{"Remboursement du salon de Lille",
		"Je relance pour ma note de frais refusée (envoyée par mail ce matin).", "Comptabilité & notes de frais", ""}}
	hi.create(at(10, 2), first)
	hi.create(at(10, 43), again)
	lea := hi.lea
	hi.at(at(11, 15), func(ctx context.Context) error {
		ctx = as(ctx, lea.Name)
		if _, err := hi.h.desk.Merge(ctx, lea.Viewer, again.number, first.number); err != nil {
			return fmt.Errorf("demo: merge #%d into #%d: %w", again.number, first.number, err)
		}
		self, open := lea.UserID, request.StatusOpen
		if _, err := hi.h.desk.Update(ctx, lea.Viewer, first.number, request.Change{Status: &open, AssigneeID: &self}); err != nil {
			return err
		}
		_, err := hi.h.desk.Reply(ctx, lea.Viewer, first.number,
			"La photo du ticket de l'hôtel était illisible : renvoyez-la depuis l'appli et Noël la valide dans la journée.", false, request.Web)
		return err
	})
	hi.at(at(16, 40), func(ctx context.Context) error {
		resolved := request.StatusResolved
		_, err := hi.h.desk.Update(as(ctx, lea.Name), lea.Viewer, first.number, request.Change{Status: &resolved})
		return err
	})
}

// backlogSize is how many requests of the last two working days wait for the desk when the demo
// opens, besides the history's own recent ones: the queue and « Aujourd'hui » show a morning's
// work, not an empty desk.
const backlogSize = 9

// backlog plans what waits for the team when the demo opens: requests filed in the last two
// working days that nobody has handled yet (one of them urgent), and a few answered but still
// waiting on their requester.
func (hi *history) backlog() {
	// The last two working days that have begun: on a Monday at 7:00 (or a Sunday evening),
	// Thursday's and Friday's, not the weekend's empty hours.
	local := hi.end.In(hi.loc)
	from := time.Date(local.Year(), local.Month(), local.Day(), 8, 0, 0, 0, hi.loc)
	for days := 0; ; from = time.Date(from.Year(), from.Month(), from.Day()-1, 8, 0, 0, 0, hi.loc) {
		if workingDay(civil.Of(from)) && from.Before(hi.end.Add(-10*time.Minute)) {
			if days++; days == 2 {
				break
			}
		}
	}
	span := hi.end.Sub(from)
	for tries := 0; tries < 200 && len(hi.waiting) < backlogSize; tries++ {
		at := hi.end.Add(-hi.between(10*time.Minute, span))
		if local := at.In(hi.loc); !workingDay(civil.Of(local)) || local.Hour() < 8 || local.Hour() >= 19 {
			continue
		}
		who := hi.askers(civil.Of(at.In(hi.loc)))
		f := &filed{requester: pick(hi, who), topic: pick(hi, topics), channel: hi.channel()}
		if len(hi.waiting) > 0 && strings.HasPrefix(f.topic.title, "Fuite") {
			continue // the rule « Fuite ou dégât des eaux » would make it a second urgent request
		}
		if !hi.create(at, f) {
			continue
		}
		hi.waiting = append(hi.waiting, f)
		switch n := len(hi.waiting); {
		case n == 1: // the Wi-Fi or the door that cannot wait
			hi.at(at.Add(time.Minute), func(ctx context.Context) error {
				urgent, agent := request.Urgent, hi.agentFor(f.requester, f.topic)
				_, err := hi.h.desk.Update(as(ctx, agent.Name), agent.Viewer, f.number, request.Change{Priority: &urgent})
				return err
			})
		case n%3 == 0: // answered, a question back to the requester
			agent := hi.agentFor(f.requester, f.topic)
			hi.at(at.Add(hi.between(5*time.Minute, 9*time.Minute)), func(ctx context.Context) error {
				ctx = as(ctx, agent.Name)
				self := agent.UserID
				if _, err := hi.h.desk.Update(ctx, agent.Viewer, f.number, request.Change{AssigneeID: &self}); err != nil {
					return fmt.Errorf("demo: assign #%d: %w", f.number, err)
				}
				if _, err := hi.h.desk.Reply(ctx, agent.Viewer, f.number, pick(hi, answers), false, request.Web); err != nil {
					return err
				}
				waiting := request.StatusWaitingRequester
				_, err := hi.h.desk.Update(ctx, agent.Viewer, f.number, request.Change{Status: &waiting})
				return err
			})
		}
	}
}
