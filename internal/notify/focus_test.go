package notify

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/jobs"
	"majordome/internal/testutil"
	"majordome/internal/valid"
)

var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

// TestFocusBlockHoldsThenOneBatch is Camille's morning: during her 9:00–11:00 block, three new
// requests are held and an urgent one reaches her; at 11:00 one job releases the three as one
// batch, written in the reader's language.
func TestFocusBlockHoldsThenOneBatch(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		must(o.svc.AddBlock(ctx, o.camille, BlockInput{Days: weekdays, Start: "09:00", End: "11:00"}))

		until, ok := must2(o.svc.FocusUntil(ctx, o.camille, o.clock.Now()))
		if !ok || !until.Equal(at(2, 11, 0)) {
			t.Fatalf("FocusUntil at 9:30 = %v, %v; want 11:00 Paris", until, ok)
		}
		urgent := newRequest(o.camille, 1045, "Fuite d'eau en cuisine")
		urgent.Urgent = true
		sent := o.send(t, newRequest(o.camille, 1042, "Plus d'eau chaude"), newRequest(o.camille, 1043, "Badge Lyon"),
			urgent, newRequest(o.camille, 1044, "Écran qui clignote"))
		if !sent[0].Held() || sent[0].HeldUntil == nil || !sent[0].HeldUntil.Equal(at(2, 11, 0)) {
			t.Fatalf("a non-urgent notification during focus = %+v, want held until 11:00", sent[0])
		}
		if sent[2].Held() {
			t.Fatal("the urgent notification was held")
		}
		// A notification for someone not in focus is not held.
		if j := o.send(t, newRequest(o.jerome, 1042, "Plus d'eau chaude")); j[0].Held() {
			t.Fatal("Jérôme has no focus block, yet his notification was held")
		}
		if got := unread(t, o.svc, o.camille); got != 1 {
			t.Fatalf("unread during focus = %d, want 1 (the urgent one)", got)
		}
		if got := held(t, o.svc, o.camille); got != 3 {
			t.Fatalf("held = %d, want 3", got)
		}
		if items := inbox(t, o.svc, o.camille); len(items) != 1 || items[0].RequestNumber != 1045 {
			t.Fatalf("inbox during focus = %+v, want only #1045", items)
		}
		if s := stats(t, o.q); s.Pending != 1 {
			t.Fatalf("jobs = %+v, want one batch job for the three held", s)
		}

		o.clock.Set(at(2, 11, 0))
		run(t, o.q)
		waitFor(t, "the batch released", func() bool { return held(t, o.svc, o.camille) == 0 })
		waitFor(t, "the queue empty", func() bool { return stats(t, o.q) == jobsEmpty })
		if got := unread(t, o.svc, o.camille); got != 2 {
			t.Fatalf("unread after the focus = %d, want 2 (the urgent one and the batch)", got)
		}
		items := inbox(t, o.svc, o.camille)
		if len(items) != 2 || items[0].Kind != KindFocusBatch {
			t.Fatalf("inbox after the focus = %+v, want the batch first, then #1045", items)
		}
		b := items[0]
		if b.Params["n"] != "3" || len(b.Items) != 3 || b.Items[0].RequestNumber != 1044 {
			t.Fatalf("batch = %+v with items %+v, want the 3 held, newest first", b.Params, b.Items)
		}
		if title, body := o.svc.Text("fr", b); title != "3 nouvelles demandes pendant votre concentration" ||
			body != "#1042 Plus d'eau chaude\n#1043 Badge Lyon\n#1044 Écran qui clignote" {
			t.Errorf("batch in French = %q / %q", title, body)
		}
		if title, _ := o.svc.Text("en", b); title != "3 new requests during your focus time" {
			t.Errorf("batch in English = %q", title)
		}
		if title, _ := o.svc.Text("fr", items[1]); title != "Demande urgente #1045 : Fuite d'eau en cuisine" {
			t.Errorf("urgent in French = %q", title)
		}
		if _, ok := must2(o.svc.FocusUntil(ctx, o.camille, at(2, 11, 0))); ok {
			t.Error("still in focus at 11:00")
		}
		if _, ok := must2(o.svc.FocusUntil(ctx, o.camille, at(7, 9, 30))); ok {
			t.Error("in focus on a Saturday with a Monday-to-Friday block")
		}
	})
}

