package request_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// file creates a request for email, failing the test on error.
func file(t *testing.T, o office, title, email, category string) request.Request {
	t.Helper()
	r, err := o.desk.Create(context.Background(), request.NewRequest{Title: title, RequesterEmail: email, Category: category})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// kinds lists a request's timeline as "kind:to", read as Camille (who sees everything).
func kinds(t *testing.T, o office, number int64) []string {
	t.Helper()
	ctx := context.Background()
	r, err := o.desk.Get(ctx, o.camille, number)
	if err != nil {
		t.Fatal(err)
	}
	events, err := o.desk.Timeline(ctx, o.camille, r)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		out = append(out, e.Kind+":"+e.To)
	}
	return out
}

// conversation reads a request's messages as v sees them.
func conversation(t *testing.T, o office, v request.Viewer, number int64) []request.Message {
	t.Helper()
	ctx := context.Background()
	r, err := o.desk.Get(ctx, o.camille, number)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := o.desk.Conversation(ctx, v, r)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestResolvingAnIncidentResolvesAndRepliesToEveryLinkedRequest(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: "user", ID: o.jerome.UserID, Name: "Jérôme"})
		a := file(t, o, "Wi-Fi coupé au 3e", "zoe@x.fr", "IT & Wi-Fi")
		b := file(t, o, "Plus d'internet", "helene@x.fr", "IT & Wi-Fi")
		// Confidential, and not Jérôme's: he can neither see nor list it, yet it is linked.
		c := file(t, o, "Wi-Fi et fiche de paie", "zoe@x.fr", "RH & paie")
		waiting := request.StatusWaitingRequester
		if _, err := o.desk.Update(ctx, o.camille, b.Number, request.Change{Status: &waiting}); err != nil {
			t.Fatal(err)
		}

		if _, err := o.desk.CreateIncident(ctx, o.zoe, "Panne", ""); !errors.Is(err, request.ErrForbidden) {
			t.Fatalf("employees do not open incidents: %v", err)
		}
		if _, err := o.desk.CreateIncident(ctx, o.jerome, "  ", ""); fieldCodes(err)["title"] != "required" {
			t.Fatalf("an incident needs a title: %v", err)
		}
		inc, err := o.desk.CreateIncident(ctx, o.jerome, " Wi-Fi en panne  au 3e étage ", "La borne du couloir est éteinte.")
		if err != nil || inc.Title != "Wi-Fi en panne au 3e étage" || inc.Status != request.IncidentOpen || inc.CreatedByName != "Jérôme" {
			t.Fatalf("create: %+v %v", inc, err)
		}
		if err := o.desk.LinkIncident(ctx, o.jerome, inc.ID, a.Number, c.Number); !errors.Is(err, request.ErrNotFound) {
			t.Fatalf("Jérôme cannot link a request he cannot see: %v", err)
		}
		var be *request.BulkError
		if err := o.desk.LinkIncident(ctx, o.jerome, inc.ID, a.Number, c.Number); !errors.As(err, &be) ||
			len(be.Failures) != 1 || be.Failures[0].Number != c.Number {
			t.Fatalf("the failure names the request: %v", err)
		}
		if got, _ := o.desk.Get(ctx, o.camille, a.Number); got.IncidentID != 0 {
			t.Fatal("a failed link wrote the others")
		}
		if err := o.desk.LinkIncident(ctx, o.jerome, inc.ID, a.Number, b.Number); err != nil {
			t.Fatal(err)
		}
		if err := o.desk.LinkIncident(ctx, o.camille, inc.ID, c.Number); err != nil {
			t.Fatal(err)
		}
		if got := kinds(t, o, a.Number); !slices.Contains(got, "incident:Wi-Fi en panne au 3e étage") {
			t.Fatalf("linking is in the timeline: %v", got)
		}

		// Jérôme sees the two requests he may see, and counts only those.
		seen, err := o.desk.Incident(ctx, o.jerome, inc.ID)
		if err != nil || len(seen.Requests) != 2 || seen.Linked != 2 || seen.Requests[0].Number != a.Number {
			t.Fatalf("Jérôme's incident page: %+v %v", seen, err)
		}
		all, _ := o.desk.Incident(ctx, o.camille, inc.ID)
		if len(all.Requests) != 3 {
			t.Fatalf("Camille sees the three: %d", len(all.Requests))
		}
		list, err := o.desk.Incidents(ctx, o.jerome, request.IncidentFilter{})
		if err != nil || len(list.Items) != 1 || list.Items[0].Linked != 2 || list.Items[0].Active != 2 {
			t.Fatalf("Jérôme's incident list counts what he may see: %+v %v", list, err)
		}

		if err := o.desk.ResolveIncident(ctx, o.jerome, inc.ID, " ", request.Web); fieldCodes(err)["message"] != "required" {
			t.Fatalf("resolving says something to the requesters: %v", err)
		}
		msg := "La borne est remplacée : le Wi-Fi remarche. Merci de votre patience !"
		if err := o.desk.ResolveIncident(ctx, o.jerome, inc.ID, msg, request.Web); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int64{a.Number, b.Number, c.Number} {
			r, _ := o.desk.Get(ctx, o.camille, n)
			if r.Status != request.StatusResolved || r.ResolvedAt == nil || r.FirstResponseAt == nil {
				t.Errorf("#%d: %s, resolved at %v", n, r.Status, r.ResolvedAt)
			}
			// The requester reads the reply from the agent (afterMessage ran on the reply path).
			requester := o.zoe
			if n == b.Number {
				requester = o.helene
			}
			msgs := conversation(t, o, requester, n)
			if len(msgs) == 0 || msgs[len(msgs)-1].Body != msg || msgs[len(msgs)-1].Internal || msgs[len(msgs)-1].AuthorName != "Jérôme" {
				t.Errorf("#%d: the requester does not read the resolution: %+v", n, msgs)
			}
			// The status change went through write (afterChange ran): it is in the timeline.
			if got := kinds(t, o, n); got[len(got)-1] != "status:resolved" {
				t.Errorf("#%d timeline: %v", n, got)
			}
		}
		if got := kinds(t, o, a.Number); !slices.Equal(got[len(got)-2:], []string{"status:open", "status:resolved"}) {
			t.Errorf("a new request is answered, then resolved: %v", got)
		}
		if r, _ := o.desk.Get(ctx, o.camille, c.Number); !r.Confidential {
			t.Error("the confidential request must stay confidential")
		}
		if _, err := o.desk.Get(ctx, o.jerome, c.Number); !errors.Is(err, request.ErrNotFound) {
			t.Errorf("resolving it did not let Jérôme see it: %v", err)
		}
		replies, _, _ := o.log.List(ctx, audit.Filter{Action: "request.reply"})
		resolves, _, _ := o.log.List(ctx, audit.Filter{Action: "incident.resolve"})
		if len(replies) != 3 || len(resolves) != 1 {
			t.Errorf("audit: %d replies, %d resolutions", len(replies), len(resolves))
		}
		done, _ := o.desk.Incident(ctx, o.camille, inc.ID)
		if done.Status != request.IncidentResolved || done.ResolvedAt == nil || len(done.Updates) != 1 || done.Updates[0].Kind != "resolution" {
			t.Fatalf("resolved incident: %+v", done)
		}
		if err := o.desk.ResolveIncident(ctx, o.jerome, inc.ID, msg, request.Web); !errors.Is(err, request.ErrIncidentResolved) {
			t.Fatalf("an incident resolves once: %v", err)
		}
		if err := o.desk.LinkIncident(ctx, o.jerome, inc.ID, a.Number); !errors.Is(err, request.ErrIncidentResolved) {
			t.Fatalf("nothing links to a resolved incident: %v", err)
		}
		if err := o.desk.ReplyIncident(ctx, o.jerome, inc.ID, "Encore ?", request.Web); !errors.Is(err, request.ErrIncidentResolved) {
			t.Fatalf("a resolved incident takes no reply: %v", err)
		}
		if _, err := o.desk.Incident(ctx, o.jerome, 999); !errors.Is(err, request.ErrIncidentNotFound) {
			t.Fatalf("unknown incident: %v", err)
		}
	})
}

