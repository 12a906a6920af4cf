package request_test

import (
	"context"
	"testing"

	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/search"
	"majordome/internal/testutil"
)

func TestSearchRespectsConfidentiality(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		o.desk.WithSearch(search.New(d))
		ctx := context.Background()
		elec, _ := o.desk.Create(ctx, request.NewRequest{Title: "Électricité coupée salle B", RequesterEmail: "helene@x.fr"})
		pay, _ := o.desk.Create(ctx, request.NewRequest{Title: "Électricité et prime sur ma paie", RequesterEmail: "zoe@x.fr", Category: "RH & paie"})
		if _, err := o.desk.Reply(ctx, o.jerome, elec.Number, "Le disjoncteur du tableau électrique a sauté", false, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.Reply(ctx, o.jerome, elec.Number, "Appeler Dalkia", true, ""); err != nil {
			t.Fatal(err)
		}
		numbers := func(v request.Viewer, q string) map[int64]bool {
			hits, err := o.desk.Search(ctx, v, q, 20)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]bool{}
			for _, h := range hits {
				out[h.Request.Number] = true
			}
			return out
		}
		cases := []struct {
			who       request.Viewer
			q         string
			elec, pay bool
		}{
			{o.camille, "electricite", true, true},
			{o.jerome, "ELECTRICITÉ", true, false},
			{o.zoe, "electricite", false, true},
			{o.helene, "electricite", true, false},
			{o.helene, "disjoncteur", true, false}, // public replies are searchable
			{o.helene, "dalkia", false, false},     // internal notes are not
		}
		for _, c := range cases {
			got := numbers(c.who, c.q)
			if got[elec.Number] != c.elec || got[pay.Number] != c.pay {
				t.Errorf("%s searching %q found %v; want elec=%v pay=%v", c.who.Name, c.q, got, c.elec, c.pay)
			}
		}
		// Assigning the confidential request to Noël lets him find it, and only him among agents.
		if _, err := o.desk.Update(ctx, o.camille, pay.Number, request.Change{AssigneeID: &o.noel.UserID}); err != nil {
			t.Fatal(err)
		}
		if !numbers(o.noel, "prime")[pay.Number] || numbers(o.jerome, "prime")[pay.Number] {
			t.Fatal("after assignment only the assignee among agents finds the confidential request")
		}
		if n, err := o.desk.Reindex(ctx); err != nil || n != 2 {
			t.Fatalf("reindex: %d %v", n, err)
		}
		if !numbers(o.camille, "electricite")[elec.Number] {
			t.Fatal("reindexing lost a request")
		}
	})
}
