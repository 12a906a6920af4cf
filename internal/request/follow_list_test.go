package request_test

import (
	"context"
	"testing"

	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// TestListFollowed: Zoé's request merged into Hélène's puts Hélène's among those Zoé follows,
// with Zoé's own number; when Hélène's is merged in turn into another, Zoé's list moves to that
// one; and a request of Zoé's own never shows as followed, even when a chain of merges brings
// her back to it.
func TestListFollowed(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		list := func(v request.Viewer) []request.FollowedItem {
			t.Helper()
			items, err := o.desk.ListFollowed(ctx, v, 20)
			if err != nil {
				t.Fatal(err)
			}
			return items
		}
		target, _ := o.desk.Create(ctx, request.NewRequest{Title: "Wi-Fi lent", RequesterEmail: "helene@x.fr"})
		dup, _ := o.desk.Create(ctx, request.NewRequest{Title: "Internet ne marche pas", RequesterEmail: "zoe@x.fr"})
		if got := list(o.zoe); len(got) != 0 {
			t.Fatalf("before the merge Zoé follows %+v", got)
		}
		if _, err := o.desk.Merge(ctx, o.jerome, dup.Number, target.Number); err != nil {
			t.Fatal(err)
		}
		got := list(o.zoe)
		if len(got) != 1 || got[0].Number != target.Number || got[0].Yours != dup.Number || got[0].Status != request.StatusNew {
			t.Fatalf("Zoé follows %+v; want %d, hers %d", got, target.Number, dup.Number)
		}
		if got := list(o.helene); len(got) != 0 {
			t.Errorf("Hélène asks it, she does not follow it: %+v", got)
		}
		if got := list(o.jerome); len(got) != 0 {
			t.Errorf("an agent without a person follows nothing: %+v", got)
		}

		// Hélène's merged into Zoé's other request: Zoé asks that one, so she follows nothing.
		mine, _ := o.desk.Create(ctx, request.NewRequest{Title: "Panne générale", RequesterEmail: "zoe@x.fr"})
		if _, err := o.desk.Merge(ctx, o.jerome, target.Number, mine.Number); err != nil {
			t.Fatal(err)
		}
		if got := list(o.zoe); len(got) != 0 {
			t.Errorf("Zoé follows %+v; she asks the last one and the first is merged", got)
		}
		got = list(o.helene)
		if len(got) != 1 || got[0].Number != mine.Number || got[0].Yours != target.Number {
			t.Errorf("Hélène follows %+v; want %d, hers %d", got, mine.Number, target.Number)
		}

		// A chain: Hélène's "Réseau" merged into Zoé's "Panne générale", which Hélène already
		// follows, then that one merged into Zoé's last.
		third, _ := o.desk.Create(ctx, request.NewRequest{Title: "Réseau", RequesterEmail: "helene@x.fr"})
		last, _ := o.desk.Create(ctx, request.NewRequest{Title: "Toujours pas de réseau", RequesterEmail: "zoe@x.fr"})
		if _, err := o.desk.Merge(ctx, o.jerome, third.Number, mine.Number); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.Merge(ctx, o.jerome, mine.Number, last.Number); err != nil {
			t.Fatal(err)
		}
		// Hélène followed mine; mine is merged into last: she follows last, through the chain.
		got = list(o.helene)
		if len(got) != 1 || got[0].Number != last.Number || got[0].Yours != 0 {
			t.Errorf("Hélène follows %+v; want only %d, through the chain", got, last.Number)
		}
	})
}
