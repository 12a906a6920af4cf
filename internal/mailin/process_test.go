package mailin_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"majordome/internal/db"
	"majordome/internal/mailin"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// TestNewRequestsFromCorpus files each new email of testdata: the right requester, the title
// from the subject, the text with its accents whatever the charset, the files on the request,
// and a note of the files the desk refuses.
func TestNewRequestsFromCorpus(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		for _, tc := range []struct {
			file, requester, title string
			text                   []string
			files                  []string
		}{
			{"01-outlook-nouvelle-demande.eml", "helene.bernard@exemple.fr", "Plus d'eau chaude au 3ème étage",
				[]string{"Depuis ce matin il n'y a plus d'eau chaude dans la cuisine du 3ème étage."}, nil},
			{"03-apple-mail-piece-jointe.eml", "francois.dubois@exemple.fr", "Chaise cassée",
				[]string{"Le vérin de ma chaise a lâché (photo jointe), poste 3-14."}, []string{"chaise.png"}},
			{"05-iso-8859-1.eml", "chloe.lefevre@exemple.fr", "Réservation de la salle « Clémence » jeudi",
				[]string{"Pourriez-vous réserver la salle « Clémence » jeudi de 14 h à 16 h ?"}, nil},
			{"06-windows-1252.eml", "noel.martin@exemple.fr", "Note de frais – déjeuner à 150 €",
				[]string{"J’ai avancé 150 € pour le déjeuner d’équipe…", "l’œuvre"}, nil},
			{"07-outlook-html-seul.eml", "helene.bernard@exemple.fr", "Fuite machine à café",
				[]string{"La machine à café du 2", "Le devis du réparateur est de 80 €."}, nil},
			{"10-image-en-ligne.eml", "helene.bernard@exemple.fr", "Écran du hall éteint",
				[]string{"L'écran du hall est noir depuis ce matin"}, []string{"image-2.png"}},
			{"16-pieces-jointes-refusees.eml", "zoe.thomas@exemple.fr", "Devis imprimante",
				[]string{"Voici le devis", "Pièces jointes non reprises : pilote.exe (type de fichier non accepté)."},
				[]string{"devis.pdf"}},
			{"18-outlook-latin1-cp1252.eml", "noel.martin@exemple.fr", "L’imprimante du 2ème … encore",
				[]string{"L’imprimante du 2ème refuse d’imprimer en couleur… Le toner coûte 95 €."}, nil},
		} {
			out := o.process(t, corpus(t, tc.file))
			if out.State != mailin.StateCreated || out.Request == 0 {
				t.Fatalf("%s: %+v", tc.file, out)
			}
			r := o.request(t, out.Request)
			if r.RequesterEmail != tc.requester || r.Title != tc.title || r.Channel != request.Email {
				t.Errorf("%s: requester %s, title %q, channel %s", tc.file, r.RequesterEmail, r.Title, r.Channel)
			}
			for _, s := range tc.text {
				if !strings.Contains(r.Description, s) {
					t.Errorf("%s: description lacks %q:\n%s", tc.file, s, r.Description)
				}
			}
			if got := o.attachments(t, out.Request); !slices.Equal(got, tc.files) {
				t.Errorf("%s: attachments %v, want %v", tc.file, got, tc.files)
			}
		}
		if n := len(o.thread.recorded); n != 8 {
			t.Errorf("%d Message-IDs recorded in the threads, want 8", n)
		}
	})
}

// TestRepliesLandOnTheRequest answers a request by email from each client: the reply is the
// requester's message, without the quoted history, matched by the plus-address, by our
// Message-ID, by a Message-ID recorded from an earlier email, by the subject tag.
func TestRepliesLandOnTheRequest(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		first := o.process(t, corpus(t, "01-outlook-nouvelle-demande.eml"))
		n := first.Request
		for _, tc := range []struct{ file, want string }{
			{"02-gmail-reponse-citee.eml", "C'est bon, le plombier est passé, ça remarche. Merci beaucoup !"},
			{"08-outlook-fr-reponse.eml", "Parfait, merci Jérôme. Je serai là jusqu'à 18 h.\n\nHélène Bernard\nResponsable marketing"},
			{"17-gmail-en-reponse.eml", "Thanks, see you Thursday."},
		} {
			out := o.process(t, corpus(t, tc.file, n))
			if out.State != mailin.StateReplied || out.Request != n || out.MessageID == 0 {
				t.Fatalf("%s: %+v", tc.file, out)
			}
		}
		msgs := o.conversation(t, n)
		if len(msgs) != 3 {
			t.Fatalf("%d messages", len(msgs))
		}
		for i, want := range []string{"C'est bon, le plombier est passé, ça remarche. Merci beaucoup !",
			"Parfait, merci Jérôme. Je serai là jusqu'à 18 h.\n\nHélène Bernard\nResponsable marketing", "Thanks, see you Thursday."} {
			m := msgs[i]
			if m.Body != want || m.Channel != request.Email || m.Internal || m.AuthorName != "Hélène Bernard" {
				t.Errorf("message %d: %+v", i, m)
			}
		}

		// An agent's email answer is the team's public reply.
		out := o.process(t, corpus(t, "15-outlook-en-reponse.eml", n))
		msgs = o.conversation(t, n)
		if last := msgs[len(msgs)-1]; out.State != mailin.StateReplied || last.AuthorUserID != o.jerome ||
			last.Internal || last.Body != "The plumber confirmed Thursday morning.\n\nJerome" {
			t.Errorf("agent reply: %+v, %+v", out, last)
		}
		if r := o.request(t, n); r.FirstResponseAt == nil {
			t.Error("the agent's email reply is the first response")
		}

		// A reply quoting the Message-ID of the email that filed a request lands there, files
		// and all.
		chair := o.process(t, corpus(t, "03-apple-mail-piece-jointe.eml"))
		out = o.process(t, corpus(t, "09-apple-mail-reponse.eml"))
		if out.State != mailin.StateReplied || out.Request != chair.Request {
			t.Fatalf("apple reply: %+v (request %d)", out, chair.Request)
		}
		if msgs := o.conversation(t, chair.Request); len(msgs) != 1 || msgs[0].Body != "Super, elle est comme neuve. Merci !" {
			t.Errorf("apple reply: %+v", msgs)
		}
	})
}