var jobsEmpty = jobs.Stats{}

// TestFocusBatchOnceAcrossInstances: two instances run the queue on one database; for each of
// several accounts, two releases race (the end of the focus, and a second job for the same
// account). Every held notification is released once, in exactly one batch per account, and
// every batch is delivered once to the external channel.
func TestFocusBatchOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	testutil.EachSharedDB(t, func(t *testing.T, d1, d2 *db.DB) {
		o := newOffice(t, d1)
		ctx := context.Background()
		svc2, q2 := o.instance(d2)
		ch1, ch2 := &recorder{name: "slack"}, &recorder{name: "slack"}
		o.svc.AddChannel(ch1)
		svc2.AddChannel(ch2)

		users := []int64{o.camille, o.jerome, o.zoe}
		for _, u := range users {
			if _, err := o.svc.StartFocus(ctx, u, time.Hour); err != nil {
				t.Fatal(err)
			}
			o.send(t, newRequest(u, 1042, "Plus d'eau chaude"), newRequest(u, 1043, "Badge Lyon"), newRequest(u, 1044, "Clim"))
			// A second release for the same account, as when focus is stopped by hand while the
			// end-of-focus job runs.
			err := d1.Tx(ctx, func(tx *sql.Tx) error { return o.svc.scheduleBatch(ctx, tx, u, at(2, 10, 0)) })
			if err != nil {
				t.Fatal(err)
			}
		}
		if s := stats(t, o.q); s.Pending != 2*len(users) {
			t.Fatalf("jobs = %+v, want 2 per account", s)
		}
		o.clock.Set(at(2, 10, 45))
		run(t, o.q)
		run(t, q2)
		waitFor(t, "the queue empty", func() bool { return stats(t, o.q) == jobsEmpty })
		time.Sleep(50 * time.Millisecond) // a duplicate still in flight would land now

		for _, u := range users {
			items := inbox(t, o.svc, u)
			if len(items) != 1 || items[0].Kind != KindFocusBatch || len(items[0].Items) != 3 {
				t.Fatalf("account %d: inbox = %+v, want one batch of 3", u, items)
			}
			if h := held(t, o.svc, u); h != 0 {
				t.Fatalf("account %d: %d still held", u, h)
			}
		}
		count := map[int64]int{}
		for _, dl := range append(ch1.deliveries(), ch2.deliveries()...) {
			count[dl.ID]++
			if dl.Kind != KindFocusBatch {
				t.Errorf("delivered %s to the channel: held notifications go out in their batch only", dl.Kind)
			}
		}
		if len(count) != len(users) {
			t.Errorf("channel got %d distinct notifications, want %d batches", len(count), len(users))
		}
		for id, c := range count {
			if c != 1 {
				t.Errorf("notification %d delivered %d times", id, c)
			}
		}
	})
}