func TestIncidentRepliesSkipDoneRequests(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		open := file(t, o, "Imprimante HS", "zoe@x.fr", "")
		resolved := file(t, o, "Imprimante encore", "helene@x.fr", "")
		closed := file(t, o, "Imprimante toujours", "zoe@x.fr", "")
		inc, _ := o.desk.CreateIncident(ctx, o.camille, "Imprimante du 2e", "")
		if err := o.desk.LinkIncident(ctx, o.camille, inc.ID, open.Number, resolved.Number, closed.Number); err != nil {
			t.Fatal(err)
		}
		st := request.StatusResolved
		o.desk.Update(ctx, o.camille, resolved.Number, request.Change{Status: &st})
		cl := request.StatusClosed
		o.desk.Update(ctx, o.camille, closed.Number, request.Change{Status: &cl})
		if err := o.desk.LinkIncident(ctx, o.camille, inc.ID, closed.Number); err != nil {
			t.Fatalf("linking again what is linked is a no-op: %v", err)
		}

		if err := o.desk.ReplyIncident(ctx, o.camille, inc.ID, "Le technicien passe à 14 h.", request.Web); err != nil {
			t.Fatal(err)
		}
		if n := len(conversation(t, o, o.zoe, open.Number)); n != 1 {
			t.Fatalf("the open request gets the reply: %d", n)
		}
		if n := len(conversation(t, o, o.helene, resolved.Number)) + len(conversation(t, o, o.zoe, closed.Number)); n != 0 {
			t.Fatalf("done requests are left alone: %d messages", n)
		}
		if r, _ := o.desk.Get(ctx, o.camille, open.Number); r.Status != request.StatusOpen {
			t.Fatalf("the reply opens a new request: %s", r.Status)
		}
		if err := o.desk.ResolveIncident(ctx, o.camille, inc.ID, "Réparée.", request.Web); err != nil {
			t.Fatal(err)
		}
		if r, _ := o.desk.Get(ctx, o.camille, closed.Number); r.Status != request.StatusClosed {
			t.Fatalf("a closed request stays closed: %s", r.Status)
		}
		detail, _ := o.desk.Incident(ctx, o.camille, inc.ID)
		if len(detail.Updates) != 2 || detail.Updates[0].Kind != "reply" || detail.Updates[1].Body != "Réparée." {
			t.Fatalf("updates: %+v", detail.Updates)
		}

		// Unlinking leaves the request and tells the timeline.
		if err := o.desk.UnlinkIncident(ctx, o.camille, open.Number); err != nil {
			t.Fatal(err)
		}
		if got := kinds(t, o, open.Number); got[len(got)-1] != "incident:" {
			t.Fatalf("unlink event: %v", got)
		}
	})
}