// TestStrangerNeverWritesIntoSomeonesRequest: an email that names a request its sender may not
// see files a new request of theirs.
func TestStrangerNeverWritesIntoSomeonesRequest(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		n := o.process(t, corpus(t, "01-outlook-nouvelle-demande.eml")).Request
		raw := fmt.Sprintf("From: Chloé <chloe.lefevre@exemple.fr>\r\nTo: office+%d@exemple.fr\r\nSubject: Re: [#%d] Plus d'eau chaude\r\n"+
			"Message-ID: <stranger.1@exemple.fr>\r\nIn-Reply-To: <request-%d@exemple.fr>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"Je m'incruste.\r\n", n, n, n)
		out := o.process(t, []byte(raw))
		if out.State != mailin.StateCreated || out.Request == n {
			t.Fatalf("%+v", out)
		}
		if got := o.request(t, out.Request); got.RequesterEmail != "chloe.lefevre@exemple.fr" || got.Title != "Plus d'eau chaude" {
			t.Errorf("%+v", got)
		}
		if msgs := o.conversation(t, n); len(msgs) != 0 {
			t.Errorf("the stranger wrote into #%d: %+v", n, msgs)
		}
	})
}

// TestSameEmailTwiceIsProcessedOnce: an IMAP re-poll or an SMTP retry brings the same email
// again; it is stored and processed once, even when its job runs twice.
func TestSameEmailTwiceIsProcessedOnce(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		raw := corpus(t, "01-outlook-nouvelle-demande.eml")
		stored, err := o.in.Store(ctx, "imap", raw)
		if err != nil || !stored {
			t.Fatal(stored, err)
		}
		if stored, err := o.in.Store(ctx, "smtp", raw); err != nil || stored {
			t.Fatalf("stored again: %v %v", stored, err)
		}
		a := o.process(t, raw)
		b := o.process(t, raw)
		if a.Request == 0 || a != b {
			t.Fatalf("%+v then %+v", a, b)
		}
		if n := o.count(t, "requests"); n != 1 {
			t.Fatalf("%d requests", n)
		}
		if n := o.count(t, "mail_inbound"); n != 1 {
			t.Fatalf("%d emails stored", n)
		}
	})
}

// TestNoiseCreatesNothingAndSendsNothing: an out-of-office, bulk mail, a list, an X-Autoreply,
// our own mail never become requests nor get an answer.
func TestNoiseCreatesNothingAndSendsNothing(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		n := o.process(t, corpus(t, "01-outlook-nouvelle-demande.eml")).Request
		requests, messages, persons := o.count(t, "requests"), o.count(t, "request_messages"), o.count(t, "people")
		notifications, jobsBefore := o.count(t, "notifications"), o.count(t, "jobs WHERE kind <> 'mail.inbound'")
		own := "From: Office <office+12@exemple.fr>\r\nTo: office@exemple.fr\r\nSubject: [#12] Loop\r\nMessage-ID: <loop@exemple.fr>\r\n\r\nLoop.\r\n"
		for _, raw := range [][]byte{corpus(t, "04-absence-automatique.eml", n), corpus(t, "12-liste.eml"),
			corpus(t, "13-precedence-bulk.eml"), corpus(t, "14-x-autoreply.eml", n), []byte(own)} {
			if out := o.process(t, raw); out.State != mailin.StateIgnored {
				t.Errorf("%+v", out)
			}
		}
		if o.count(t, "requests") != requests || o.count(t, "request_messages") != messages || o.count(t, "people") != persons {
			t.Error("noise created something")
		}
		if o.count(t, "notifications") != notifications || o.count(t, "jobs WHERE kind <> 'mail.inbound'") != jobsBefore || len(o.replier.sent) != 0 {
			t.Error("noise was answered or notified")
		}
	})
}