// TestStartStopFocus: focus by hand, stopped early, releases at once; stopping a block keeps it
// off until its end, and it comes back on its next day.
func TestStartStopFocus(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		o.clock.Set(at(3, 14, 0)) // a Tuesday
		until := must(o.svc.StartFocus(ctx, o.camille, 2*time.Hour))
		if !until.Equal(at(3, 16, 0)) {
			t.Fatalf("StartFocus(2h) at 14:00 = %v, want 16:00", until)
		}
		reply := Notification{UserID: o.camille, Kind: "request.requester_reply", RequestNumber: 1042, Link: "/requests/1042",
			Params: map[string]string{"number": "1042", "title": "Badge", "requester": "Zoé", "excerpt": "Merci !"}}
		o.send(t, newRequest(o.camille, 1043, "Clim"), reply)
		if held(t, o.svc, o.camille) != 2 {
			t.Fatal("notifications not held during focus started by hand")
		}
		if n := must(o.svc.StopFocus(ctx, o.camille)); n != 2 {
			t.Fatalf("StopFocus released %d, want 2", n)
		}
		items := inbox(t, o.svc, o.camille)
		if len(items) != 1 || items[0].Kind != KindFocusBatch {
			t.Fatalf("inbox after stop = %+v, want one batch", items)
		}
		if title, _ := o.svc.Text("fr", items[0]); title != "2 notifications pendant votre concentration" {
			t.Errorf("mixed batch = %q", title)
		}
		if _, ok := must2(o.svc.FocusUntil(ctx, o.camille, at(3, 14, 1))); ok {
			t.Fatal("still in focus after StopFocus")
		}
		// A single held notification is released as itself, not as a batch of one.
		must(o.svc.StartFocus(ctx, o.camille, time.Hour))
		o.send(t, newRequest(o.camille, 1050, "Chaise cassée"))
		if n := must(o.svc.StopFocus(ctx, o.camille)); n != 1 {
			t.Fatalf("StopFocus released %d, want 1", n)
		}
		if items := inbox(t, o.svc, o.camille); items[0].Kind != "request.created" || items[0].RequestNumber != 1050 {
			t.Fatalf("a lone held notification came out as %+v", items[0])
		}

		// A block stopped by hand stays off until its end, and is back the next week day.
		tueWed := []time.Weekday{time.Tuesday, time.Wednesday}
		must(o.svc.AddBlock(ctx, o.jerome, BlockInput{Days: tueWed, Start: "13:00", End: "18:00"}))
		if u, ok := must2(o.svc.FocusUntil(ctx, o.jerome, at(3, 14, 0))); !ok || !u.Equal(at(3, 18, 0)) {
			t.Fatalf("block focus = %v, %v", u, ok)
		}
		must(o.svc.StopFocus(ctx, o.jerome))
		if _, ok := must2(o.svc.FocusUntil(ctx, o.jerome, at(3, 16, 0))); ok {
			t.Fatal("a stopped block came back the same afternoon")
		}
		if u, ok := must2(o.svc.FocusUntil(ctx, o.jerome, at(4, 13, 0))); !ok || !u.Equal(at(4, 18, 0)) {
			t.Fatalf("Wednesday's block = %v, %v; want on until 18:00", u, ok)
		}
		if _, err := o.svc.StartFocus(ctx, o.jerome, 25*time.Hour); !hasField(err, "focus_duration") {
			t.Fatalf("StartFocus(25h) = %v, want a focus_duration error", err)
		}
	})
}

// TestFocusExtendedHoldsOn: what is held waits for the end of a focus that was extended, and the
// end-of-focus job follows it there.
func TestFocusExtendedHoldsOn(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		must(o.svc.AddBlock(ctx, o.camille, BlockInput{Days: weekdays, Start: "09:00", End: "11:00"}))
		o.send(t, newRequest(o.camille, 1042, "Plus d'eau chaude"), newRequest(o.camille, 1043, "Badge"))
		o.clock.Set(at(2, 10, 30))
		if u := must(o.svc.StartFocus(ctx, o.camille, time.Hour)); !u.Equal(at(2, 11, 30)) {
			t.Fatalf("focus extended to %v, want 11:30", u)
		}
		o.clock.Set(at(2, 11, 0))
		run(t, o.q)
		time.Sleep(200 * time.Millisecond) // the 11:00 job runs, and its 11:30 successor tries early
		if h, n := held(t, o.svc, o.camille), unread(t, o.svc, o.camille); h != 2 || n != 0 {
			t.Fatalf("at 11:00 with focus until 11:30: held %d, unread %d; want 2 held", h, n)
		}
		o.clock.Set(at(2, 11, 30))
		waitFor(t, "the release at 11:30", func() bool { return held(t, o.svc, o.camille) == 0 })
		if items := inbox(t, o.svc, o.camille); len(items) != 1 || len(items[0].Items) != 2 {
			t.Fatalf("inbox = %+v, want one batch of 2", items)
		}
	})
}

