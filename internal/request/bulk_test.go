package request_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

func TestBulkIsAllOrNothingAndNamesTheFailures(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		a := file(t, o, "Chaise cassée", "zoe@x.fr", "")
		b := file(t, o, "Lampe", "helene@x.fr", "")
		c := file(t, o, "Porte qui grince", "zoe@x.fr", "")
		pay := file(t, o, "Paie", "zoe@x.fr", "RH & paie")
		if _, err := o.desk.Update(ctx, o.camille, b.Number, request.Change{Tags: &[]string{"lyon"}}); err != nil {
			t.Fatal(err)
		}

		high := request.High
		cat := "Locaux & maintenance"
		n, err := o.desk.BulkApply(ctx, o.jerome, []int64{a.Number, b.Number, b.Number}, request.BulkAction{
			Change: request.Change{Priority: &high, Category: &cat, AssigneeID: &o.jerome.UserID}, AddTags: []string{"Mobilier"}})
		if err != nil || n != 2 {
			t.Fatalf("bulk: %d %v", n, err)
		}
		for _, num := range []int64{a.Number, b.Number} {
			r, _ := o.desk.Get(ctx, o.camille, num)
			if r.Priority != request.High || r.Category != cat || r.AssigneeName != "Jérôme" || !slices.Contains(r.Tags, "mobilier") {
				t.Fatalf("#%d after bulk: %+v", num, r)
			}
			if got := kinds(t, o, num); !slices.Contains(got, "priority:high") || !slices.Contains(got, "assignee:Jérôme") {
				t.Fatalf("#%d timeline: %v", num, got)
			}
		}
		if r, _ := o.desk.Get(ctx, o.camille, b.Number); !slices.Equal(r.Tags, []string{"lyon", "mobilier"}) {
			t.Fatalf("adding a tag keeps the others: %v", r.Tags)
		}

		// One closed request cannot reopen, one is hidden from Jérôme: nothing is written, and
		// both are named.
		closed := request.StatusClosed
		if _, err := o.desk.Update(ctx, o.camille, c.Number, request.Change{Status: &closed}); err != nil {
			t.Fatal(err)
		}
		open := request.StatusOpen
		_, err = o.desk.Bulk(ctx, o.jerome, []int64{a.Number, c.Number, pay.Number}, request.Change{Status: &open})
		var be *request.BulkError
		if !errors.As(err, &be) || len(be.Failures) != 2 || be.Failures[0].Number != c.Number || be.Failures[1].Number != pay.Number ||
			!errors.Is(be.Failures[0].Err, request.ErrInvalidTransition) || !errors.Is(be.Failures[1].Err, request.ErrNotFound) {
			t.Fatalf("failures: %v", err)
		}
		if r, _ := o.desk.Get(ctx, o.camille, a.Number); r.Status != request.StatusNew {
			t.Fatalf("a failed bulk action wrote #%d: %s", a.Number, r.Status)
		}

		bad := "Cuisine"
		if _, err := o.desk.Bulk(ctx, o.jerome, []int64{a.Number}, request.Change{Category: &bad}); fieldCodes(err)["category"] != "category_unknown" {
			t.Fatalf("a wrong field is a validation error: %v", err)
		}
		if _, err := o.desk.Bulk(ctx, o.jerome, nil, request.Change{Priority: &high}); fieldCodes(err)["numbers"] != "required" {
			t.Fatalf("no request chosen: %v", err)
		}
		if _, err := o.desk.Bulk(ctx, o.zoe, []int64{a.Number}, request.Change{Priority: &high}); !errors.Is(err, request.ErrForbidden) {
			t.Fatalf("employees: %v", err)
		}
	})
}

func TestBulkLinksAndMerges(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		a := file(t, o, "Wi-Fi", "zoe@x.fr", "")
		b := file(t, o, "Wi-Fi encore", "helene@x.fr", "")
		c := file(t, o, "Pas de Wi-Fi", "zoe@x.fr", "")
		inc, _ := o.desk.CreateIncident(ctx, o.jerome, "Wi-Fi", "")
		if _, err := o.desk.BulkApply(ctx, o.jerome, []int64{a.Number, b.Number}, request.BulkAction{IncidentID: inc.ID}); err != nil {
			t.Fatal(err)
		}
		if detail, _ := o.desk.Incident(ctx, o.jerome, inc.ID); len(detail.Requests) != 2 {
			t.Fatalf("linked: %d", len(detail.Requests))
		}
		if _, err := o.desk.BulkApply(ctx, o.jerome, []int64{a.Number}, request.BulkAction{IncidentID: 999}); fieldCodes(err)["incident"] != "incident_unknown" {
			t.Fatalf("unknown incident: %v", err)
		}
		// The target may be among the selection: it is left unmerged.
		if _, err := o.desk.BulkApply(ctx, o.jerome, []int64{a.Number, b.Number, c.Number}, request.BulkAction{MergeInto: a.Number}); err != nil {
			t.Fatal(err)
		}
		for _, num := range []int64{b.Number, c.Number} {
			if r, _ := o.desk.Get(ctx, o.camille, num); r.Status != request.StatusClosed || r.MergedIntoID != a.ID {
				t.Fatalf("#%d not merged: %+v", num, r)
			}
		}
		if r, _ := o.desk.Get(ctx, o.camille, a.Number); r.MergedIntoID != 0 || r.Status == request.StatusClosed {
			t.Fatalf("the target stays: %+v", r)
		}
	})
}
