package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/notify"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// notificationJSON is a notification as the API shows it.
type notificationJSON struct {
	ID            int64              `json:"id"`
	Kind          string             `json:"kind"`
	Title         string             `json:"title"`
	Body          string             `json:"body"`
	Link          *string            `json:"link"`
	RequestNumber *int64             `json:"request_number"`
	Hidden        bool               `json:"hidden"`
	ReadAt        *string            `json:"read_at"`
	Items         []notificationJSON `json:"items"`
}

type notificationPageJSON struct {
	Items      []notificationJSON `json:"items"`
	NextCursor *string            `json:"next_cursor"`
	Unread     int                `json:"unread"`
	Held       int                `json:"held"`
}

type focusJSON struct {
	InFocus bool    `json:"in_focus"`
	Until   *string `json:"until"`
	Held    int     `json:"held"`
	Blocks  []struct {
		ID         int64
		Days       []string
		Start, End string
		Timezone   string
	} `json:"blocks"`
	Released int `json:"released"`
}

// personalToken is a token Camille made for her own scripts: the /me endpoints act for her.
func (k desk) personalToken(role auth.Role, owner auth.User) string {
	k.t.Helper()
	_, secret, err := k.Auth.CreateToken(context.Background(), "Scripts de "+owner.Name, role, owner.ID)
	if err != nil {
		k.t.Fatal(err)
	}
	return secret
}

// inbox reads the inbox through the API.
func (k desk) inbox(token, query, lang string) notificationPageJSON {
	k.t.Helper()
	r := k.do(call{method: "GET", path: "/api/v1/me/notifications" + query, token: token, lang: lang})
	if r.Status != 200 {
		k.t.Fatalf("inbox: %d %s", r.Status, r.Body)
	}
	var p notificationPageJSON
	r.decode(k.t, &p)
	return p
}

func TestNotificationsThroughTheAPI(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		ctx := context.Background()
		mine := k.personalToken(auth.Agent, k.camille)
		mineAdmin := k.personalToken(auth.Admin, k.camille)
		wifi := k.file(request.NewRequest{Title: "Wi-Fi lent", RequesterEmail: "helene.dupre@exemple.fr"})
		pay := k.file(request.NewRequest{Title: "Fiche de paie fausse", RequesterEmail: "zoe.thomas@exemple.fr", Category: "RH & paie"})
		if !k.stored(pay.Number).Confidential {
			t.Fatal("the pay request should be confidential")
		}

		// Camille's inbox, newest first. Her agent token may not see the confidential request:
		// its notification is there, without its title. Her admin token sees it.
		p := k.inbox(mine, "", "")
		if len(p.Items) != 2 || p.Unread != 2 || p.Held != 0 || p.NextCursor != nil {
			t.Fatalf("inbox: %+v", p)
		}
		hidden, shown := p.Items[0], p.Items[1]
		if !hidden.Hidden || hidden.Title != "Une demande que vous ne pouvez plus voir" || hidden.RequestNumber != nil ||
			hidden.Link != nil || hidden.Body != "" {
			t.Errorf("confidential notification for an agent token: %+v", hidden)
		}
		if shown.Hidden || shown.Title != "Nouvelle demande #"+itoa(wifi.Number)+" : Wi-Fi lent" || shown.Body != "De Hélène Dupré" ||
			shown.RequestNumber == nil || *shown.RequestNumber != wifi.Number || deref(shown.Link) != "/requests/"+itoa(wifi.Number) {
			t.Errorf("notification: %+v", shown)
		}
		if top := k.inbox(mineAdmin, "", "en").Items[0]; top.Hidden || !strings.Contains(top.Title, "Fiche de paie fausse") ||
			!strings.HasPrefix(top.Title, "New request #") {
			t.Errorf("confidential notification for an admin token, in English: %+v", top)
		}

		// Pages of one, with the cursor.
		first := k.inbox(mine, "?limit=1", "")
		if len(first.Items) != 1 || first.NextCursor == nil {
			t.Fatalf("first page: %+v", first)
		}
		second := k.inbox(mine, "?limit=1&cursor="+*first.NextCursor, "")
		if len(second.Items) != 1 || second.Items[0].ID != shown.ID || second.NextCursor != nil {
			t.Errorf("second page: %+v", second)
		}
		r := k.do(call{method: "GET", path: "/api/v1/me/notifications?cursor=abc", token: mine})
		if p := problemOf(t, r, 400); p.fieldCode("cursor") != "parameter_invalid" {
			t.Errorf("bad cursor: %s", r.Body)
		}

		// Read one, then all. Jérôme's notifications do not exist for Camille's token.
		jerome, err := k.Notify.List(ctx, k.jerome.ID, notify.ListOptions{})
		if err != nil || len(jerome.Items) == 0 {
			t.Fatalf("Jérôme's inbox: %v %+v", err, jerome)
		}
		r = k.do(call{method: "POST", path: "/api/v1/me/notifications/" + itoa(jerome.Items[0].ID) + "/read", token: mine})
		problemOf(t, r, 404)
		if n, _ := k.Notify.Unread(ctx, k.jerome.ID); n != len(jerome.Items) {
			t.Errorf("Jérôme's notification was marked read through Camille's token")
		}
		r = k.do(call{method: "POST", path: "/api/v1/me/notifications/" + itoa(shown.ID) + "/read", token: mine})
		if r.Status != 204 {
			t.Fatalf("read: %d %s", r.Status, r.Body)
		}
		if p := k.inbox(mine, "", ""); p.Unread != 1 || p.Items[1].ReadAt == nil || p.Items[0].ReadAt != nil {
			t.Errorf("after reading one: %+v", p)
		}
		r = k.do(call{method: "POST", path: "/api/v1/me/notifications/read-all", token: mine})
		if r.Status != 204 {
			t.Fatalf("read all: %d %s", r.Status, r.Body)
		}
		if p := k.inbox(mine, "", ""); p.Unread != 0 {
			t.Errorf("after reading all: %+v", p)
		}
	})
}

