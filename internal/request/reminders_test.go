package request_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/notify"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// reminderOffice is the notified office with a fake clock set at Paris time at, and the
// catalogue the closing message is written from.
func reminderOffice(t *testing.T, d *db.DB, at string) (notifiedOffice, *slaClock, *i18n.Catalog) {
	t.Helper()
	o := newNotifiedOffice(t, d)
	clock := &slaClock{}
	clock.Set(slaParis(t, at))
	o.desk.SetClock(clock.Now)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return o, clock, cat
}

// reminderWait files a request by Zoé and has Jérôme put it in waiting_requester now.
func reminderWait(t *testing.T, o notifiedOffice) request.Request {
	t.Helper()
	r, err := o.desk.Create(as(o.zoe), request.NewRequest{Title: "Écran qui clignote", RequesterEmail: "zoe@x.fr"})
	if err != nil {
		t.Fatal(err)
	}
	reminderStatus(t, o, r.Number, request.StatusWaitingRequester)
	return r
}

func reminderStatus(t *testing.T, o notifiedOffice, number int64, s request.Status) {
	t.Helper()
	if _, err := o.desk.Update(as(o.jerome), o.jerome, number, request.Change{Status: &s}); err != nil {
		t.Fatal(err)
	}
}

// reminderRun runs the reminders at Paris time at and checks what they did.
func reminderRun(t *testing.T, o notifiedOffice, clock *slaClock, cat *i18n.Catalog, at string, want request.Reminders) {
	t.Helper()
	clock.Set(slaParis(t, at))
	got, err := o.desk.RunReminders(context.Background(), cat)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("reminders at %s: %+v, want %+v", at, got, want)
	}
}

// reminderEvents lists the reminder and auto_resolved events of request number.
func reminderEvents(t *testing.T, o notifiedOffice, number int64) []string {
	t.Helper()
	ctx := context.Background()
	r, err := o.desk.Get(ctx, o.camille, number)
	if err != nil {
		t.Fatal(err)
	}
	events, err := o.desk.Timeline(ctx, o.camille, r)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		if e.Kind == "reminder" || e.Kind == "auto_resolved" {
			if e.ActorName != "Majordome" {
				t.Errorf("%s by %q", e.Kind, e.ActorName)
			}
			out = append(out, e.Kind)
		}
	}
	return out
}

func reminderStatusOf(t *testing.T, o notifiedOffice, number int64) request.Status {
	t.Helper()
	r, err := o.desk.Get(context.Background(), o.camille, number)
	if err != nil {
		t.Fatal(err)
	}
	return r.Status
}

