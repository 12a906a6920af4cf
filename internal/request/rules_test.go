package request_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// ruleNamed finds a rule by name among the desk's rules.
func ruleNamed(t *testing.T, desk *request.Desk, name string) request.Rule {
	t.Helper()
	rules, err := desk.Rules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no rule %q", name)
	return request.Rule{}
}

func ruleCategoryID(t *testing.T, desk *request.Desk, name string) int64 {
	t.Helper()
	cats, err := desk.Categories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		if c.Name == name {
			return c.ID
		}
	}
	t.Fatalf("no category %q", name)
	return 0
}

func saveRule(t *testing.T, desk *request.Desk, in request.RuleInput) request.Rule {
	t.Helper()
	r, err := desk.SaveRule(context.Background(), 0, in)
	if err != nil {
		t.Fatalf("save rule %q: %v", in.Name, err)
	}
	return r
}

// The done-when: a routing rule makes a "fuite d'eau" request urgent and assigns it.
func TestRoutingRuleMakesALeakUrgentAndAssignsIt(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		if err := o.desk.EnsureDefaultRules(ctx); err != nil {
			t.Fatal(err)
		}
		if err := o.desk.EnsureDefaultRules(ctx); err != nil {
			t.Fatal(err)
		}
		rules, _ := o.desk.Rules(ctx)
		if len(rules) != 5 || rules[0].Name != "Fuite ou dégât des eaux" || rules[2].SetCategory != "RH & paie" || !rules[2].Confidential {
			t.Fatalf("the French defaults, once: %+v", rules)
		}
		// Camille gives water leaks to Jérôme.
		leak := rules[0].Input()
		leak.AssigneeID = o.jerome.UserID
		if _, err := o.desk.SaveRule(ctx, rules[0].ID, leak); err != nil {
			t.Fatal(err)
		}

		ctx = audit.WithActor(ctx, audit.Actor{Kind: "user", ID: 0, Name: "Zoé"})
		r, err := o.desk.Create(ctx, request.NewRequest{Title: "Fuite d'eau dans la cuisine", RequesterEmail: "zoe@x.fr"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Priority != request.Urgent || r.Category != "Locaux & maintenance" || r.AssigneeID != o.jerome.UserID || r.AssigneeName != "Jérôme" {
			t.Fatalf("routed: priority %s, category %q, assignee %d %q", r.Priority, r.Category, r.AssigneeID, r.AssigneeName)
		}
		events, _ := o.desk.Timeline(ctx, o.camille, r)
		var ruleEvents []request.Event
		for _, e := range events {
			if e.Kind == "rule" {
				ruleEvents = append(ruleEvents, e)
			}
		}
		if len(ruleEvents) != 1 || ruleEvents[0].To != "Fuite ou dégât des eaux" || ruleEvents[0].ActorName != "Majordome" {
			t.Fatalf("the timeline names the rule: %+v", events)
		}
		entries, _, _ := o.log.List(ctx, audit.Filter{Action: "request.create"})
		var after struct {
			Rules    []string `json:"rules"`
			Assignee string   `json:"assignee"`
		}
		if len(entries) != 1 || json.Unmarshal([]byte(entries[0].After), &after) != nil ||
			!slices.Equal(after.Rules, []string{"Fuite ou dégât des eaux"}) || after.Assignee != "Jérôme" {
			t.Fatalf("the audit entry names the rule: %+v", entries)
		}
		// Jérôme now finds it among his requests.
		mine, _ := o.desk.List(ctx, o.jerome, request.Filter{AssigneeID: o.jerome.UserID})
		if len(mine.Items) != 1 || mine.Items[0].Number != r.Number {
			t.Fatalf("assigned requests: %+v", mine.Items)
		}

		// Pay words: confidential, in RH & paie, even said "not confidential" by the requester.
		no := false
		pay, err := o.desk.Create(ctx, request.NewRequest{Title: "Question", Description: "Mon BULLETIN de salaire de mars",
			RequesterEmail: "helene@x.fr", Confidential: &no})
		if err != nil || pay.Category != "RH & paie" || !pay.Confidential || pay.AssigneeID != 0 || pay.Priority != request.Normal {
			t.Fatalf("pay request: %+v %v", pay, err)
		}
		// No rule matches: nothing is set and the timeline says nothing.
		plain, _ := o.desk.Create(ctx, request.NewRequest{Title: "Plus de café", RequesterEmail: "zoe@x.fr"})
		if ev, _ := o.desk.Timeline(ctx, o.camille, plain); plain.Category != "" || plain.AssigneeID != 0 ||
			slices.ContainsFunc(ev, func(e request.Event) bool { return e.Kind == "rule" }) {
			t.Fatalf("unrouted request: %+v %+v", plain, ev)
		}

		// Rules an admin deletes stay deleted across restarts.
		for _, r := range rules {
			if err := o.desk.DeleteRule(ctx, r.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := o.desk.EnsureDefaultRules(ctx); err != nil {
			t.Fatal(err)
		}
		if left, _ := o.desk.Rules(ctx); len(left) != 0 {
			t.Fatalf("defaults came back: %d", len(left))
		}
	})
}

func TestRuleWordsIgnoreCaseAndAccents(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		saveRule(t, o.desk, request.RuleInput{Name: "Eau", Enabled: true, Words: " fuite | dégât des eaux|répar* ||",
			SetPriority: request.Urgent})
		saveRule(t, o.desk, request.RuleInput{Name: "Réseau", Enabled: true, Words: "wifi|wi-fi|cœur de réseau", Tags: []string{"réseau"}})
		if r := ruleNamed(t, o.desk, "Eau"); r.Words != "fuite|dégât des eaux|répar*" {
			t.Fatalf("words are tidied: %q", r.Words)
		}
		cases := []struct {
			text string
			want []string
		}{
			{"FUITE sous l'évier", []string{"Eau"}},
			{"degat des eaux au 2e", []string{"Eau"}},
			{"Dégât  des   Eaux !", []string{"Eau"}},
			{"Des fuites partout", []string{"Eau"}},
			{"Réparation du store", []string{"Eau"}},
			{"Il faut RÉPARER la porte", []string{"Eau"}},
			{"Le Wi-Fi ne marche plus", []string{"Réseau"}},
			{"le WIFI et une fuite", []string{"Eau", "Réseau"}},
			{"Le coeur de reseau est tombé", []string{"Réseau"}},
			{"superfuite", nil},
			{"Ça va fuiter", nil},
			{"L'imprimante", nil},
			{"préparation du séminaire", nil},
		}
		for _, c := range cases {
			tr, err := o.desk.TryRules(ctx, request.Sample{Text: c.text})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range tr.Matched {
				got = append(got, m.Rule.Name)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%q matched %v, want %v", c.text, got, c.want)
			}
		}
		tr, _ := o.desk.TryRules(ctx, request.Sample{Text: "fuite du wifi"})
		if tr.Priority != request.Urgent || !slices.Equal(tr.Tags, []string{"réseau"}) {
			t.Fatalf("trial outcome: %+v", tr)
		}
		if _, err := o.desk.TryRules(ctx, request.Sample{Text: " ", RequesterEmail: "personne@x.fr"}); fieldCodes(err)["rule_sample"] != "required" ||
			fieldCodes(err)["requester_email"] != "requester_unknown" {
			t.Fatalf("trial validation: %v", err)
		}
	})
}