func TestMeNeedsAnAccount(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		ctx := context.Background()
		jerome := k.personalToken(auth.Agent, k.jerome)
		if r := k.do(call{method: "GET", path: "/api/v1/me/focus", token: jerome}); r.Status != 200 {
			t.Fatalf("Jérôme's token: %d %s", r.Status, r.Body)
		}
		off := false
		if _, err := k.Auth.UpdateUser(ctx, k.jerome.ID, auth.UserChange{Active: &off}); err != nil {
			t.Fatal(err)
		}
		// A token from the command line belongs to nobody; a deactivated account's token acts
		// for nobody any more.
		for _, tok := range []string{k.agent, jerome} {
			for _, c := range []call{
				{method: "GET", path: "/api/v1/me/notifications"},
				{method: "POST", path: "/api/v1/me/notifications/read-all"},
				{method: "GET", path: "/api/v1/me/notification-preferences"},
				{method: "PUT", path: "/api/v1/me/notification-preferences", body: map[string]any{"mode": "email", "digest_hour": 8}},
				{method: "GET", path: "/api/v1/me/focus"},
				{method: "POST", path: "/api/v1/me/focus", body: map[string]any{"minutes": 30}},
				{method: "DELETE", path: "/api/v1/me/focus"},
				{method: "POST", path: "/api/v1/me/focus/blocks", body: map[string]any{"days": []string{"monday"}, "start": "09:00", "end": "10:00"}},
			} {
				c.token = tok
				if p := problemOf(t, k.do(c), 403); !strings.Contains(p.Detail, "acts for no account") {
					t.Errorf("%s %s: %s", c.method, c.path, p.Detail)
				}
			}
		}
		if prefs, _ := k.Notify.Prefs(ctx, k.jerome.ID); prefs.Mode != "both" {
			t.Errorf("a refused PUT changed the preferences: %+v", prefs)
		}
	})
}

