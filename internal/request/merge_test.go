package request_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestMergeFoldsADuplicateIntoItsTarget(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: "user", ID: o.jerome.UserID, Name: "Jérôme"})
		target, _ := o.desk.Create(ctx, request.NewRequest{Title: "Wi-Fi lent", Description: "Depuis ce matin.", RequesterEmail: "helene@x.fr"})
		dup, _ := o.desk.Create(ctx, request.NewRequest{Title: "Internet ne marche pas", Description: "Rien ne charge, ma carte bancaire est en pièce jointe.", RequesterEmail: "zoe@x.fr"})
		if _, err := o.desk.Reply(ctx, o.jerome, dup.Number, "Je regarde", false, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.Reply(ctx, o.zoe, dup.Number, "Merci", false, ""); err != nil {
			t.Fatal(err)
		}

		if _, err := o.desk.Merge(ctx, o.zoe, dup.Number, target.Number); !errors.Is(err, request.ErrForbidden) {
			t.Fatalf("employees do not merge: %v", err)
		}
		if _, err := o.desk.Merge(ctx, o.jerome, dup.Number, dup.Number); fieldCodes(err)["into"] != "merge_self" {
			t.Fatalf("into itself: %v", err)
		}
		if _, err := o.desk.Merge(ctx, o.jerome, dup.Number, 9999); fieldCodes(err)["into"] != "request_unknown" {
			t.Fatalf("into nothing: %v", err)
		}
		after, err := o.desk.Merge(ctx, o.jerome, dup.Number, target.Number)
		if err != nil {
			t.Fatal(err)
		}
		if after.Number != target.Number || after.Status != request.StatusNew || after.FirstResponseAt != nil {
			t.Fatalf("the merge note does not answer the target (still new, no first response): %+v", after)
		}
		merged, _ := o.desk.Get(ctx, o.camille, dup.Number)
		if merged.Status != request.StatusClosed || merged.MergedIntoID != target.ID {
			t.Fatalf("the duplicate is closed and points at the target: %+v", merged)
		}
		if got := kinds(t, o, dup.Number); !slices.Equal(got[len(got)-2:], []string{"merged:" + target.Ref(), "status:closed"}) {
			t.Fatalf("duplicate timeline: %v", got)
		}
		if got := kinds(t, o, target.Number); !slices.Contains(got, "merged_in:"+dup.Ref()) {
			t.Fatalf("target timeline: %v", got)
		}

		// The desk reads the whole story in the target; Hélène reads the note but not Zoé's words.
		desk := conversation(t, o, o.jerome, target.Number)
		if len(desk) != 4 || !strings.Contains(desk[0].Body, dup.Ref()) || desk[0].Internal ||
			desk[1].Body != dup.Description || desk[1].AuthorName != "Zoé Test" || !desk[1].Internal ||
			desk[2].Body != "Je regarde" || desk[3].Body != "Merci" || !desk[3].Internal {
			t.Fatalf("target conversation: %+v", desk)
		}
		helene := conversation(t, o, o.helene, target.Number)
		if len(helene) != 1 || strings.Contains(helene[0].Body, "Internet ne marche pas") {
			t.Fatalf("Hélène must not read Zoé's request: %+v", helene)
		}
		if zoe := conversation(t, o, o.zoe, dup.Number); len(zoe) != 2 {
			t.Fatalf("Zoé keeps her conversation: %+v", zoe)
		}
		followers, err := o.desk.Followers(ctx, after)
		if err != nil || len(followers) != 1 || followers[0].PersonID != o.zoe.PersonID || followers[0].Email != "zoe@x.fr" {
			t.Fatalf("Zoé follows the target: %+v %v", followers, err)
		}
		links, err := o.desk.Links(ctx, o.jerome, merged)
		if err != nil || links.MergedInto != target.Number {
			t.Fatalf("links of the duplicate: %+v %v", links, err)
		}
		if links, _ := o.desk.Links(ctx, o.jerome, after); !slices.Equal(links.MergedFrom, []int64{dup.Number}) || len(links.Followers) != 1 {
			t.Fatalf("links of the target: %+v", links)
		}
		if entries, _, _ := o.log.List(ctx, audit.Filter{Action: "request.merge"}); len(entries) != 1 {
			t.Fatalf("a merge is audited: %d", len(entries))
		}

		if _, err := o.desk.Merge(ctx, o.jerome, dup.Number, target.Number); !errors.Is(err, request.ErrAlreadyMerged) {
			t.Fatalf("merged twice: %v", err)
		}
		other, _ := o.desk.Create(ctx, request.NewRequest{Title: "Wi-Fi", RequesterEmail: "zoe@x.fr"})
		if _, err := o.desk.Merge(ctx, o.jerome, other.Number, dup.Number); fieldCodes(err)["into"] != "merge_target_closed" {
			t.Fatalf("into a closed request: %v", err)
		}
	})
}

func TestMergeKeepsConfidentialRequestsConfidential(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		pay := file(t, o, "Fiche de paie fausse", "zoe@x.fr", "RH & paie")
		pay2 := file(t, o, "Fiche de paie, encore", "zoe@x.fr", "RH & paie")
		open := file(t, o, "Question paie", "zoe@x.fr", "")

		if _, err := o.desk.Merge(ctx, o.jerome, pay.Number, open.Number); !errors.Is(err, request.ErrNotFound) {
			t.Fatalf("Jérôme cannot merge what he cannot see: %v", err)
		}
		if _, err := o.desk.Merge(ctx, o.jerome, open.Number, pay.Number); fieldCodes(err)["into"] != "request_unknown" {
			t.Fatalf("nor into what he cannot see: %v", err)
		}
		if _, err := o.desk.Merge(ctx, o.camille, pay.Number, open.Number); !errors.Is(err, request.ErrMergeConfidential) {
			t.Fatalf("a confidential request into an open one: %v", err)
		}
		if _, err := o.desk.Reply(ctx, o.zoe, pay2.Number, "Il manque 200 €", false, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.Merge(ctx, o.camille, pay2.Number, pay.Number); err != nil {
			t.Fatal(err)
		}
		msgs := conversation(t, o, o.zoe, pay.Number)
		if len(msgs) != 1 || msgs[0].Body != "Il manque 200 €" {
			// Same requester: her own words stay hers to read; the merge note is internal.
			t.Fatalf("Zoé's view of the target: %+v", msgs)
		}
		if all := conversation(t, o, o.camille, pay.Number); len(all) != 2 || !all[0].Internal {
			t.Fatalf("desk view: %+v", all)
		}
		if f, _ := o.desk.Followers(ctx, request.Request{ID: pay.ID}); len(f) != 0 {
			t.Fatalf("a requester does not follow her own request: %+v", f)
		}
	})
}