// TestFocusEnds covers how the end of a focus is found: blocks that follow each other, focus by
// hand that runs into a block, a day's last minutes.
func TestFocusEnds(t *testing.T) {
	mon := []time.Weekday{time.Monday}
	b := func(start, end int) Block { return Block{Days: mon, Start: start, End: end, Timezone: DefaultTimezone} }
	ptr := func(t time.Time) *time.Time { return &t }
	cases := []struct {
		name     string
		blocks   []Block
		endsAt   *time.Time
		offUntil *time.Time
		now      time.Time
		want     time.Time // zero: not in focus
	}{
		{"before the block", []Block{b(540, 660)}, nil, nil, at(2, 8, 59), time.Time{}},
		{"at its start", []Block{b(540, 660)}, nil, nil, at(2, 9, 0), at(2, 11, 0)},
		{"at its end", []Block{b(540, 660)}, nil, nil, at(2, 11, 0), time.Time{}},
		{"blocks back to back", []Block{b(540, 660), b(660, 720)}, nil, nil, at(2, 9, 30), at(2, 12, 0)},
		{"by hand into a block", []Block{b(540, 660)}, ptr(at(2, 9, 30)), nil, at(2, 8, 0), at(2, 11, 0)},
		{"by hand past a block", []Block{b(540, 660)}, ptr(at(2, 12, 0)), nil, at(2, 10, 0), at(2, 12, 0)},
		{"block stopped", []Block{b(540, 660)}, ptr(at(2, 9, 30)), ptr(at(2, 11, 0)), at(2, 10, 0), time.Time{}},
		{"to midnight", []Block{b(1200, 1440)}, nil, nil, at(2, 23, 59), at(3, 0, 0)},
		{"other day", []Block{b(540, 660)}, nil, nil, at(3, 9, 30), time.Time{}},
	}
	for _, c := range cases {
		got, ok := focusEnd(c.blocks, c.endsAt, c.offUntil, c.now)
		if ok != !c.want.IsZero() || (ok && !got.Equal(c.want)) {
			t.Errorf("%s: focusEnd = %v, %v; want %v", c.name, got, ok, c.want)
		}
	}
}

// TestBlockValidation: each wrong field is named; nothing is stored.
func TestBlockValidation(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		cases := []struct {
			in    BlockInput
			field string
			code  string
		}{
			{BlockInput{Start: "09:00", End: "11:00"}, "focus_days", "required"},
			{BlockInput{Days: weekdays, Start: "9h61", End: "11:00"}, "focus_start", "focus_time_invalid"},
			{BlockInput{Days: weekdays, Start: "", End: "11:00"}, "focus_start", "required"},
			{BlockInput{Days: weekdays, Start: "11:00", End: "09:00"}, "focus_end", "focus_end_before_start"},
			{BlockInput{Days: weekdays, Start: "09:00", End: "25:00"}, "focus_end", "focus_time_invalid"},
			{BlockInput{Days: weekdays, Start: "09:00", End: "11:00", Timezone: "Mars/Olympus"}, "timezone", "timezone_invalid"},
		}
		for _, c := range cases {
			_, err := o.svc.AddBlock(ctx, o.camille, c.in)
			var ve valid.Errors
			if !errors.As(err, &ve) || !ve.Has(c.field) || ve[0].Code != c.code {
				t.Errorf("AddBlock(%+v) = %v, want %s on %s", c.in, err, c.code, c.field)
			}
		}
		if blocks := must(o.svc.Blocks(ctx, o.camille)); len(blocks) != 0 {
			t.Fatalf("blocks stored from bad input: %+v", blocks)
		}
		blk := must(o.svc.AddBlock(ctx, o.camille, BlockInput{Days: []time.Weekday{time.Friday, time.Monday}, Start: "9h", End: "24:00"}))
		if blk.StartClock() != "09:00" || blk.EndClock() != "24:00" || len(blk.Days) != 2 || blk.Days[0] != time.Monday {
			t.Fatalf("block = %+v", blk)
		}
		if _, err := o.svc.UpdateBlock(ctx, o.jerome, blk.ID, BlockInput{Days: weekdays, Start: "8:00", End: "9:00"}); err != ErrNotFound {
			t.Fatalf("updating another account's block = %v, want ErrNotFound", err)
		}
		if err := o.svc.DeleteBlock(ctx, o.jerome, blk.ID); err != ErrNotFound {
			t.Fatalf("deleting another account's block = %v, want ErrNotFound", err)
		}
		if _, err := o.svc.UpdateBlock(ctx, o.camille, blk.ID, BlockInput{Days: weekdays, Start: "8:00", End: "9:00"}); err != nil {
			t.Fatal(err)
		}
		if err := o.svc.DeleteBlock(ctx, o.camille, blk.ID); err != nil {
			t.Fatal(err)
		}
	})
}