func TestNotificationPreferencesThroughTheAPI(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		mine := k.personalToken(auth.Agent, k.jerome)
		path := "/api/v1/me/notification-preferences"
		get := func() prefsJSON {
			t.Helper()
			r := k.do(call{method: "GET", path: path, token: mine})
			var p prefsJSON
			if r.decode(t, &p); r.Status != 200 {
				t.Fatalf("get: %d %s", r.Status, r.Body)
			}
			return p
		}
		if p := get(); p != (prefsJSON{"both", 8, "Europe/Paris"}) {
			t.Errorf("defaults: %+v", p)
		}
		r := k.do(call{method: "PUT", path: path, token: mine, body: map[string]any{"mode": "digest", "digest_hour": 7, "timezone": "America/Montreal"}})
		if r.Status != 200 {
			t.Fatalf("put: %d %s", r.Status, r.Body)
		}
		if p := get(); p != (prefsJSON{"digest", 7, "America/Montreal"}) {
			t.Errorf("after put: %+v", p)
		}
		// Without a timezone, the company's.
		k.do(call{method: "PUT", path: path, token: mine, body: map[string]any{"mode": "email", "digest_hour": 9}})
		if p := get(); p != (prefsJSON{"email", 9, "Europe/Paris"}) {
			t.Errorf("after put without timezone: %+v", p)
		}
		for _, c := range []struct {
			body  map[string]any
			field string
			code  string
		}{
			{map[string]any{"mode": "pigeon", "digest_hour": 8}, "mode", "invalid"},
			{map[string]any{"mode": "digest", "digest_hour": 25}, "digest_hour", "invalid"},
			{map[string]any{"mode": "digest"}, "digest_hour", "required"},
			{map[string]any{"digest_hour": 8}, "mode", "required"},
			{map[string]any{"mode": "digest", "digest_hour": "8h"}, "digest_hour", "type_invalid"},
			{map[string]any{"mode": "digest", "digest_hour": 8, "timezone": "Mars/Olympus"}, "timezone", "timezone_invalid"},
		} {
			r := k.do(call{method: "PUT", path: path, token: mine, body: c.body, docRejects: c.field != "timezone"})
			if p := problemOf(t, r, 422); p.fieldCode(c.field) != c.code || p.message(c.field) == "" {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if p := get(); p != (prefsJSON{"email", 9, "Europe/Paris"}) {
			t.Errorf("a refused put changed the preferences: %+v", p)
		}
	})
}

type prefsJSON struct {
	Mode       string `json:"mode"`
	DigestHour int    `json:"digest_hour"`
	Timezone   string `json:"timezone"`
}

