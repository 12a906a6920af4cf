package bench

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"majordome/internal/announce"
	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/importfile"
	"majordome/internal/jobs"
	"majordome/internal/people"
	"majordome/internal/testutil"
)

// The rates of the delivery benchmark's fake channels: high enough for a run of seconds, low
// enough that the pacing, not the database, sets the pace.
var (
	benchSlackRate = announce.Rate{N: 500, Per: time.Second}
	benchEmailRate = announce.Rate{N: 1000, Per: time.Second}
)

// instant is a deliverer that answers at once, as a local fake Slack API or SMTP sink would.
type instant struct {
	channel string
	rate    announce.Rate
	n       atomic.Int64
}

func (d *instant) Channel() string     { return d.channel }
func (d *instant) Rate() announce.Rate { return d.rate }
func (d *instant) Deliver(ctx context.Context, a announce.Announcement, r announce.Recipient) (string, error) {
	d.n.Add(1)
	return fmt.Sprintf("%s/%d", d.channel, r.PersonID), nil
}
func (d *instant) Correct(context.Context, announce.Announcement, announce.Recipient, string) error {
	return nil
}
func (d *instant) Remind(context.Context, announce.Announcement, announce.Recipient) error {
	return nil
}

// BenchmarkAnnounceQueue10000 is the part of POST /api/v1/announcements that the Office
// Manager waits for: an announcement to everyone in a 10 000-person company by Slack and email,
// validated, stored and its 10 000 recipients queued (one transaction), on SQLite.
func BenchmarkAnnounceQueue10000(b *testing.B) {
	d, _ := company(b, 10000)
	benchQueue(b, d)
}

// BenchmarkAnnounceQueue10000Postgres is the same on PostgreSQL (skipped without a test server:
// set MAJORDOME_TEST_PG).
func BenchmarkAnnounceQueue10000Postgres(b *testing.B) {
	d := testutil.Postgres(b)
	benchPeople(b, d, 10000)
	benchQueue(b, d)
}

// benchPeople imports n people in 12 teams and 3 sites.
func benchPeople(b *testing.B, d *db.DB, n int) {
	rows := make([]importfile.PersonRow, n)
	for i := range rows {
		rows[i] = importfile.PersonRow{Line: i + 2, FirstName: fmt.Sprintf("Prénom%05d", i), LastName: fmt.Sprintf("Nom%05d", i),
			Email: fmt.Sprintf("p%05d@exemple.fr", i), Team: fmt.Sprintf("Équipe %d", i%12), Site: []string{"Paris", "Lyon", "Strasbourg"}[i%3]}
	}
	res, err := people.New(d, audit.New(d)).Import(context.Background(), rows, true, nil)
	if err != nil || !res.OK() {
		b.Fatalf("fill: %v %+v", err, res.Errors)
	}
}

func benchQueue(b *testing.B, d *db.DB) {
	q := jobs.New(d, testutil.Quiet, jobs.Options{})
	svc := announce.New(announce.Deps{DB: d, Log: testutil.Quiet, Audit: audit.New(d), Jobs: q})
	svc.AddDeliverer(&instant{channel: announce.ChannelSlack, rate: benchSlackRate})
	svc.AddDeliverer(&instant{channel: announce.ChannelEmail, rate: benchEmailRate})
	ctx := context.Background()
	fl := floor(b, d)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		a, err := svc.Create(ctx, announce.Input{Title: "Exercice d'évacuation", Body: "Jeudi à 10h.",
			Audience: announce.Audience{Everyone: true}, Channels: []string{"slack", "email", "portal"}, AckRequired: true})
		if err != nil || a.Counts.Recipients != 10000 {
			b.Fatalf("create: %v, %+v", err, a.Counts)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/fl, "x-floor")
}

// BenchmarkAnnounceDeliver10000 delivers an announcement to 10 000 people by Slack and email
// through the job queue, with deliverers that answer at once, paced at benchSlackRate and
// benchEmailRate: it must finish within the rate-limit time (the slower channel's) plus 10 %.
// x-budget is the time taken over that rate-limit time.
func BenchmarkAnnounceDeliver10000(b *testing.B) {
	d, _ := company(b, 10000)
	ctx := context.Background()
	for b.Loop() {
		q := jobs.New(d, testutil.Quiet, jobs.Options{Workers: 4, PollInterval: 50 * time.Millisecond})
		svc := announce.New(announce.Deps{DB: d, Log: testutil.Quiet, Audit: audit.New(d), Jobs: q})
		slack := &instant{channel: announce.ChannelSlack, rate: benchSlackRate}
		email := &instant{channel: announce.ChannelEmail, rate: benchEmailRate}
		svc.AddDeliverer(slack)
		svc.AddDeliverer(email)
		svc.RegisterJobs()
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { q.Run(runCtx); close(done) }()
		start := time.Now()
		a, err := svc.Create(ctx, announce.Input{Title: "Exercice d'évacuation", Body: "Jeudi à 10h.",
			Audience: announce.Audience{Everyone: true}, Channels: []string{"slack", "email"}})
		if err != nil {
			b.Fatal(err)
		}
		for {
			got, err := svc.Get(ctx, a.ID)
			if err != nil {
				b.Fatal(err)
			}
			if got.Status == announce.StatusSent {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		took := time.Since(start)
		stop()
		<-done
		if slack.n.Load() != 10000 || email.n.Load() != 10000 {
			b.Fatalf("delivered %d by Slack, %d by email", slack.n.Load(), email.n.Load())
		}
		budget := time.Duration(10000/benchSlackRate.N) * benchSlackRate.Per
		b.ReportMetric(took.Seconds(), "s")
		b.ReportMetric(took.Seconds()/budget.Seconds(), "x-budget")
	}
}
