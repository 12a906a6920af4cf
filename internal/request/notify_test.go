package request_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/notify"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// notifiedOffice is the office of request_test.go with notifications on, and an account for
// Zoé, so that she reads the team's answers in the app.
type notifiedOffice struct {
	office
	svc     *notify.Service
	zoeUser int64
}

func newNotifiedOffice(t *testing.T, d *db.DB) notifiedOffice {
	t.Helper()
	o := newOffice(t, d)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	svc := notify.New(d, jobs.New(d, testutil.Quiet, jobs.Options{}), cat, testutil.Quiet)
	o.desk.WithNotify(svc)
	u, err := auth.New(d, o.log).CreateUser(context.Background(), auth.NewUser{Email: "zoe@x.fr", Name: "Zoé", Role: auth.Employee})
	if err != nil {
		t.Fatal(err)
	}
	o.zoe.UserID = u.ID
	return notifiedOffice{office: o, svc: svc, zoeUser: u.ID}
}

// as is ctx with v acting, as the web and the API set it.
func as(v request.Viewer) context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Kind: "user", ID: v.UserID, Name: v.Name})
}

// kinds lists "kind #number" of account user's inbox, newest first.
func (o notifiedOffice) kinds(t *testing.T, user int64) []string {
	t.Helper()
	in, err := o.svc.List(context.Background(), user, notify.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range in.Items {
		s := n.Kind
		if n.Urgent {
			s += "!"
		}
		out = append(out, s)
	}
	return out
}

func TestNotifyRecipients(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newNotifiedOffice(t, d)
		// Zoé files from the portal: every agent hears of it, she does not.
		r, err := o.desk.Create(as(o.zoe), request.NewRequest{Title: "Plus d'eau chaude", RequesterEmail: "zoe@x.fr"})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []request.Viewer{o.camille, o.jerome, o.noel} {
			if got := o.kinds(t, v.UserID); !slices.Equal(got, []string{"request.created"}) {
				t.Errorf("%s: %v, want the new request", v.Name, got)
			}
		}
		if got := o.kinds(t, o.zoeUser); len(got) != 0 {
			t.Errorf("Zoé was told of her own request: %v", got)
		}

		// Camille assigns it to Jérôme: only he hears of it.
		if _, err := o.desk.Update(as(o.camille), o.camille, r.Number, request.Change{AssigneeID: &o.jerome.UserID}); err != nil {
			t.Fatal(err)
		}
		if got := o.kinds(t, o.jerome.UserID); !slices.Equal(got, []string{"request.assigned", "request.created"}) {
			t.Errorf("Jérôme after assignment: %v", got)
		}
		if got := o.kinds(t, o.camille.UserID); len(got) != 1 {
			t.Errorf("Camille was told of her own assignment: %v", got)
		}

		// Jérôme answers: Zoé hears of it, as an account and as a person.
		if _, err := o.desk.Reply(as(o.jerome), o.jerome, r.Number, "Le ballon est réparé ce midi.", false, request.Web); err != nil {
			t.Fatal(err)
		}
		in, _ := o.svc.List(context.Background(), o.zoeUser, notify.ListOptions{})
		if len(in.Items) != 1 || in.Items[0].Kind != request.NotifyReply || in.Items[0].PersonID != r.RequesterID ||
			in.Items[0].Link != "/portal/1001" || in.Items[0].Params["excerpt"] != "Le ballon est réparé ce midi." {
			t.Fatalf("Zoé's inbox after the reply: %+v", in.Items)
		}
		if title, body := o.svc.Text("fr", in.Items[0]); title != "Nouvelle réponse à votre demande #1001" || body != "Jérôme : Le ballon est réparé ce midi." {
			t.Errorf("reply reads %q / %q", title, body)
		}

		// A note by Noël reaches the assignee; Zoé's reply reaches the assignee only.
		if _, err := o.desk.Reply(as(o.noel), o.noel, r.Number, "Le plombier a appelé.", true, request.Web); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.Reply(as(o.zoe), o.zoe, r.Number, "Merci !", false, request.Web); err != nil {
			t.Fatal(err)
		}
		if got := o.kinds(t, o.jerome.UserID); !slices.Equal(got, []string{"request.requester_reply", "request.note", "request.assigned", "request.created"}) {
			t.Errorf("Jérôme after the note and Zoé's reply: %v", got)
		}
		if got := o.kinds(t, o.noel.UserID); len(got) != 1 {
			t.Errorf("Noël heard of more than the new request: %v", got)
		}
		if got := o.kinds(t, o.zoeUser); len(got) != 1 {
			t.Errorf("Zoé heard of a note or of her own reply: %v", got)
		}

		// Jérôme resolves: Zoé hears of it.
		resolved := request.StatusResolved
		if _, err := o.desk.Update(as(o.jerome), o.jerome, r.Number, request.Change{Status: &resolved}); err != nil {
			t.Fatal(err)
		}
		if got := o.kinds(t, o.zoeUser); !slices.Equal(got, []string{"request.resolved", "request.reply"}) {
			t.Errorf("Zoé after resolution: %v", got)
		}
	})
}