func TestResolvingAnIncidentIsAllOrNothing(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		a := file(t, o, "Clim en panne", "zoe@x.fr", "")
		b := file(t, o, "Il fait 30 degrés", "helene@x.fr", "")
		inc, _ := o.desk.CreateIncident(ctx, o.camille, "Climatisation", "")
		if err := o.desk.LinkIncident(ctx, o.camille, inc.ID, a.Number, b.Number); err != nil {
			t.Fatal(err)
		}
		// The database refuses to resolve the second request: the first must not stay resolved.
		failOn := map[db.Dialect][]string{
			db.SQLite: {`CREATE TRIGGER no_resolve BEFORE UPDATE OF status ON requests
				WHEN NEW.status = 'resolved' AND NEW.number = ` + itoa(b.Number) + ` BEGIN SELECT RAISE(ABORT, 'refused'); END`},
			db.Postgres: {`CREATE FUNCTION no_resolve() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN IF NEW.status = 'resolved' AND NEW.number = ` + itoa(b.Number) + ` THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`,
				`CREATE TRIGGER no_resolve BEFORE UPDATE ON requests FOR EACH ROW EXECUTE FUNCTION no_resolve()`},
		}
		for _, q := range failOn[d.Dialect] {
			if _, err := d.W.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := o.desk.ResolveIncident(ctx, o.camille, inc.ID, "C'est réparé.", request.Web); err == nil {
			t.Fatal("the refusal must fail the resolution")
		}
		for _, n := range []int64{a.Number, b.Number} {
			if r, _ := o.desk.Get(ctx, o.camille, n); r.Status != request.StatusNew || len(conversation(t, o, o.camille, n)) != 0 {
				t.Fatalf("#%d was half-written: %s", n, r.Status)
			}
		}
		if detail, _ := o.desk.Incident(ctx, o.camille, inc.ID); detail.Status != request.IncidentOpen || len(detail.Updates) != 0 {
			t.Fatalf("the incident must stay open: %+v", detail.Incident)
		}
	})
}
