package request_test

import (
	"context"
	"sync"
	"testing"

	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// Two agents (or a Slack button and the web) changing different properties of one request at
// the same time must both be kept: a change is computed from the request it read, so the
// request is locked while the change is written.
func TestConcurrentChangesOfOneRequestAreBothKept(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		for round := range 5 {
			r := file(t, o, "Imprimante en panne", "zoe@x.fr", "")
			high := request.High
			cat := "Locaux & maintenance"
			var wg sync.WaitGroup
			errs := make(chan error, 3)
			for _, ch := range []request.Change{{Priority: &high}, {Category: &cat}, {AssigneeID: &o.jerome.UserID}} {
				wg.Go(func() {
					_, err := o.desk.Update(ctx, o.camille, r.Number, ch)
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			got, err := o.desk.Get(ctx, o.camille, r.Number)
			if err != nil {
				t.Fatal(err)
			}
			if got.Priority != request.High || got.Category != cat || got.AssigneeID != o.jerome.UserID {
				t.Fatalf("round %d: a concurrent change was lost: priority %s, category %q, assignee %d", round, got.Priority, got.Category, got.AssigneeID)
			}
		}
	})
}
