package request_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// TestFollowerReadsTheTeamsRepliesOnly merges Zoé's request into Hélène's: Zoé reads the
// target as a follower, the team's public replies and nothing of Hélène's nor any note.
func TestFollowerReadsTheTeamsRepliesOnly(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		target, _ := o.desk.Create(ctx, request.NewRequest{Title: "Wi-Fi lent chez Hélène", Description: "Depuis ce matin.", RequesterEmail: "helene@x.fr"})
		dup, _ := o.desk.Create(ctx, request.NewRequest{Title: "Internet ne marche pas", RequesterEmail: "zoe@x.fr"})
		if _, err := o.desk.ReadFollowed(ctx, o.zoe, target.Number); !errors.Is(err, request.ErrNotFound) {
			t.Fatalf("before the merge Zoé follows nothing: %v", err)
		}
		if n, err := o.desk.MergedTarget(ctx, o.zoe, dup); n != 0 || err != nil {
			t.Fatalf("a request not merged has no target: %d %v", n, err)
		}
		if _, err := o.desk.Merge(ctx, o.jerome, dup.Number, target.Number); err != nil {
			t.Fatal(err)
		}
		for _, m := range []struct {
			v        request.Viewer
			body     string
			internal bool
		}{{o.helene, "Mon bureau surtout", false}, {o.jerome, "Le prestataire passe à 14 h.", false}, {o.jerome, "Contrat à revoir", true}} {
			if _, err := o.desk.Reply(ctx, m.v, target.Number, m.body, m.internal, ""); err != nil {
				t.Fatal(err)
			}
		}
		dup, _ = o.desk.Get(ctx, o.zoe, dup.Number)
		if n, err := o.desk.MergedTarget(ctx, o.zoe, dup); n != target.Number || err != nil {
			t.Fatalf("Zoé's request leads to the target: %d %v", n, err)
		}

		f, err := o.desk.ReadFollowed(ctx, o.zoe, target.Number)
		if err != nil {
			t.Fatal(err)
		}
		var bodies []string
		for _, m := range f.Replies {
			bodies = append(bodies, m.Body)
		}
		if len(bodies) != 2 || !strings.HasPrefix(bodies[0], "Fusionnée depuis "+dup.Ref()) || bodies[1] != "Le prestataire passe à 14 h." {
			t.Fatalf("Zoé reads %q; want the merge note and the team's public reply", bodies)
		}
		if f.Number != target.Number || f.Status != request.StatusOpen || !slices.Equal(f.Yours, []int64{dup.Number}) || f.MergedInto != 0 {
			t.Fatalf("followed %+v", f)
		}
		if _, err := o.desk.ReadFollowed(ctx, o.helene, target.Number); !errors.Is(err, request.ErrNotFound) {
			t.Fatalf("Hélène asks it, she does not follow it: %v", err)
		}
		if _, err := o.desk.ReadFollowed(ctx, o.jerome, target.Number); !errors.Is(err, request.ErrNotFound) {
			t.Fatalf("an agent without a person follows nothing: %v", err)
		}
		if _, err := o.desk.ReadFollowed(ctx, o.zoe, 9999); !errors.Is(err, request.ErrNotFound) {
			t.Fatalf("no request: %v", err)
		}

		// The target merged in turn into another of Hélène's: Zoé follows that one too.
		last, _ := o.desk.Create(ctx, request.NewRequest{Title: "Panne générale", RequesterEmail: "helene@x.fr"})
		if _, err := o.desk.Merge(ctx, o.jerome, target.Number, last.Number); err != nil {
			t.Fatal(err)
		}
		if f, err = o.desk.ReadFollowed(ctx, o.zoe, target.Number); err != nil || f.MergedInto != last.Number {
			t.Fatalf("the followed request merged again: %+v %v", f, err)
		}
		// There the team's replies come along, and the note of the merge, which quotes Hélène's
		// title for her, names only the number for Zoé.
		if f, err = o.desk.ReadFollowed(ctx, o.zoe, last.Number); err != nil || len(f.Yours) != 0 || len(f.Replies) != 3 {
			t.Fatalf("Zoé follows the last one: %+v %v", f, err)
		}
		if got := f.Replies[0].Body; got != "Fusionnée depuis "+target.Ref()+" : la suite se passe ici." {
			t.Errorf("merge note %q", got)
		}
		for _, m := range f.Replies {
			if strings.Contains(m.Body, "Hélène") || strings.Contains(m.Body, "Mon bureau") {
				t.Errorf("Zoé reads Hélène's words: %q", m.Body)
			}
		}
		if h := conversation(t, o, o.helene, last.Number); !strings.Contains(h[0].Body, "« Wi-Fi lent chez Hélène »") {
			t.Errorf("Hélène reads her own title in the note: %q", h[0].Body)
		}
	})
}

// TestFollowerOfAConfidentialRequest: a confidential request is read only by the people merged
// into it, and each of their reads is audited.
func TestFollowerOfAConfidentialRequest(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		pay := file(t, o, "Prime oubliée", "helene@x.fr", "RH & paie")
		other := file(t, o, "Acompte", "helene@x.fr", "RH & paie")
		mine := file(t, o, "Fiche de paie fausse", "zoe@x.fr", "RH & paie")
		if !pay.Confidential || !mine.Confidential {
			t.Fatal("payroll requests are confidential")
		}
		if _, err := o.desk.Merge(ctx, o.camille, mine.Number, pay.Number); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.ReadFollowed(ctx, o.zoe, other.Number); !errors.Is(err, request.ErrNotFound) {
			t.Fatalf("Zoé reads a confidential request she does not follow: %v", err)
		}
		f, err := o.desk.ReadFollowed(ctx, o.zoe, pay.Number)
		if err != nil || !f.Confidential || len(f.Replies) != 0 {
			// The merge note of a confidential request is internal.
			t.Fatalf("Zoé follows the payroll request: %+v %v", f, err)
		}
		entries, _, err := o.log.List(ctx, audit.Filter{EntityType: "request", EntityID: pay.ID, Action: "request.read"})
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].After, "follower") {
			t.Fatalf("the follower's read is audited: %+v %v", entries, err)
		}
	})
}