func TestRemindersRemindThenResolve(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		// Wednesday 1 April 2026: three working days skip the weekend and Easter Monday (6 April),
		// so the reminder is due on Tuesday 7 April at 10:00.
		o, clock, cat := reminderOffice(t, d, "2026-04-01 10:00")
		r := reminderWait(t, o)
		none := request.Reminders{}
		reminderRun(t, o, clock, cat, "2026-04-03 17:59", none)
		reminderRun(t, o, clock, cat, "2026-04-06 11:00", none) // Easter Monday
		reminderRun(t, o, clock, cat, "2026-04-07 09:55", none)
		if got := o.kinds(t, o.zoeUser); len(got) != 0 {
			t.Fatalf("Zoé was told too early: %v", got)
		}
		reminderRun(t, o, clock, cat, "2026-04-07 10:00", request.Reminders{Reminded: 1})
		// Once only: the next runs, then or later, send nothing more.
		reminderRun(t, o, clock, cat, "2026-04-07 10:00", none)
		reminderRun(t, o, clock, cat, "2026-04-08 15:00", none)
		if got := o.kinds(t, o.zoeUser); !slices.Equal(got, []string{request.NotifyReminder}) {
			t.Fatalf("Zoé's inbox after the reminder: %v", got)
		}
		if got := reminderEvents(t, o, r.Number); !slices.Equal(got, []string{"reminder"}) {
			t.Errorf("events after the reminder: %v", got)
		}
		in, err := o.svc.List(context.Background(), o.zoeUser, notify.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if title, _ := o.svc.Text("fr", in.Items[0]); title != "Nous attendons votre réponse sur la demande #1001" {
			t.Errorf("reminder reads %q", title)
		}
		if in.Items[0].Link != "/portal/1001" {
			t.Errorf("reminder links to %q", in.Items[0].Link)
		}
		if reminderStatusOf(t, o, r.Number) != request.StatusWaitingRequester {
			t.Fatal("the reminder changed the status")
		}

		// Five working days after the reminder: Tuesday 14 April at 10:00.
		reminderRun(t, o, clock, cat, "2026-04-14 09:55", none)
		reminderRun(t, o, clock, cat, "2026-04-14 10:00", request.Reminders{Resolved: 1})
		reminderRun(t, o, clock, cat, "2026-04-14 10:05", none)
		if s := reminderStatusOf(t, o, r.Number); s != request.StatusResolved {
			t.Fatalf("status after five more days: %s", s)
		}
		if got := reminderEvents(t, o, r.Number); !slices.Equal(got, []string{"reminder", "auto_resolved"}) {
			t.Errorf("events after the resolution: %v", got)
		}
		got, _ := o.desk.Get(context.Background(), o.camille, r.Number)
		msgs, err := o.desk.Conversation(context.Background(), o.camille, got)
		if err != nil {
			t.Fatal(err)
		}
		last := msgs[len(msgs)-1]
		if last.AuthorName != "Majordome" || last.Internal || last.Body !=
			"Sans nouvelles de votre part, nous considérons cette demande comme réglée. Répondez simplement pour la rouvrir." {
			t.Errorf("closing message: %+v", last)
		}
		// The resolution went through the usual path: Zoé heard of it, once.
		if got := o.kinds(t, o.zoeUser); !slices.Equal(got, []string{request.NotifyResolved, request.NotifyReminder}) {
			t.Errorf("Zoé's inbox after the resolution: %v", got)
		}

		// Her reply reopens it, as for any resolved request.
		if _, err := o.desk.Reply(as(o.zoe), o.zoe, r.Number, "Toujours en panne !", false, request.Web); err != nil {
			t.Fatal(err)
		}
		if s := reminderStatusOf(t, o, r.Number); s != request.StatusOpen {
			t.Errorf("status after Zoé's reply: %s", s)
		}
	})
}

func TestRemindersStartOverAfterAReply(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o, clock, cat := reminderOffice(t, d, "2026-04-01 10:00")
		r := reminderWait(t, o)
		reminderRun(t, o, clock, cat, "2026-04-07 10:00", request.Reminders{Reminded: 1})

		// Zoé answers on Friday: the request opens, and its wait is forgotten.
		clock.Set(slaParis(t, "2026-04-10 10:00"))
		if _, err := o.desk.Reply(as(o.zoe), o.zoe, r.Number, "Je regarde lundi.", false, request.Web); err != nil {
			t.Fatal(err)
		}
		if s := reminderStatusOf(t, o, r.Number); s != request.StatusOpen {
			t.Fatalf("status after the reply: %s", s)
		}
		reminderRun(t, o, clock, cat, "2026-04-14 10:00", request.Reminders{})
		// Jérôme asks again on Friday at 11:00: a new wait, with its own reminder (Wednesday 15
		// at 11:00) and its own resolution, nothing left of the first.
		clock.Set(slaParis(t, "2026-04-10 11:00"))
		reminderStatus(t, o, r.Number, request.StatusWaitingRequester)
		reminderRun(t, o, clock, cat, "2026-04-15 10:55", request.Reminders{})
		reminderRun(t, o, clock, cat, "2026-04-15 11:00", request.Reminders{Reminded: 1})
		if s := reminderStatusOf(t, o, r.Number); s != request.StatusWaitingRequester {
			t.Errorf("status after the second reminder: %s", s)
		}
		if got := reminderEvents(t, o, r.Number); !slices.Equal(got, []string{"reminder", "reminder"}) {
			t.Errorf("events: %v", got)
		}

		// Moved to open by an agent before the resolution: nothing more happens.
		reminderStatus(t, o, r.Number, request.StatusOpen)
		reminderRun(t, o, clock, cat, "2026-04-30 11:00", request.Reminders{})
		if s := reminderStatusOf(t, o, r.Number); s != request.StatusOpen {
			t.Errorf("status after a month: %s", s)
		}
	})
}