func TestRuleConditionsOrderAndStop(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		dir := people.New(d, o.log)
		for _, p := range []people.Input{
			{FirstName: "Léa", LastName: "Lyon", Email: "lea@x.fr", Team: "Ventes", Site: "Lyon"},
			{FirstName: "Paul", LastName: "Paris", Email: "paul@x.fr", Team: "Produit", Site: "Paris"},
		} {
			if _, err := dir.Create(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		teams, _ := dir.Teams(ctx)
		sites, _ := dir.Sites(ctx)
		idOf := func(names map[string]int64, n string) int64 { return names[n] }
		teamIDs, siteIDs := map[string]int64{}, map[string]int64{}
		for _, t := range teams {
			teamIDs[t.Name] = t.ID
		}
		for _, s := range sites {
			siteIDs[s.Name] = s.ID
		}
		it, locaux := ruleCategoryID(t, o.desk, "IT & Wi-Fi"), ruleCategoryID(t, o.desk, "Locaux & maintenance")

		lyon := saveRule(t, o.desk, request.RuleInput{Name: "Lyon", Enabled: true, SiteID: idOf(siteIDs, "Lyon"), Tags: []string{"lyon"}})
		saveRule(t, o.desk, request.RuleInput{Name: "Ventes en Slack", Enabled: true, TeamID: idOf(teamIDs, "Ventes"),
			Channel: request.Slack, SetPriority: request.High})
		wifi := saveRule(t, o.desk, request.RuleInput{Name: "Wi-Fi", Enabled: true, Words: "wifi", SetCategoryID: it})
		saveRule(t, o.desk, request.RuleInput{Name: "IT pour Jérôme", Enabled: true, CategoryID: it, AssigneeID: o.jerome.UserID, Stop: true})
		saveRule(t, o.desk, request.RuleInput{Name: "Après l'arrêt", Enabled: true, Tags: []string{"jamais"}})
		saveRule(t, o.desk, request.RuleInput{Name: "Éteinte", Enabled: false, Words: "wifi", Confidential: true})

		file := func(in request.NewRequest) (request.Request, []string) {
			t.Helper()
			r, err := o.desk.Create(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			events, _ := o.desk.Timeline(ctx, o.camille, r)
			var applied []string
			for _, e := range events {
				if e.Kind == "rule" {
					applied = append(applied, e.To)
				}
			}
			return r, applied
		}

		// Léa, in Lyon and in Ventes, through Slack: the site, team and channel conditions hold;
		// the Wi-Fi rule sets the category the next rule tests, which assigns and stops.
		r, applied := file(request.NewRequest{Title: "Le wifi saute", RequesterEmail: "lea@x.fr", Channel: request.Slack})
		if !slices.Equal(applied, []string{"Lyon", "Ventes en Slack", "Wi-Fi", "IT pour Jérôme"}) ||
			r.Priority != request.High || r.Category != "IT & Wi-Fi" || r.AssigneeID != o.jerome.UserID ||
			!slices.Equal(r.Tags, []string{"lyon"}) || r.Confidential {
			t.Fatalf("Léa's request: %v %+v", applied, r)
		}
		// Léa on the web: not the Slack rule. Paul in Paris: neither site nor team. The
		// requester's own category is kept (the Wi-Fi rule changes nothing, so it is not named),
		// and the rule testing IT does not see it; the catch-all runs.
		r, applied = file(request.NewRequest{Title: "Le wifi saute", RequesterEmail: "lea@x.fr", Category: "Locaux & maintenance"})
		if !slices.Equal(applied, []string{"Lyon", "Après l'arrêt"}) || r.CategoryID != locaux || r.Priority != request.Normal ||
			r.AssigneeID != 0 || !slices.Equal(r.Tags, []string{"jamais", "lyon"}) {
			t.Fatalf("Léa on the web: %v %+v", applied, r)
		}
		r, applied = file(request.NewRequest{Title: "Le WiFi saute", RequesterEmail: "paul@x.fr", Channel: request.Slack, Priority: request.Urgent})
		if !slices.Equal(applied, []string{"Wi-Fi", "IT pour Jérôme"}) || r.Priority != request.Urgent || len(r.Tags) != 0 {
			t.Fatalf("Paul: %v %+v", applied, r)
		}
		// Nothing to stop at: the rule without conditions applies to everything.
		if _, applied = file(request.NewRequest{Title: "Badge perdu", RequesterEmail: "paul@x.fr"}); !slices.Equal(applied, []string{"Après l'arrêt"}) {
			t.Fatalf("catch-all: %v", applied)
		}

		// Order matters: the catch-all moved first tags before the stop.
		if err := o.desk.MoveRule(ctx, ruleNamed(t, o.desk, "Après l'arrêt").ID, -10); err != nil {
			t.Fatal(err)
		}
		if err := o.desk.MoveRule(ctx, wifi.ID, 1); err != nil { // Wi-Fi after "IT pour Jérôme": no assignment then
			t.Fatal(err)
		}
		var names []string
		rules, _ := o.desk.Rules(ctx)
		for _, r := range rules {
			names = append(names, r.Name)
		}
		if strings.Join(names, ",") != "Après l'arrêt,Lyon,Ventes en Slack,IT pour Jérôme,Wi-Fi,Éteinte" {
			t.Fatalf("order: %v", names)
		}
		r, applied = file(request.NewRequest{Title: "wifi", RequesterEmail: "paul@x.fr"})
		if !slices.Equal(applied, []string{"Après l'arrêt", "Wi-Fi"}) || r.AssigneeID != 0 || r.Category != "IT & Wi-Fi" {
			t.Fatalf("after moving: %v %+v", applied, r)
		}

		// A deactivated assignee is skipped rather than refusing the request.
		off := false
		au := auth.New(d, o.log)
		if _, err := au.UpdateUser(ctx, o.jerome.UserID, auth.UserChange{Active: &off}); err != nil {
			t.Fatal(err)
		}
		if err := o.desk.MoveRule(ctx, wifi.ID, -1); err != nil {
			t.Fatal(err)
		}
		r, _ = file(request.NewRequest{Title: "wifi", RequesterEmail: "paul@x.fr"})
		if r.Category != "IT & Wi-Fi" || r.AssigneeID != 0 {
			t.Fatalf("inactive assignee: %+v", r)
		}
		if ruleNamed(t, o.desk, "IT pour Jérôme").AssigneeActive {
			t.Fatal("the rule's assignee reads as active")
		}

		// Disabling a rule takes it out; the audit log tells every admin change.
		if err := o.desk.EnableRule(ctx, lyon.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, applied = file(request.NewRequest{Title: "Badge", RequesterEmail: "lea@x.fr", Channel: request.Slack}); slices.Contains(applied, "Lyon") {
			t.Fatalf("a disabled rule applied: %v", applied)
		}
		for _, action := range []string{"rule.create", "rule.move", "rule.enable"} {
			if entries, _, _ := o.log.List(ctx, audit.Filter{Action: action}); len(entries) == 0 {
				t.Errorf("no %s audit entry", action)
			}
		}
	})
}

func TestSaveRuleValidates(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		_, err := o.desk.SaveRule(ctx, 0, request.RuleInput{Name: " ", Words: "fuite|!!!|eau", CategoryID: 999, TeamID: 998, SiteID: 997,
			Channel: "fax", SetCategoryID: 996, SetPriority: "asap", AssigneeID: 999})
		got := fieldCodes(err)
		want := map[string]string{"name": "required", "if_words": "rule_words_invalid", "if_category": "rule_category_unknown",
			"if_team": "rule_team_unknown", "if_site": "rule_site_unknown", "if_channel": "channel_invalid",
			"category": "rule_category_unknown", "priority": "priority_invalid", "assignee": "assignee_unknown"}
		for f, c := range want {
			if got[f] != c {
				t.Errorf("%s: got %q, want %q", f, got[f], c)
			}
		}
		// A rule must do something; words with a misplaced star are refused; an employee account
		// cannot be assigned requests.
		emp, _ := auth.New(d, o.log).CreateUser(ctx, auth.NewUser{Email: "emp@x.fr", Name: "Emp", Role: auth.Employee})
		_, err = o.desk.SaveRule(ctx, 0, request.RuleInput{Name: "Rien", Words: "fu*ite"})
		if got := fieldCodes(err); got["rule_actions"] != "rule_no_action" || got["if_words"] != "rule_words_invalid" {
			t.Fatalf("no action: %v", err)
		}
		_, err = o.desk.SaveRule(ctx, 0, request.RuleInput{Name: "Emp", AssigneeID: emp.ID, Tags: strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")})
		if got := fieldCodes(err); got["assignee"] != "assignee_unknown" || got["tags"] != "too_many" {
			t.Fatalf("employee assignee: %v", err)
		}
		if rules, _ := o.desk.Rules(ctx); len(rules) != 0 {
			t.Fatalf("a refused rule was written: %+v", rules)
		}
		if _, err := o.desk.SaveRule(ctx, 12345, request.RuleInput{Name: "X", Confidential: true}); !errors.Is(err, request.ErrRuleNotFound) {
			t.Fatalf("update of a missing rule: %v", err)
		}
		if err := o.desk.DeleteRule(ctx, 12345); !errors.Is(err, request.ErrRuleNotFound) {
			t.Fatalf("delete of a missing rule: %v", err)
		}
		if err := o.desk.MoveRule(ctx, 12345, 1); !errors.Is(err, request.ErrRuleNotFound) {
			t.Fatalf("move of a missing rule: %v", err)
		}

		// An update keeps the rule's place and is audited with before and after.
		r := saveRule(t, o.desk, request.RuleInput{Name: "Colis", Enabled: true, Words: "colis", Tags: []string{"Colis"}})
		in := r.Input()
		in.Name, in.Confidential = "Colis et plis", true
		upd, err := o.desk.SaveRule(ctx, r.ID, in)
		if err != nil || upd.Position != r.Position || upd.Name != "Colis et plis" || !upd.Confidential || !slices.Equal(upd.Tags, []string{"colis"}) {
			t.Fatalf("update: %+v %v", upd, err)
		}
		entries, _, _ := o.log.List(ctx, audit.Filter{EntityType: "routing_rule"})
		if len(entries) != 2 || entries[0].Action != "rule.update" || !strings.Contains(entries[0].Before, `"name":"Colis"`) ||
			!strings.Contains(entries[0].After, `"confidential":true`) {
			t.Fatalf("audit: %+v", entries)
		}
		if err := o.desk.DeleteRule(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if entries, _, _ := o.log.List(ctx, audit.Filter{Action: "rule.delete"}); len(entries) != 1 || entries[0].EntityName != "Colis et plis" {
			t.Fatalf("delete audit: %+v", entries)
		}

		// A request naming a non-agent assignee directly is refused.
		_, err = o.desk.Create(ctx, request.NewRequest{Title: "X", RequesterEmail: "zoe@x.fr", AssigneeID: emp.ID})
		if fieldCodes(err)["assignee"] != "assignee_unknown" {
			t.Fatalf("create with an employee assignee: %v", err)
		}
	})
}