// TestBounceMarksTheAddressFailing: a delivery status notification marks its failed recipient
// and tells the admins.
func TestBounceMarksTheAddressFailing(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		out := o.process(t, corpus(t, "11-dsn-echec.eml"))
		if out.State != mailin.StateBounce {
			t.Fatalf("%+v", out)
		}
		if reason, ok := o.thread.failing["ancien.salarie@exemple.fr"]; !ok || !strings.Contains(reason, "User unknown") {
			t.Errorf("failing: %v", o.thread.failing)
		}
		if got := o.inbox(t, o.camille); !slices.Equal(got, []string{"mail.bounce"}) {
			t.Errorf("admin inbox %v", got)
		}
		if got := o.inbox(t, o.jerome); len(got) != 0 {
			t.Errorf("an agent is told of bounces: %v", got)
		}
		if o.count(t, "requests") != 0 {
			t.Error("a bounce filed a request")
		}
	})
}

// TestUnknownSenders: per the setting, an unknown sender is created as an external contact
// flagged for review, or answered politely with nothing created.
func TestUnknownSenders(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		mk := func(id string) []byte {
			return []byte("From: \"Plomberie Martin\" <Contact@Plomberie-Martin.fr>\r\nTo: office@exemple.fr\r\n" +
				"Subject: =?utf-8?Q?Devis_r=C3=A9paration?=\r\nMessage-ID: <" + id + "@plomberie-martin.fr>\r\n" +
				"Content-Type: text/plain; charset=utf-8\r\n\r\nVeuillez trouver notre devis.\r\n")
		}
		if _, err := o.in.SetSettings(ctx, mailin.Settings{UnknownSender: mailin.UnknownRefuse}); err != nil {
			t.Fatal(err)
		}
		out := o.process(t, mk("a1"))
		if out.State != mailin.StateRefused || o.count(t, "requests") != 0 || o.count(t, "people") != 6 {
			t.Fatalf("refused: %+v", out)
		}
		if len(o.replier.sent) != 1 || o.replier.sent[0] != "contact@plomberie-martin.fr|Re: Devis réparation|<a1@plomberie-martin.fr>" ||
			!strings.Contains(o.replier.text, "office@exemple.fr") {
			t.Errorf("auto reply %v %q", o.replier.sent, o.replier.text)
		}

		if _, err := o.in.SetSettings(ctx, mailin.Settings{UnknownSender: mailin.UnknownCreate}); err != nil {
			t.Fatal(err)
		}
		out = o.process(t, mk("a2"))
		if out.State != mailin.StateCreated {
			t.Fatalf("created: %+v", out)
		}
		p, err := o.dir.GetByEmail(ctx, "contact@plomberie-martin.fr")
		if err != nil || !p.External || p.Review == "" || p.FirstName != "Plomberie" || p.LastName != "Martin" {
			t.Fatalf("contact %+v %v", p, err)
		}
		if r := o.request(t, out.Request); r.RequesterID != p.ID || r.Title != "Devis réparation" {
			t.Errorf("%+v", r)
		}
		if _, err := o.in.SetSettings(ctx, mailin.Settings{UnknownSender: "maybe"}); err == nil {
			t.Error("a wrong setting is saved")
		}
	})
}

// TestRateLimitStopsRunawaySenders: past the hourly limit, a sender's emails are dropped and
// the admins told once.
func TestRateLimitStopsRunawaySenders(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		o.in.RateLimit = 3
		var states []string
		for i := range 6 {
			raw := fmt.Sprintf("From: zoe.thomas@exemple.fr\r\nTo: office@exemple.fr\r\nSubject: Badge %d\r\n"+
				"Message-ID: <loop.%d@exemple.fr>\r\n\r\nBadge ?\r\n", i, i)
			states = append(states, o.process(t, []byte(raw)).State)
		}
		want := []string{"created", "created", "created", "limited", "limited", "limited"}
		if !slices.Equal(states, want) {
			t.Errorf("%v", states)
		}
		if got := o.inbox(t, o.camille); slices.Index(got, "mail.rate_limited") < 0 || len(slices.DeleteFunc(got, func(k string) bool { return k != "mail.rate_limited" })) != 1 {
			t.Errorf("admin told %v", got)
		}
	})
}

// TestJobProcessesStoredEmail runs the queue's job for a stored email.
func TestJobProcessesStoredEmail(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		if _, err := o.in.Store(ctx, "smtp", corpus(t, "05-iso-8859-1.eml")); err != nil {
			t.Fatal(err)
		}
		runUntil(t, o, func() bool { return o.count(t, "requests") == 1 })
		var number int64
		if err := o.d.R.QueryRow("SELECT number FROM requests").Scan(&number); err != nil {
			t.Fatal(err)
		}
		list, err := o.in.Originals(context.Background(), number)
		if err != nil || len(list) != 1 || list[0].Subject != "Réservation de la salle « Clémence » jeudi" {
			t.Fatalf("%+v %v", list, err)
		}
	})
}
