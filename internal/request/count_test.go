package request_test

import (
	"context"
	"testing"

	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// TestCountMatchesList checks that a view's count is the number of rows its listing would show,
// for each viewer: the confidential request counts only for those who may see it.
func TestCountMatchesList(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		create := func(title, email, category string, p request.Priority) request.Request {
			r, err := o.desk.Create(ctx, request.NewRequest{Title: title, RequesterEmail: email, Category: category, Priority: p})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		create("Erreur sur ma fiche de paie", "zoe@x.fr", "RH & paie", request.Normal)
		wifi := create("Wi-Fi en panne", "helene@x.fr", "IT & Wi-Fi", request.Urgent)
		create("Plus de café", "zoe@x.fr", "Fournitures", request.Low)
		done := create("Ampoule grillée", "helene@x.fr", "Locaux & maintenance", request.Normal)
		if _, err := o.desk.Update(ctx, o.jerome, wifi.Number, request.Change{AssigneeID: &o.jerome.UserID}); err != nil {
			t.Fatal(err)
		}
		resolved := request.StatusResolved
		if _, err := o.desk.Update(ctx, o.camille, done.Number, request.Change{Status: &resolved}); err != nil {
			t.Fatal(err)
		}
		yes := true
		for _, tc := range []struct {
			name string
			who  request.Viewer
			f    request.Filter
			want int
		}{
			{"admin sees all", o.camille, request.Filter{}, 4},
			{"agent misses the confidential one", o.jerome, request.Filter{}, 3},
			{"active", o.jerome, request.Filter{Status: "active"}, 2},
			{"resolved", o.noel, request.Filter{Status: "resolved"}, 1},
			{"mine", o.jerome, request.Filter{Status: "active", AssigneeID: o.jerome.UserID}, 1},
			{"unassigned", o.camille, request.Filter{Status: "active", AssigneeID: -1}, 2},
			{"urgent", o.noel, request.Filter{Priority: request.Urgent}, 1},
			{"confidential, admin", o.camille, request.Filter{Confidential: &yes}, 1},
			{"confidential, agent", o.noel, request.Filter{Confidential: &yes}, 0},
			{"requester's own", o.zoe, request.Filter{}, 2},
			{"requester filter", o.camille, request.Filter{RequesterID: o.helene.PersonID}, 2},
			{"channel", o.camille, request.Filter{Channel: request.Slack}, 0},
		} {
			n, err := o.desk.Count(ctx, tc.who, tc.f)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			page, err := o.desk.List(ctx, tc.who, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.want || len(page.Items) != n {
				t.Errorf("%s: count %d, list %d, want %d", tc.name, n, len(page.Items), tc.want)
			}
		}
	})
}
