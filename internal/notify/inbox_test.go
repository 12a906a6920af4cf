package notify

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/testutil"
)

func TestQueriesPrepare(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		newOffice(t, d) // checks every statement
	})
}

// TestInboxReadAndPaging: the inbox pages newest first, counts what is unread, and marks one,
// a batch with its items, or everything as read; another account's notification is not found.
func TestInboxReadAndPaging(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		o.clock.Set(at(2, 14, 0))
		var sent []Notification
		for i := range int64(5) {
			sent = append(sent, o.send(t, newRequest(o.camille, 1042+i, "Demande"))...)
		}
		other := o.send(t, newRequest(o.jerome, 1042, "Demande"))[0]
		if n := unread(t, o.svc, o.camille); n != 5 {
			t.Fatalf("unread = %d, want 5", n)
		}
		page := must(o.svc.List(ctx, o.camille, ListOptions{Limit: 2}))
		if len(page.Items) != 2 || page.Items[0].RequestNumber != 1046 || page.NextCursor == 0 {
			t.Fatalf("first page = %+v", page)
		}
		var seen []int64
		for cursor := int64(0); ; {
			p := must(o.svc.List(ctx, o.camille, ListOptions{Limit: 2, Before: cursor}))
			for _, n := range p.Items {
				seen = append(seen, n.RequestNumber)
			}
			if cursor = p.NextCursor; cursor == 0 {
				break
			}
		}
		if len(seen) != 5 || seen[0] != 1046 || seen[4] != 1042 {
			t.Fatalf("paged through %v, want 1046…1042", seen)
		}

		if _, err := o.svc.MarkRead(ctx, o.camille, other.ID); err != ErrNotFound {
			t.Fatalf("marking another account's notification = %v, want ErrNotFound", err)
		}
		link := must(o.svc.MarkRead(ctx, o.camille, sent[0].ID))
		if link != "/requests/1042" {
			t.Fatalf("MarkRead link = %q", link)
		}
		if n := unread(t, o.svc, o.camille); n != 4 {
			t.Fatalf("unread after one read = %d, want 4", n)
		}
		if n := unread(t, o.svc, o.jerome); n != 1 {
			t.Fatalf("Jérôme's unread = %d, want 1: Camille's reading is hers", n)
		}

		// A batch: reading its items one by one reads the batch; reading the batch reads them all.
		must(o.svc.StartFocus(ctx, o.camille, time.Hour))
		o.send(t, newRequest(o.camille, 1050, "A"), newRequest(o.camille, 1051, "B"))
		must(o.svc.StopFocus(ctx, o.camille))
		batch := inbox(t, o.svc, o.camille)[0]
		if batch.Kind != KindFocusBatch || len(batch.Items) != 2 {
			t.Fatalf("batch = %+v", batch)
		}
		if n := unread(t, o.svc, o.camille); n != 5 {
			t.Fatalf("unread with a batch = %d, want 5 (the batch counts once)", n)
		}
		must(o.svc.MarkRead(ctx, o.camille, batch.Items[0].ID))
		if n := unread(t, o.svc, o.camille); n != 5 {
			t.Fatalf("unread after one item of the batch = %d, want 5", n)
		}
		must(o.svc.MarkRead(ctx, o.camille, batch.Items[1].ID))
		if n := unread(t, o.svc, o.camille); n != 4 {
			t.Fatalf("unread after every item of the batch = %d, want 4", n)
		}
		if err := o.svc.MarkAllRead(ctx, o.camille); err != nil {
			t.Fatal(err)
		}
		if n := unread(t, o.svc, o.camille); n != 0 {
			t.Fatalf("unread after MarkAllRead = %d", n)
		}
		for _, n := range inbox(t, o.svc, o.camille) {
			if n.ReadAt == nil {
				t.Fatalf("notification %d still unread", n.ID)
			}
		}
	})
}

// TestChannelsDeliverOnceInRecipientLanguage: an external channel gets each notification once,
// in its recipient's language, including a person without an account; a failed delivery is
// retried without resending; a bad notification is refused.
func TestChannelsDeliverOnceInRecipientLanguage(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		o.clock.Set(at(2, 14, 0))
		slack := &recorder{name: "slack", fail: 1}
		o.svc.AddChannel(slack)
		reply := Notification{PersonID: o.zoePerson, Kind: "request.reply", Link: "/portal/1042", RequestNumber: 1042,
			Params: map[string]string{"number": "1042", "title": "Badge", "author": "Camille", "excerpt": "C'est prêt."}}
		sent := o.send(t, newRequest(o.jerome, 1042, "Plus d'eau chaude"), reply)
		run(t, o.q)
		waitFor(t, "two deliveries", func() bool { return len(slack.deliveries()) == 2 })
		waitFor(t, "the queue empty", func() bool { return stats(t, o.q) == jobsEmpty })
		got := map[int64]Delivery{}
		for _, dl := range slack.deliveries() {
			got[dl.ID] = dl
		}
		j := got[sent[0].ID]
		if j.Title != "New request #1042: Plus d'eau chaude" || j.To.Email != "jerome@x.fr" || j.To.Lang != "en" {
			t.Errorf("Jérôme's delivery = %q to %+v, want English", j.Title, j.To)
		}
		z := got[sent[1].ID]
		if z.Title != "Nouvelle réponse à votre demande #1042" || z.Body != "Camille : C'est prêt." || z.To.Email != "zoe@x.fr" {
			t.Errorf("Zoé's delivery = %q / %q to %+v", z.Title, z.Body, z.To)
		}
		// The same job again (a crash after sending, before the queue heard of it) sends nothing.
		if err := o.svc.deliverJob(ctx, []byte(`{"id":`+itoa(sent[0].ID)+`,"channel":"slack"}`)); err != nil {
			t.Fatal(err)
		}
		if n := len(slack.deliveries()); n != 2 {
			t.Fatalf("a delivery ran twice: %d deliveries", n)
		}
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := o.svc.Send(ctx, tx, Notification{Kind: "request.created"})
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "recipient") {
			t.Fatalf("Send without a recipient = %v", err)
		}
	})
}