func TestRemindersRunAsOneJobAcrossInstances(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o, clock, cat := reminderOffice(t, d, "2026-04-01 10:00")
		r := reminderWait(t, o)
		clock.Set(slaParis(t, "2026-04-07 10:02"))
		// Two instances start: each registers the reminders and schedules the next slot's run;
		// one run waits.
		var queues []*jobs.Queue
		for range 2 {
			q := jobs.New(d, testutil.Quiet, jobs.Options{PollInterval: 20 * time.Millisecond})
			o.desk.RegisterReminders(q, cat)
			if err := o.desk.StartReminders(ctx, q); err != nil {
				t.Fatal(err)
			}
			queues = append(queues, q)
		}
		if s, err := queues[0].Stats(ctx); err != nil || s.Pending != 1 {
			t.Fatalf("after two starts: %+v, %v; want one pending run", s, err)
		}
		runCtx, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for _, q := range queues {
			wg.Go(func() { _ = q.Run(runCtx) })
		}
		deadline := time.Now().Add(10 * time.Second)
		for len(reminderEvents(t, o, r.Number)) == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // let both instances run a few more times
		stop()
		wg.Wait()
		if got := reminderEvents(t, o, r.Number); !slices.Equal(got, []string{"reminder"}) {
			t.Errorf("events = %v; want one reminder", got)
		}
		if got := o.kinds(t, o.zoeUser); !slices.Equal(got, []string{request.NotifyReminder}) {
			t.Errorf("Zoé's inbox = %v; want one reminder", got)
		}
		if s, err := queues[0].Stats(ctx); err != nil || s.Dead != 0 {
			t.Errorf("after the runs: %+v, %v", s, err)
		}
	})
}

// An agent who writes to the requester while the request waits on them asks again: the
// requester's days count from that message.
func TestRemindersStartOverWhenTheAgentAsksAgain(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o, clock, cat := reminderOffice(t, d, "2026-04-01 10:00")
		r := reminderWait(t, o)
		clock.Set(slaParis(t, "2026-04-03 10:00"))
		if _, err := o.desk.Reply(as(o.jerome), o.jerome, r.Number, "Pouvez-vous m'envoyer une photo ?", false, request.Web); err != nil {
			t.Fatal(err)
		}
		if s := reminderStatusOf(t, o, r.Number); s != request.StatusWaitingRequester {
			t.Fatalf("status after the agent's question: %s", s)
		}
		// Without the question the reminder would go on Tuesday 7 at 10:00 (Easter Monday is
		// off); from Friday 3 it goes on Thursday 9.
		reminderRun(t, o, clock, cat, "2026-04-07 10:00", request.Reminders{})
		reminderRun(t, o, clock, cat, "2026-04-09 09:55", request.Reminders{})
		reminderRun(t, o, clock, cat, "2026-04-09 10:00", request.Reminders{Reminded: 1})
		// A note is not a question to the requester: it changes nothing.
		if _, err := o.desk.Reply(as(o.jerome), o.jerome, r.Number, "Relancé.", true, request.Web); err != nil {
			t.Fatal(err)
		}
		if got := reminderEvents(t, o, r.Number); !slices.Equal(got, []string{"reminder"}) {
			t.Errorf("events: %v", got)
		}
	})
}