func TestFocusThroughTheAPI(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		k := newDesk(t, d)
		mine := k.personalToken(auth.Agent, k.jerome)
		focus := func(method string, body any) focusJSON {
			t.Helper()
			r := k.do(call{method: method, path: "/api/v1/me/focus", token: mine, body: body})
			var f focusJSON
			if r.decode(t, &f); r.Status != 200 {
				t.Fatalf("%s focus: %d %s", method, r.Status, r.Body)
			}
			return f
		}
		if f := focus("GET", nil); f.InFocus || f.Until != nil || f.Held != 0 || len(f.Blocks) != 0 {
			t.Errorf("at first: %+v", f)
		}

		// In focus for an hour: new requests wait for its end, then come out in one batch.
		start := time.Now()
		f := focus("POST", map[string]any{"minutes": 60})
		until, err := time.Parse(time.RFC3339, deref(f.Until))
		if !f.InFocus || err != nil || until.Before(start.Add(59*time.Minute)) || until.After(time.Now().Add(61*time.Minute)) {
			t.Fatalf("started: %+v", f)
		}
		wifi := k.file(request.NewRequest{Title: "Wi-Fi lent", RequesterEmail: "helene.dupre@exemple.fr"})
		bulb := k.file(request.NewRequest{Title: "Ampoule grillée", RequesterEmail: "zoe.thomas@exemple.fr"})
		if f := focus("GET", nil); f.Held != 2 {
			t.Errorf("held: %+v", f)
		}
		if p := k.inbox(mine, "", ""); len(p.Items) != 0 || p.Held != 2 {
			t.Errorf("inbox during focus: %+v", p)
		}
		f = focus("DELETE", nil)
		if f.InFocus || f.Until != nil || f.Released != 2 || f.Held != 0 {
			t.Errorf("stopped: %+v", f)
		}
		p := k.inbox(mine, "", "")
		if len(p.Items) != 1 || p.Items[0].Kind != "focus.batch" || p.Items[0].Body != "" || len(p.Items[0].Items) != 2 ||
			deref(p.Items[0].Items[0].Link) != "/requests/"+itoa(bulb.Number) || deref(p.Items[0].Items[1].Link) != "/requests/"+itoa(wifi.Number) {
			t.Errorf("the batch: %+v", p)
		}

		for _, c := range []struct {
			body  any
			field string
			code  string
		}{
			{map[string]any{"minutes": 0}, "minutes", "focus_duration_invalid"},
			{map[string]any{"minutes": 1441}, "minutes", "focus_duration_invalid"},
			{map[string]any{}, "minutes", "required"},
		} {
			r := k.do(call{method: "POST", path: "/api/v1/me/focus", token: mine, body: c.body, docRejects: true})
			if p := problemOf(t, r, 422); p.fieldCode(c.field) != c.code || p.message(c.field) == "" {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}

		// Recurring blocks: in the company's timezone unless told; wrong fields by their API names.
		blocks := "/api/v1/me/focus/blocks"
		r := k.do(call{method: "POST", path: blocks, token: mine, body: map[string]any{
			"days": []string{"friday", "monday", "tuesday"}, "start": "9h", "end": "11:30"}})
		var b struct {
			ID         int64
			Days       []string
			Start, End string
			Timezone   string
		}
		if r.decode(t, &b); r.Status != 201 || strings.Join(b.Days, ",") != "monday,tuesday,friday" || b.Start != "09:00" ||
			b.End != "11:30" || b.Timezone != "Europe/Paris" {
			t.Fatalf("block: %d %s", r.Status, r.Body)
		}
		for _, c := range []struct {
			body       map[string]any
			field      string
			code       string
			docRejects bool
		}{
			{map[string]any{"days": []string{"monday"}, "start": "11:00", "end": "09:00"}, "end", "focus_end_before_start", false},
			{map[string]any{"days": []string{"monday"}, "start": "25:00", "end": "26:00"}, "start", "focus_time_invalid", false},
			{map[string]any{"days": []string{"funday"}, "start": "09:00", "end": "10:00"}, "days", "invalid", true},
			{map[string]any{"days": []string{}, "start": "09:00", "end": "10:00"}, "days", "required", true},
			{map[string]any{"days": []string{"monday"}, "end": "10:00"}, "start", "required", true},
			{map[string]any{"days": []string{"monday"}, "start": "09:00", "end": "10:00", "timezone": "Paris"}, "timezone", "timezone_invalid", false},
		} {
			r := k.do(call{method: "POST", path: blocks, token: mine, body: c.body, lang: "en", docRejects: c.docRejects})
			if p := problemOf(t, r, 422); p.fieldCode(c.field) != c.code || p.message(c.field) == "" ||
				strings.Contains(p.message(c.field), "is not valid") && c.code != "invalid" {
				t.Errorf("%v: %s", c.body, r.Body)
			}
		}
		if f := focus("GET", nil); len(f.Blocks) != 1 || f.Blocks[0].ID != b.ID {
			t.Errorf("blocks: %+v", f.Blocks)
		}

		// Another account's block does not exist for this token.
		other := k.personalToken(auth.Admin, k.camille)
		r = k.do(call{method: "DELETE", path: blocks + "/" + itoa(b.ID), token: other})
		problemOf(t, r, 404)
		r = k.do(call{method: "DELETE", path: blocks + "/" + itoa(b.ID), token: mine})
		if r.Status != 204 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		r = k.do(call{method: "DELETE", path: blocks + "/" + itoa(b.ID), token: mine})
		problemOf(t, r, 404)
		if f := focus("GET", nil); len(f.Blocks) != 0 {
			t.Errorf("after delete: %+v", f.Blocks)
		}
	})
}