func TestNotifyConfidentialAndUrgent(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newNotifiedOffice(t, d)
		ctx := context.Background() // Majordome itself (an import, a rule): nobody to leave out
		// A confidential request reaches the admins only.
		pay, err := o.desk.Create(as(o.zoe), request.NewRequest{Title: "Erreur sur ma fiche de paie", RequesterEmail: "zoe@x.fr", Category: "RH & paie"})
		if err != nil || !pay.Confidential {
			t.Fatalf("%+v %v", pay, err)
		}
		if got := o.kinds(t, o.camille.UserID); !slices.Equal(got, []string{"request.created"}) {
			t.Errorf("Camille: %v", got)
		}
		for _, v := range []request.Viewer{o.jerome, o.noel} {
			if got := o.kinds(t, v.UserID); len(got) != 0 {
				t.Errorf("%s heard of a confidential request: %v", v.Name, got)
			}
		}
		// Given to Noël, it reaches him, and Zoé's reply reaches him only.
		if _, err := o.desk.Update(as(o.camille), o.camille, pay.Number, request.Change{AssigneeID: &o.noel.UserID}); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.Reply(as(o.zoe), o.zoe, pay.Number, "Il manque mes heures sup.", false, request.Web); err != nil {
			t.Fatal(err)
		}
		if got := o.kinds(t, o.noel.UserID); !slices.Equal(got, []string{"request.requester_reply", "request.assigned"}) {
			t.Errorf("Noël: %v", got)
		}
		if got := o.kinds(t, o.jerome.UserID); len(got) != 0 {
			t.Errorf("Jérôme heard of the confidential request: %v", got)
		}
		// The inbox hides what a reader can no longer see.
		vis, err := o.desk.Visible(ctx, o.jerome, []int64{pay.Number, 9999})
		if err != nil || vis[pay.Number] || vis[9999] {
			t.Errorf("Visible for Jérôme = %v, %v", vis, err)
		}
		if vis, _ := o.desk.Visible(ctx, o.noel, []int64{pay.Number}); !vis[pay.Number] {
			t.Error("Visible: Noël is the assignee")
		}

		// An urgent request is urgent for everyone, and goes through focus time.
		if _, err := o.svc.StartFocus(ctx, o.jerome.UserID, 3600e9); err != nil {
			t.Fatal(err)
		}
		leak, err := o.desk.Create(ctx, request.NewRequest{Title: "Fuite d'eau", RequesterEmail: "helene@x.fr", Priority: request.Urgent})
		if err != nil {
			t.Fatal(err)
		}
		if got := o.kinds(t, o.jerome.UserID); !slices.Equal(got, []string{"request.created!"}) {
			t.Errorf("Jérôme in focus: %v, want the urgent request", got)
		}
		// A normal one is held for him.
		if _, err := o.desk.Create(ctx, request.NewRequest{Title: "Chaise", RequesterEmail: "helene@x.fr"}); err != nil {
			t.Fatal(err)
		}
		if n, _ := o.svc.Held(ctx, o.jerome.UserID); n != 1 {
			t.Errorf("Jérôme holds %d, want 1", n)
		}
		resp, err := o.desk.Responders(ctx, leak)
		if err != nil || len(resp) != 3 {
			t.Errorf("Responders of an unassigned request = %v, %v; want the 3 agents", resp, err)
		}
		pay, _ = o.desk.Get(ctx, o.camille, pay.Number)
		if resp, _ := o.desk.Responders(ctx, pay); !slices.Equal(resp, []int64{o.noel.UserID}) {
			t.Errorf("Responders of an assigned request = %v", resp)
		}
	})
}

