package request_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/testutil"
	"majordome/internal/valid"
)

// office is a small company: Zoé (employee) and Hélène (employee) ask; Camille (admin),
// Jérôme (IT agent) and Noël (finance agent) answer.
type office struct {
	desk                  *request.Desk
	log                   *audit.Log
	zoe, helene           request.Viewer
	camille, jerome, noel request.Viewer
}

func newOffice(t *testing.T, d *db.DB) office {
	t.Helper()
	ctx := context.Background()
	log := audit.New(d)
	dir := people.New(d, log)
	au := auth.New(d, log)
	desk := request.New(d, log)
	if err := desk.Queries().Check(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := desk.EnsureDefaultCategories(ctx); err != nil {
		t.Fatal(err)
	}
	person := func(first, email string) int64 {
		p, err := dir.Create(ctx, people.Input{FirstName: first, LastName: "Test", Email: email})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	user := func(name, email string, role auth.Role) int64 {
		u, err := au.CreateUser(ctx, auth.NewUser{Email: email, Name: name, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	return office{desk: desk, log: log,
		zoe:     request.Viewer{PersonID: person("Zoé", "zoe@x.fr"), Name: "Zoé", Role: auth.Employee},
		helene:  request.Viewer{PersonID: person("Hélène", "helene@x.fr"), Name: "Hélène", Role: auth.Employee},
		camille: request.Viewer{UserID: user("Camille", "camille@x.fr", auth.Admin), Name: "Camille", Role: auth.Admin},
		jerome:  request.Viewer{UserID: user("Jérôme", "jerome@x.fr", auth.Agent), Name: "Jérôme", Role: auth.Agent},
		noel:    request.Viewer{UserID: user("Noël", "noel@x.fr", auth.Agent), Name: "Noël", Role: auth.Agent},
	}
}

func fieldCodes(err error) map[string]string {
	out := map[string]string{}
	var ve valid.Errors
	if errors.As(err, &ve) {
		for _, f := range ve {
			out[f.Field] = f.Code
		}
	}
	return out
}

func TestCreateNumbersAndValidates(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		a, err := o.desk.Create(ctx, request.NewRequest{Title: "  Plus d'eau   chaude ", Description: "Le ballon fait un bruit.",
			RequesterEmail: "ZOE@x.fr", Category: "locaux & MAINTENANCE", Tags: []string{"Cuisine", "cuisine", "3e étage"}})
		if err != nil {
			t.Fatal(err)
		}
		b, err := o.desk.Create(ctx, request.NewRequest{Title: "Badge", RequesterEmail: "helene@x.fr", Channel: request.Slack})
		if err != nil {
			t.Fatal(err)
		}
		if a.Number != 1001 || b.Number != 1002 || a.Title != "Plus d'eau chaude" || a.Category != "Locaux & maintenance" ||
			a.Status != request.StatusNew || a.Priority != request.Normal || len(a.Tags) != 2 || a.Ref() != "#1001" || a.RequesterName != "Zoé Test" {
			t.Fatalf("created: %+v / %+v", a, b)
		}
		_, err = o.desk.Create(ctx, request.NewRequest{Title: " ", RequesterEmail: "nobody@x.fr", Category: "Cuisine", Priority: "asap", Channel: "fax"})
		got := fieldCodes(err)
		want := map[string]string{"title": "required", "requester_email": "requester_unknown", "category": "category_unknown", "priority": "priority_invalid", "channel": "channel_invalid"}
		for f, c := range want {
			if got[f] != c {
				t.Errorf("%s: got %q, want %q", f, got[f], c)
			}
		}
		page, _ := o.desk.List(ctx, o.camille, request.Filter{})
		if len(page.Items) != 2 {
			t.Fatalf("bad input wrote a request: %d", len(page.Items))
		}
		next, _ := o.desk.Create(ctx, request.NewRequest{Title: "Encore", RequesterEmail: "zoe@x.fr"})
		if next.Number != 1003 {
			t.Fatalf("a refused request must not use a number: %d", next.Number)
		}
	})
}

func TestConfidentialRequestsStayConfidential(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		pay, err := o.desk.Create(ctx, request.NewRequest{Title: "Erreur sur ma fiche de paie", RequesterEmail: "zoe@x.fr", Category: "RH & paie"})
		if err != nil || !pay.Confidential {
			t.Fatalf("RH & paie must be confidential by default: %+v %v", pay, err)
		}
		wifi, _ := o.desk.Create(ctx, request.NewRequest{Title: "Wi-Fi en panne", RequesterEmail: "helene@x.fr", Category: "IT & Wi-Fi"})

		visible := func(v request.Viewer) map[int64]bool {
			page, err := o.desk.List(ctx, v, request.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]bool{}
			for _, r := range page.Items {
				out[r.Number] = true
			}
			return out
		}
		cases := []struct {
			who       request.Viewer
			pay, wifi bool
		}{
			{o.camille, true, true}, {o.jerome, false, true}, {o.zoe, true, false}, {o.helene, false, true},
		}
		for _, c := range cases {
			got := visible(c.who)
			if got[pay.Number] != c.pay || got[wifi.Number] != c.wifi {
				t.Errorf("%s sees %v; want pay=%v wifi=%v", c.who.Name, got, c.pay, c.wifi)
			}
			_, err := o.desk.Get(ctx, c.who, pay.Number)
			if (err == nil) != c.pay || (err != nil && !errors.Is(err, request.ErrNotFound)) {
				t.Errorf("%s get confidential: %v", c.who.Name, err)
			}
		}
		if _, err := o.desk.Reply(ctx, o.jerome, pay.Number, "Je regarde", false, ""); !errors.Is(err, request.ErrNotFound) {
			t.Fatalf("an agent who cannot see it cannot reply: %v", err)
		}
		// Assigned to Noël, the finance agent: he sees it, Jérôme still does not.
		if _, err := o.desk.Update(ctx, o.camille, pay.Number, request.Change{AssigneeID: &o.noel.UserID}); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.Get(ctx, o.noel, pay.Number); err != nil {
			t.Fatalf("the assignee must see it: %v", err)
		}
		if visible(o.jerome)[pay.Number] {
			t.Fatal("another agent sees a confidential request")
		}
		reads, _, _ := o.log.List(ctx, audit.Filter{Action: "request.read"})
		if len(reads) < 3 {
			t.Fatalf("every read of a confidential request is audited, got %d entries", len(reads))
		}
	})
}

func TestConversationAndStatuses(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: "user", ID: o.jerome.UserID, Name: "Jérôme"})
		r, _ := o.desk.Create(ctx, request.NewRequest{Title: "Imprimante bloquée", RequesterEmail: "zoe@x.fr"})
		if _, err := o.desk.Reply(ctx, o.jerome, r.Number, "Redémarrez-la ?", false, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.Reply(ctx, o.jerome, r.Number, "Toner à commander", true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.Reply(ctx, o.zoe, r.Number, "secret", true, ""); !errors.Is(err, request.ErrForbidden) {
			t.Fatalf("an employee cannot write internal notes: %v", err)
		}
		got, _ := o.desk.Get(ctx, o.jerome, r.Number)
		if got.Status != request.StatusOpen || got.FirstResponseAt == nil {
			t.Fatalf("a first public reply opens the request and counts as first response: %+v", got)
		}
		zoeSees, _ := o.desk.Conversation(ctx, o.zoe, got)
		agentSees, _ := o.desk.Conversation(ctx, o.jerome, got)
		if len(zoeSees) != 1 || len(agentSees) != 2 || !agentSees[1].Internal {
			t.Fatalf("notes are for agents: zoé %d, agent %d", len(zoeSees), len(agentSees))
		}
		waiting := request.StatusWaitingRequester
		if _, err := o.desk.Update(ctx, o.jerome, r.Number, request.Change{Status: &waiting}); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.Reply(ctx, o.zoe, r.Number, "Toujours bloquée", false, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ = o.desk.Get(ctx, o.zoe, r.Number); got.Status != request.StatusOpen {
			t.Fatalf("the requester's reply reopens: %s", got.Status)
		}
		if err := o.desk.Rate(ctx, o.zoe, r.Number, 1, ""); !errors.Is(err, request.ErrInvalidTransition) {
			t.Fatalf("rating an open request: %v", err)
		}
		closed := request.StatusClosed
		if _, err := o.desk.Update(ctx, o.zoe, r.Number, request.Change{Status: &closed}); !errors.Is(err, request.ErrForbidden) {
			t.Fatalf("employees do not change statuses: %v", err)
		}
		resolved := request.StatusResolved
		if _, err := o.desk.Update(ctx, o.jerome, r.Number, request.Change{Status: &resolved}); err != nil {
			t.Fatal(err)
		}
		if err := o.desk.Rate(ctx, o.zoe, r.Number, 1, "Merci !"); err != nil {
			t.Fatal(err)
		}
		if err := o.desk.Rate(ctx, o.helene, r.Number, -1, ""); !errors.Is(err, request.ErrNotFound) {
			t.Fatalf("only the requester rates: %v", err)
		}
		if _, err := o.desk.Update(ctx, o.jerome, r.Number, request.Change{Status: &closed}); err != nil {
			t.Fatal(err)
		}
		newStatus := request.StatusNew
		if _, err := o.desk.Update(ctx, o.jerome, r.Number, request.Change{Status: &newStatus}); !errors.Is(err, request.ErrInvalidTransition) {
			t.Fatalf("closed is final: %v", err)
		}
		if _, err := o.desk.Reply(ctx, o.zoe, r.Number, "Encore moi", false, ""); !errors.Is(err, request.ErrClosed) {
			t.Fatalf("reply to a closed request: %v", err)
		}
		final, _ := o.desk.Get(ctx, o.jerome, r.Number)
		if final.Satisfaction != 1 || final.SatisfactionNote != "Merci !" || final.ClosedAt == nil || final.ResolvedAt == nil {
			t.Fatalf("final: %+v", final)
		}
		events, _ := o.desk.Timeline(ctx, o.jerome, final)
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, e.Kind+":"+e.To)
		}
		want := []string{"created:web", "status:open", "status:waiting_requester", "status:open", "status:resolved", "rating:1", "status:closed"}
		if len(kinds) != len(want) {
			t.Fatalf("timeline %v, want %v", kinds, want)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Fatalf("timeline %v, want %v", kinds, want)
			}
		}
		if events[1].ActorName != "Jérôme" {
			t.Fatalf("events name their actor: %+v", events[1])
		}
	})
}

