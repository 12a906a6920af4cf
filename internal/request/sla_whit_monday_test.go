package request_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// TestSLAWhitMondayWorked: Lundi de Pentecôte (25/05/2026) is a public holiday unless the site
// works it as its journée de solidarité. A normal request (8 h / 16 h) filed Friday 22/05 at
// 16:00 runs 2 h that Friday; in Lyon, which works the Monday, the rest runs from Monday 9:00,
// while for Zoé (no site: Paris, national holidays) and Astrid (Strasbourg) it waits for Tuesday.
func TestSLAWhitMondayWorked(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o, _ := slaOffice(t, d, "2026-05-22 16:00")
		dir := people.New(d, o.log)
		lyon, err := dir.SaveSite(ctx, 0, people.SiteInput{Name: "Lyon", Timezone: "Europe/Paris", HolidayRegion: "FR"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dir.Create(ctx, people.Input{FirstName: "Léa", LastName: "Test", Email: "lea@x.fr", Site: "Lyon"}); err != nil {
			t.Fatal(err)
		}
		before, err := o.desk.SiteHoursOf(ctx, lyon.ID)
		if err != nil || before.WorkWhitMonday {
			t.Fatalf("a new site works Whit Monday: %+v, %v", before, err)
		}
		week := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
		h, err := o.desk.SaveSiteHours(ctx, lyon.ID, request.SiteHoursInput{Start: "09:00", End: "18:00", Days: week, WorkWhitMonday: true})
		if err != nil || !h.WorkWhitMonday || h.Custom {
			t.Fatalf("SaveSiteHours = %+v, %v; want Whit Monday worked on the default week", h, err)
		}
		if got, err := o.desk.SiteHoursOf(ctx, lyon.ID); err != nil || !got.WorkWhitMonday || got.Custom || got.Start != 9*time.Hour {
			t.Fatalf("stored = %+v, %v", got, err)
		}

		worked := slaFile(t, o, "lea@x.fr", request.Normal)
		slaWantTime(t, "Lyon first response due", worked.FirstResponseDue, "2026-05-25 15:00")
		slaWantTime(t, "Lyon resolution due", worked.ResolutionDue, "2026-05-26 14:00")
		for _, email := range []string{"zoe@x.fr", "astrid@x.fr"} {
			off := slaFile(t, o, email, request.Normal)
			slaWantTime(t, email+" first response due", off.FirstResponseDue, "2026-05-26 15:00")
			slaWantTime(t, email+" resolution due", off.ResolutionDue, "2026-05-27 14:00")
			if !worked.FirstResponseDue.Before(*off.FirstResponseDue) {
				t.Errorf("Lyon is due %s, not before %s", worked.FirstResponseDue, off.FirstResponseDue)
			}
		}

		// Back to the holiday: the site follows the default again, and the change is audited.
		if h, err = o.desk.SaveSiteHours(ctx, lyon.ID, request.SiteHoursInput{Start: "09:00", End: "18:00", Days: week}); err != nil || h.WorkWhitMonday {
			t.Fatalf("SaveSiteHours = %+v, %v", h, err)
		}
		again := slaFile(t, o, "lea@x.fr", request.Normal)
		slaWantTime(t, "Lyon first response due, holiday again", again.FirstResponseDue, "2026-05-26 15:00")
		entries, _, err := o.log.List(ctx, audit.Filter{Action: "sla.site_hours"})
		if err != nil || len(entries) != 2 {
			t.Fatalf("audited changes = %+v, %v; want 2", entries, err)
		}
		for _, e := range entries {
			if e.EntityID != lyon.ID || !strings.Contains(e.Before+e.After, `"work_whit_monday":true`) {
				t.Errorf("audit entry = %+v; want Lyon's Whit Monday", e)
			}
		}
	})
}