func TestNotifySLA(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newNotifiedOffice(t, d)
		ctx := context.Background()
		r, err := o.desk.Create(as(o.zoe), request.NewRequest{Title: "Imprimante", RequesterEmail: "zoe@x.fr"})
		if err != nil {
			t.Fatal(err)
		}
		err = d.Tx(ctx, func(tx *sql.Tx) error { return o.desk.NotifySLAForTest(ctx, tx, r, "at_risk") })
		if err != nil {
			t.Fatal(err)
		}
		// Unassigned: the admins.
		if got := o.kinds(t, o.camille.UserID); !slices.Equal(got, []string{"request.sla_at_risk", "request.created"}) {
			t.Errorf("Camille: %v", got)
		}
		if got := o.kinds(t, o.jerome.UserID); !slices.Equal(got, []string{"request.created"}) {
			t.Errorf("Jérôme: %v", got)
		}
		if _, err := o.desk.Update(as(o.camille), o.camille, r.Number, request.Change{AssigneeID: &o.jerome.UserID}); err != nil {
			t.Fatal(err)
		}
		r, _ = o.desk.Get(ctx, o.camille, r.Number)
		err = d.Tx(ctx, func(tx *sql.Tx) error { return o.desk.NotifySLAForTest(ctx, tx, r, "breached") })
		if err != nil {
			t.Fatal(err)
		}
		if got := o.kinds(t, o.jerome.UserID); got[0] != "request.sla_breached!" {
			t.Errorf("Jérôme: %v, want an urgent breach first", got)
		}
	})
}

// Resolving an incident reaches every linked requester: each reads the resolution message and
// hears that their request is resolved, whoever may see it among the agents.
func TestResolvingAnIncidentNotifiesEveryLinkedRequester(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newNotifiedOffice(t, d)
		helene, err := auth.New(d, o.log).CreateUser(context.Background(), auth.NewUser{Email: "helene@x.fr", Name: "Hélène", Role: auth.Manager})
		if err != nil {
			t.Fatal(err)
		}
		ctx := as(o.jerome)
		a, err := o.desk.Create(as(o.zoe), request.NewRequest{Title: "Wi-Fi coupé au 3e", RequesterEmail: "zoe@x.fr"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := o.desk.Create(as(o.helene), request.NewRequest{Title: "Plus d'internet", RequesterEmail: "helene@x.fr"})
		if err != nil {
			t.Fatal(err)
		}
		inc, err := o.desk.CreateIncident(ctx, o.jerome, "Wi-Fi en panne au 3e étage", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := o.desk.LinkIncident(ctx, o.jerome, inc.ID, a.Number, b.Number); err != nil {
			t.Fatal(err)
		}
		if err := o.desk.ResolveIncident(ctx, o.jerome, inc.ID, "La borne est remplacée.", request.Web); err != nil {
			t.Fatal(err)
		}
		for _, who := range []struct {
			name   string
			user   int64
			number int64
		}{{"Zoé", o.zoeUser, a.Number}, {"Hélène", helene.ID, b.Number}} {
			in, err := o.svc.List(context.Background(), who.user, notify.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range in.Items {
				got = append(got, n.Kind)
				if n.Link != "/portal/"+itoa(who.number) {
					t.Errorf("%s: %s links to %s", who.name, n.Kind, n.Link)
				}
			}
			if !slices.Equal(got, []string{request.NotifyResolved, request.NotifyReply}) {
				t.Errorf("%s's inbox after the incident's resolution: %v", who.name, got)
			}
		}
	})
}