func TestUpdateValidatesAndFilters(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		for i := 0; i < 7; i++ {
			if _, err := o.desk.Create(ctx, request.NewRequest{Title: "Demande", RequesterEmail: "zoe@x.fr", Category: "Fournitures"}); err != nil {
				t.Fatal(err)
			}
		}
		bad := "Cuisine"
		nobody := int64(999)
		due := "31/02/2027"
		_, err := o.desk.Update(ctx, o.jerome, 1001, request.Change{Category: &bad, AssigneeID: &nobody, DueDate: &due})
		got := fieldCodes(err)
		if got["category"] != "category_unknown" || got["assignee"] != "assignee_unknown" || got["due_date"] != "date_invalid" {
			t.Fatalf("update validation: %v", err)
		}
		urgent := request.Urgent
		if _, err := o.desk.Update(ctx, o.jerome, 1003, request.Change{Priority: &urgent, AssigneeID: &o.jerome.UserID}); err != nil {
			t.Fatal(err)
		}
		page, _ := o.desk.List(ctx, o.jerome, request.Filter{Priority: request.Urgent})
		if len(page.Items) != 1 || page.Items[0].Number != 1003 || page.Items[0].AssigneeName != "Jérôme" {
			t.Fatalf("priority filter: %+v", page.Items)
		}
		unassigned, _ := o.desk.List(ctx, o.jerome, request.Filter{AssigneeID: -1})
		if len(unassigned.Items) != 6 {
			t.Fatalf("unassigned: %d", len(unassigned.Items))
		}
		var seen []int64
		cursor := ""
		for {
			p, err := o.desk.List(ctx, o.jerome, request.Filter{Limit: 3, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Items {
				seen = append(seen, r.Number)
			}
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		if len(seen) != 7 || seen[0] != 1007 || seen[6] != 1001 {
			t.Fatalf("pages: %v", seen)
		}
	})
}

// What the caller records about a new request inside its transaction (Within) commits with the
// request, or takes it back when it fails: no request without its link, no number spent.
func TestCreateWithinIsOneTransaction(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		broken := errors.New("the link failed")
		_, err := o.desk.Create(ctx, request.NewRequest{Title: "Badge perdu", RequesterEmail: "zoe@x.fr",
			Within: func(ctx context.Context, tx *sql.Tx, r request.Request) error { return broken }})
		if !errors.Is(err, broken) {
			t.Fatalf("Create = %v, want the Within error", err)
		}
		if page, _ := o.desk.List(ctx, o.camille, request.Filter{}); len(page.Items) != 0 {
			t.Fatalf("a request was kept without what Within records: %d", len(page.Items))
		}
		var seen request.Request
		r, err := o.desk.Create(ctx, request.NewRequest{Title: "Badge perdu", RequesterEmail: "zoe@x.fr",
			Within: func(ctx context.Context, tx *sql.Tx, r request.Request) error { seen = r; return nil }})
		if err != nil {
			t.Fatal(err)
		}
		if r.Number != 1001 || seen.ID != r.ID || seen.Number != r.Number {
			t.Fatalf("created #%d (id %d); Within saw #%d (id %d)", r.Number, r.ID, seen.Number, seen.ID)
		}
	})
}
