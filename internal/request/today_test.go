package request_test

import (
	"context"
	"slices"
	"testing"

	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// TestPressingAndWaitingOn: the requests to take first come breached, then at risk (soonest
// due first), then urgent, then the oldest new ones nobody took, each once and at most limit;
// a confidential request only for those who may see it. WaitingOn counts what is assigned to
// the viewer and waits on them, not on the requester.
func TestPressingAndWaitingOn(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		clock := &slaClock{}
		clock.Set(slaParis(t, "2026-05-04 09:00")) // a Monday
		o.desk.SetClock(clock.Now)
		file := func(title, email, category string, p request.Priority) request.Request {
			t.Helper()
			r, err := o.desk.Create(ctx, request.NewRequest{Title: title, RequesterEmail: email, Category: category, Priority: p})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		set := func(n int64, ch request.Change) {
			t.Helper()
			if _, err := o.desk.Update(ctx, o.camille, n, ch); err != nil {
				t.Fatal(err)
			}
		}
		st := func(s request.Status) *request.Status { return &s }
		leak := file("Fuite d'eau", "zoe@x.fr", "", request.Urgent)             // 1 h to answer: late from 10:00
		screen := file("Écran qui clignote", "helene@x.fr", "", request.Normal) // 9 h: at risk from 16:12
		pay := file("Fiche de paie", "zoe@x.fr", "RH & paie", request.Normal)   // confidential, at risk too
		chair := file("Chaise", "helene@x.fr", "", request.Low)                 // new, nobody: last
		coffee := file("Café", "helene@x.fr", "", request.Low)                  // open, Jérôme's
		badge := file("Badge", "zoe@x.fr", "", request.Normal)                  // waits on Zoé
		set(screen.Number, request.Change{AssigneeID: &o.jerome.UserID})
		set(coffee.Number, request.Change{AssigneeID: &o.jerome.UserID, Status: st(request.StatusOpen)})
		set(badge.Number, request.Change{AssigneeID: &o.jerome.UserID, Status: st(request.StatusWaitingRequester)})
		clock.Set(slaParis(t, "2026-05-04 16:50"))
		printer := file("Imprimante en feu", "helene@x.fr", "", request.Urgent) // urgent, due 17:50: not yet at risk
		clock.Set(slaParis(t, "2026-05-04 17:00"))

		numbers := func(rs []request.Request) []int64 {
			var out []int64
			for _, r := range rs {
				out = append(out, r.Number)
			}
			return out
		}
		for _, tc := range []struct {
			name  string
			v     request.Viewer
			limit int
			want  []int64
		}{
			{"admin", o.camille, 8, []int64{leak.Number, screen.Number, pay.Number, printer.Number, chair.Number}},
			{"admin, three", o.camille, 3, []int64{leak.Number, screen.Number, pay.Number}},
			{"agent", o.jerome, 8, []int64{leak.Number, screen.Number, printer.Number, chair.Number}},
			{"employee", o.zoe, 8, []int64{leak.Number, pay.Number}},
		} {
			got, err := o.desk.Pressing(ctx, tc.v, tc.limit)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if !slices.Equal(numbers(got), tc.want) {
				t.Errorf("%s: pressing %v, want %v", tc.name, numbers(got), tc.want)
			}
		}
		for _, tc := range []struct {
			name string
			v    request.Viewer
			want int
		}{{"Jérôme", o.jerome, 2}, {"Camille", o.camille, 0}, {"Zoé, no account", o.zoe, 0}} {
			if n, err := o.desk.WaitingOn(ctx, tc.v); err != nil || n != tc.want {
				t.Errorf("%s: waiting on = %d, %v; want %d", tc.name, n, err, tc.want)
			}
		}
	})
}
