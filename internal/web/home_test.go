package web_test

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"majordome/internal/auth"
	"majordome/internal/request"
)

// todayCardRe reads a card of the "Maintenant" strip: its classes, link, key and count.
var todayCardRe = regexp.MustCompile(`(?s)class="stat today-card ([^"]*)" href="([^"]*)" data-today="(\w+)">.*?<span class="stat-value">(\d+)</span>`)

type todayCard struct {
	class, url string
	count      int
}

// todayCards reads the strip of a home page, by key, and the order of the keys.
func todayCards(t *testing.T, body string) (map[string]todayCard, []string) {
	t.Helper()
	out := map[string]todayCard{}
	var order []string
	for _, m := range todayCardRe.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[4])
		out[m[3]] = todayCard{class: m[1], url: m[2], count: n}
		order = append(order, m[3])
	}
	return out, order
}

var rawTodayKeyRe = regexp.MustCompile(`\b(today|home)\.[a-z_]+(\.[a-z_]+)*\b`)

// TestHomeToday: at 17:00 on a Monday, Camille (admin) and Jérôme (agent) each see on
// "Aujourd'hui" how many requests are overdue, urgent, at risk, new without anyone, and waiting
// on them, each count a link to the queue listing exactly those; the requests to take first,
// most pressing first; a confidential request only for Camille; the focus under way with what
// it holds. Zoé's home stays her portal.
func TestHomeToday(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := slaAt(t, "2026-05-04 09:00") // a Monday
		e.App.Requests.SetClock(func() time.Time { return now })
		e.addPerson("Zoé", "Thomas", "zoe.thomas@exemple.fr")
		e.addPerson("Hélène", "Bernard", "helene.bernard@exemple.fr")
		e.addPerson("Camille", "Martin", "camille.martin@exemple.fr")
		camille, cu := e.signInUser("camille.martin@exemple.fr", "Camille Martin", auth.Admin)
		jerome, ju := e.signInUser("jerome.durand@exemple.fr", "Jérôme Durand", auth.Agent)
		zoe, _ := e.signInUser("zoe.thomas@exemple.fr", "Zoé Thomas", auth.Employee)
		admin, err := e.App.Requests.ViewerFor(ctx, cu.ID, cu.Name, cu.Email, auth.Admin)
		if err != nil {
			t.Fatal(err)
		}

		// Nothing yet: every count is zero and quiet, and the list says nothing presses.
		home := camille.get("/")
		cards, order := todayCards(t, text(home))
		if want := []string{"breached", "urgent", "at_risk", "new", "mine"}; !slices.Equal(order, want) {
			t.Fatalf("cards %v, want %v in that order", order, want)
		}
		for k, c := range cards {
			if c.count != 0 || !strings.Contains(c.class, "is-zero") {
				t.Errorf("empty desk: card %s = %+v, want a quiet zero", k, c)
			}
		}
		if !strings.Contains(text(home), "Rien ne presse") || strings.Contains(home.Body, "En concentration") {
			t.Error("empty desk: the list should say nothing presses, and no focus is under way")
		}

		file := func(title, email, category string, p request.Priority) request.Request {
			t.Helper()
			r, err := e.App.Requests.Create(ctx, request.NewRequest{Title: title, RequesterEmail: email, Category: category, Priority: p})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		set := func(n int64, ch request.Change) {
			t.Helper()
			if _, err := e.App.Requests.Update(ctx, admin, n, ch); err != nil {
				t.Fatal(err)
			}
		}
		st := func(s request.Status) *request.Status { return &s }
		leak := file("Fuite d'eau en cuisine", "zoe.thomas@exemple.fr", "", request.Urgent)              // breached by 10:00
		screen := file("Écran qui clignote", "helene.bernard@exemple.fr", "", request.Normal)            // at risk from 16:12
		pay := file("Erreur sur ma fiche de paie", "zoe.thomas@exemple.fr", "RH & paie", request.Normal) // confidential, at risk
		coffee := file("Plus de café", "helene.bernard@exemple.fr", "", request.Low)
		badge := file("Badge perdu", "zoe.thomas@exemple.fr", "", request.Normal)
		bulb := file("Ampoule grillée", "helene.bernard@exemple.fr", "", request.Normal)
		if !pay.Confidential {
			t.Fatal("a payroll request should be confidential")
		}
		set(screen.Number, request.Change{AssigneeID: &ju.ID})                                 // new, Jérôme's
		set(coffee.Number, request.Change{AssigneeID: &ju.ID, Status: st(request.StatusOpen)}) // open, Jérôme's
		set(badge.Number, request.Change{AssigneeID: &ju.ID, Status: st(request.StatusWaitingRequester)})
		set(bulb.Number, request.Change{Status: st(request.StatusResolved)})

		// 17:00: the urgent leak is 7 h late; the screen and the payslip have less than a fifth
		// of their first day left.
		now = slaAt(t, "2026-05-04 17:00")
		for _, tc := range []struct {
			name  string
			c     *client
			want  map[string]int
			first []int64
		}{
			{"Camille", camille, map[string]int{"breached": 1, "urgent": 1, "at_risk": 2, "new": 2, "mine": 0},
				[]int64{leak.Number, screen.Number, pay.Number}},
			{"Jérôme", jerome, map[string]int{"breached": 1, "urgent": 1, "at_risk": 1, "new": 1, "mine": 2},
				[]int64{leak.Number, screen.Number}},
		} {
			home := tc.c.get("/")
			body := text(home)
			if home.StatusCode != 200 {
				t.Fatalf("%s's home: %d", tc.name, home.StatusCode)
			}
			noRawKeys(t, home)
			if m := rawTodayKeyRe.FindString(regexp.MustCompile(`(?s)<script.*?</script>|<[^>]*>`).ReplaceAllString(home.Body, " ")); m != "" {
				t.Errorf("%s's home shows the key %q", tc.name, m)
			}
			cards, _ := todayCards(t, body)
			for key, n := range tc.want {
				c := cards[key]
				if c.count != n {
					t.Errorf("%s: card %s = %d, want %d", tc.name, key, c.count, n)
				}
				if quiet := strings.Contains(c.class, "is-zero"); quiet != (n == 0) {
					t.Errorf("%s: card %s (%d) has classes %q", tc.name, key, n, c.class)
				}
				if listed := rows(tc.c.get(c.url)); len(listed) != n {
					t.Errorf("%s: card %s says %d, its link %s lists %v", tc.name, key, n, c.url, listed)
				}
			}
			for key, url := range map[string]string{"breached": "/requests?sla=breached", "urgent": "/requests?priority=urgent",
				"at_risk": "/requests?sla=at_risk", "new": "/requests?assignee=none&status=new"} {
				if cards[key].url != url {
					t.Errorf("%s: card %s links to %q, want %q", tc.name, key, cards[key].url, url)
				}
			}
			var want []string
			for _, n := range tc.first {
				want = append(want, strconv.FormatInt(n, 10))
			}
			if got := rows(home); !slices.Equal(got, want) {
				t.Errorf("%s: to take first %v, want %v", tc.name, got, want)
			}
			if !strings.Contains(body, "À traiter en premier") || !strings.Contains(body, "en retard de 7 h") ||
				!strings.Contains(body, "sla-cell sla-at_risk") || !strings.Contains(body, "Zoé Thomas") {
				t.Errorf("%s: the list lacks its due cells or requesters", tc.name)
			}
		}
		if body := text(jerome.get("/")); strings.Contains(body, pay.Title) {
			t.Error("Jérôme's home shows the confidential payslip request")
		}
		if body := text(jerome.get("/")); strings.Contains(body, "Activité récente") || strings.Contains(body, "Pour bien démarrer") {
			t.Error("an agent's home shows the admin's setup or activity")
		}
		if body := text(camille.get("/")); !strings.Contains(body, "Activité récente") || !strings.Contains(body, pay.Title) {
			t.Error("Camille's home lacks the activity or the payslip request")
		}

		// Focus: what arrives meanwhile is held, and the home says until when and how much.
		until, err := e.App.Notify.StartFocus(ctx, cu.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		file("Chaise cassée", "helene.bernard@exemple.fr", "", request.Normal)
		home = camille.get("/")
		body := text(home)
		loc, _ := time.LoadLocation("Europe/Paris")
		// The end is "HH:MM" today, or with its day when it falls after midnight.
		if !strings.Contains(body, "En concentration jusqu'à ") || !strings.Contains(body, until.In(loc).Format("15:04")+" · ") {
			t.Errorf("no focus line:\n%s", body)
		}
		if !strings.Contains(body, "· 1 notification en attente") || !strings.Contains(home.Body, `class="today-focus" href="/focus"`) {
			t.Errorf("the focus line lacks what it holds or its link:\n%s", body)
		}
		if strings.Contains(text(jerome.get("/")), "En concentration") {
			t.Error("Jérôme is not in focus")
		}

		// Zoé's home is her portal, untouched: her requests, no desk counts.
		portal := zoe.get("/")
		body = text(portal)
		if portal.StatusCode != 200 || !strings.Contains(body, "De quoi avez-vous besoin ?") || !strings.Contains(body, leak.Title) ||
			strings.Contains(body, "today-card") || strings.Contains(body, "À traiter en premier") || strings.Contains(body, screen.Title) {
			t.Errorf("Zoé's home must stay the portal with her own requests:\n%s", body)
		}
	})
}
