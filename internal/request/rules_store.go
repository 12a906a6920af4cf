package request

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"majordome/internal/audit"
	"majordome/internal/valid"
)

// RuleInput is a routing rule as an admin writes it. Zero ids and empty strings are conditions
// and actions left out.
type RuleInput struct {
	Name    string
	Enabled bool
	Stop    bool

	Words      string // alternatives separated by "|"
	CategoryID int64
	TeamID     int64
	SiteID     int64
	Channel    Channel

	SetCategoryID int64
	SetPriority   Priority
	AssigneeID    int64 // an active agent or admin
	Tags          []string
	Confidential  bool
}

// ErrRuleNotFound is a routing rule that does not exist.
var ErrRuleNotFound = errors.New("request: routing rule not found")

// Limits of a rule's text.
const (
	maxRuleName  = 100
	maxRuleWords = 1000
)

func wrapRule(op string, err error) error { return fmt.Errorf("request: rule %s: %w", op, err) }

// Input is r as its form shows it.
func (r Rule) Input() RuleInput {
	return RuleInput{Name: r.Name, Enabled: r.Enabled, Stop: r.Stop, Words: r.Words, CategoryID: r.CategoryID,
		TeamID: r.TeamID, SiteID: r.SiteID, Channel: r.Channel, SetCategoryID: r.SetCategoryID,
		SetPriority: r.SetPriority, AssigneeID: r.AssigneeID, Tags: r.Tags, Confidential: r.Confidential}
}

// auditView is r as the audit log keeps it: names rather than ids, so it reads on its own.
func (r Rule) auditView() map[string]any {
	return map[string]any{"name": r.Name, "rule_enabled": r.Enabled, "rule_stop": r.Stop, "if_words": r.Words,
		"if_category": r.Category, "if_team": r.Team, "if_site": r.Site, "if_channel": r.Channel,
		"category": r.SetCategory, "priority": r.SetPriority, "assignee": r.AssigneeName, "tags": r.Tags,
		"confidential": r.Confidential}
}

func scanRule(sc interface{ Scan(...any) error }) (Rule, error) {
	var r Rule
	var ifCat, team, site, setCat, assignee sql.NullInt64
	var ifCatName, teamName, siteName, setCatName, assigneeName, assigneeRole sql.NullString
	var setCatConf, assigneeActive sql.NullBool
	var tags string
	err := sc.Scan(&r.ID, &r.Name, &r.Position, &r.Enabled, &r.Stop, &r.Words,
		&ifCat, &ifCatName, &team, &teamName, &site, &siteName, &r.Channel,
		&setCat, &setCatName, &setCatConf, &r.SetPriority,
		&assignee, &assigneeName, &assigneeActive, &assigneeRole, &tags, &r.Confidential, &r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return r, err
	}
	r.CategoryID, r.Category = ifCat.Int64, ifCatName.String
	r.TeamID, r.Team, r.SiteID, r.Site = team.Int64, teamName.String, site.Int64, siteName.String
	r.SetCategoryID, r.SetCategory, r.setCategoryConfidential = setCat.Int64, setCatName.String, setCatConf.Bool
	r.AssigneeID, r.AssigneeName = assignee.Int64, assigneeName.String
	r.AssigneeActive = assigneeActive.Bool && (assigneeRole.String == "admin" || assigneeRole.String == "agent")
	if err := json.Unmarshal([]byte(tags), &r.Tags); err != nil {
		return r, fmt.Errorf("tags of rule %d: %w", r.ID, err)
	}
	return r, nil
}

// loadRules reads every rule in order, or the one with id.
func (k *Desk) loadRules(ctx context.Context, q queryer, id int64) ([]Rule, error) {
	rows, err := q.QueryContext(ctx, k.q.Get("rules"), id)
	if err != nil {
		return nil, wrapRule("list", err)
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, wrapRule("list", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapRule("list", err)
	}
	return out, nil
}

func (k *Desk) rule(ctx context.Context, q queryer, id int64) (Rule, error) {
	if id <= 0 {
		return Rule{}, ErrRuleNotFound
	}
	rules, err := k.loadRules(ctx, q, id)
	if err != nil {
		return Rule{}, err
	}
	if len(rules) == 0 {
		return Rule{}, ErrRuleNotFound
	}
	return rules[0], nil
}

// Rules lists the routing rules in the order they run, disabled ones included.
func (k *Desk) Rules(ctx context.Context) ([]Rule, error) { return k.loadRules(ctx, k.db.R, 0) }

// Rule returns the routing rule id.
func (k *Desk) Rule(ctx context.Context, id int64) (Rule, error) { return k.rule(ctx, k.db.R, id) }

// SaveRule creates a routing rule (id 0), placed last, or replaces rule id. Every field is
// checked first; a failure names each wrong field and writes nothing.
func (k *Desk) SaveRule(ctx context.Context, id int64, in RuleInput) (Rule, error) {
	var saved Rule
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		var before Rule
		if id != 0 {
			var err error
			if before, err = k.rule(ctx, tx, id); err != nil {
				return err
			}
		}
		in, err := k.checkRule(ctx, tx, in)
		if err != nil {
			return err
		}
		tags, _ := json.Marshal(in.Tags)
		now := k.now()
		args := []any{in.Name, in.Enabled, in.Stop, in.Words, nullID(in.CategoryID), nullID(in.TeamID), nullID(in.SiteID),
			string(in.Channel), nullID(in.SetCategoryID), string(in.SetPriority), nullID(in.AssigneeID), string(tags),
			in.Confidential, now}
		action := "rule.update"
		if id == 0 {
			action = "rule.create"
			if err := tx.QueryRowContext(ctx, k.q.Get("rule-insert"), args...).Scan(&id); err != nil {
				return wrapRule("create", err)
			}
		} else if _, err := tx.ExecContext(ctx, k.q.Get("rule-update"), append([]any{id}, args...)...); err != nil {
			return wrapRule("update", err)
		}
		if saved, err = k.rule(ctx, tx, id); err != nil {
			return err
		}
		c := audit.Change{Action: action, EntityType: "routing_rule", EntityID: id, EntityName: saved.Name, After: saved.auditView()}
		if action == "rule.update" {
			c.Before = before.auditView()
		}
		return k.audit.Record(ctx, tx, c)
	})
	return saved, err
}

// nullID stores 0 as NULL.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// checkRule validates and tidies in: the name's spaces, the words' alternatives, the tags.
func (k *Desk) checkRule(ctx context.Context, q queryer, in RuleInput) (RuleInput, error) {
	var errs valid.Errors
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	if errs.Required("name", in.Name) {
		errs.MaxLen("name", in.Name, maxRuleName)
	}
	var alts []string
	for _, w := range strings.Split(in.Words, "|") {
		if w = strings.Join(strings.Fields(w), " "); w != "" {
			alts = append(alts, w)
		}
	}
	in.Words = strings.Join(alts, "|")
	if errs.MaxLen("if_words", in.Words, maxRuleWords) {
		if _, bad := parseWords(in.Words); bad != "" {
			errs.Add("if_words", "rule_words_invalid", "value", bad)
		}
	}
	exists := func(field, query, code string, id int64) error {
		if id == 0 {
			return nil
		}
		var name string
		err := q.QueryRowContext(ctx, k.q.Get(query), id).Scan(&name)
		if isNoRows(err) {
			errs.Add(field, code)
			return nil
		}
		return err
	}
	for _, c := range []struct {
		field, query, code string
		id                 int64
	}{
		{"if_category", "rule-category", "rule_category_unknown", in.CategoryID},
		{"if_team", "rule-team", "rule_team_unknown", in.TeamID},
		{"if_site", "rule-site", "rule_site_unknown", in.SiteID},
		{"category", "rule-category", "rule_category_unknown", in.SetCategoryID},
	} {
		if err := exists(c.field, c.query, c.code, c.id); err != nil {
			return in, wrapRule("check", err)
		}
	}
	if in.Channel != "" && !slices.Contains(Channels, in.Channel) {
		errs.Add("if_channel", "channel_invalid")
	}
	if in.SetPriority != "" && !slices.Contains(Priorities, in.SetPriority) {
		errs.Add("priority", "priority_invalid")
	}
	if in.AssigneeID != 0 {
		ok, err := k.isAgent(ctx, q, in.AssigneeID)
		if err != nil {
			return in, err
		}
		if !ok {
			errs.Add("assignee", "assignee_unknown")
		}
	}
	tags, code := cleanTags(in.Tags)
	addTagError(&errs, code)
	in.Tags = tags
	if in.Tags == nil {
		in.Tags = []string{}
	}
	if in.SetCategoryID == 0 && in.SetPriority == "" && in.AssigneeID == 0 && len(in.Tags) == 0 && !in.Confidential {
		errs.Add("rule_actions", "rule_no_action")
	}
	return in, errs.Err()
}

// DeleteRule removes routing rule id.
func (k *Desk) DeleteRule(ctx context.Context, id int64) error {
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := k.rule(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, k.q.Get("rule-delete"), id); err != nil {
			return wrapRule("delete", err)
		}
		return k.audit.Record(ctx, tx, audit.Change{Action: "rule.delete", EntityType: "routing_rule", EntityID: id,
			EntityName: r.Name, Before: r.auditView()})
	})
}

// EnableRule switches routing rule id on or off.
func (k *Desk) EnableRule(ctx context.Context, id int64, enabled bool) error {
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := k.rule(ctx, tx, id)
		if err != nil || r.Enabled == enabled {
			return err
		}
		if _, err := tx.ExecContext(ctx, k.q.Get("rule-enable"), id, enabled, k.now()); err != nil {
			return wrapRule("enable", err)
		}
		return k.audit.Record(ctx, tx, audit.Change{Action: "rule.enable", EntityType: "routing_rule", EntityID: id,
			EntityName: r.Name, Before: map[string]bool{"rule_enabled": r.Enabled}, After: map[string]bool{"rule_enabled": enabled}})
	})
}

// MoveRule moves routing rule id by delta places in the running order (-1: one earlier, 1: one
// later). Moving past either end leaves it there.
func (k *Desk) MoveRule(ctx context.Context, id int64, delta int) error {
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		rules, err := k.loadRules(ctx, tx, 0)
		if err != nil {
			return err
		}
		from := slices.IndexFunc(rules, func(r Rule) bool { return r.ID == id })
		if from < 0 {
			return ErrRuleNotFound
		}
		to := min(max(from+delta, 0), len(rules)-1)
		if to == from {
			return nil
		}
		moved := rules[from]
		rules = slices.Insert(slices.Delete(rules, from, from+1), to, moved)
		for i, r := range rules {
			if r.Position != i+1 {
				if _, err := tx.ExecContext(ctx, k.q.Get("rule-position"), r.ID, i+1); err != nil {
					return wrapRule("move", err)
				}
			}
		}
		return k.audit.Record(ctx, tx, audit.Change{Action: "rule.move", EntityType: "routing_rule", EntityID: id,
			EntityName: moved.Name, Before: map[string]int{"rule_rank": from + 1}, After: map[string]int{"rule_rank": to + 1}})
	})
}

// defaultRules are the French rules a new desk starts with. They name no assignee: who handles
// what is the Office Manager's to say.
var defaultRules = []struct {
	name, words, category string
	priority              Priority
	confidential          bool
}{
	{"Fuite ou dégât des eaux", "fuite|inondation|inondé|dégât des eaux|dégâts des eaux", "Locaux & maintenance", Urgent, false},
	{"Wi-Fi et réseau", "wifi|wi-fi|internet|réseau", "IT & Wi-Fi", "", false},
	{"Paie et santé", "fiche de paie|fiches de paie|bulletin de salaire|salaire|mutuelle|arrêt maladie|arrêt de travail",
		"RH & paie", "", true},
	{"Courrier et colis", "colis|courrier|livraison", "Courrier & colis", "", false},
	{"Notes de frais et factures", "note de frais|notes de frais|facture", "Comptabilité & notes de frais", "", false},
}

// EnsureDefaultRules offers the French default rules once, on the first start with an empty rule
// table (after EnsureDefaultCategories: they name its categories). A flag in the counters table
// remembers it, so rules an admin deletes stay deleted, and instances starting together offer
// them once. A default whose category was renamed away is left out.
func (k *Desk) EnsureDefaultRules(ctx context.Context) error {
	return k.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, k.q.Get("rule-defaults-claim"))
		if err != nil {
			return wrapRule("defaults", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		var count int
		if err := tx.QueryRowContext(ctx, k.q.Get("rule-count")).Scan(&count); err != nil || count > 0 {
			return err
		}
		for _, d := range defaultRules {
			c, ok, err := k.categoryByName(ctx, tx, d.category)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			tags, _ := json.Marshal([]string{})
			var id int64
			if err := tx.QueryRowContext(ctx, k.q.Get("rule-insert"), d.name, true, false, d.words, nil, nil, nil, "",
				c.ID, string(d.priority), nil, string(tags), d.confidential, k.now()).Scan(&id); err != nil {
				return wrapRule("default "+d.name, err)
			}
			r, err := k.rule(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := k.audit.Record(ctx, tx, audit.Change{Action: "rule.create", EntityType: "routing_rule", EntityID: id,
				EntityName: r.Name, After: r.auditView()}); err != nil {
				return err
			}
		}
		return nil
	})
}

// TryRules shows what the enabled rules would do to a request titled s.Text, without filing
// anything: the web settings page's "test a text" box.
func (k *Desk) TryRules(ctx context.Context, s Sample) (Trial, error) {
	var errs valid.Errors
	errs.Required("rule_sample", s.Text)
	if s.Channel != "" && !slices.Contains(Channels, s.Channel) {
		errs.Add("if_channel", "channel_invalid")
	}
	var requesterID int64
	if email := strings.ToLower(strings.TrimSpace(s.RequesterEmail)); email != "" {
		err := k.db.R.QueryRowContext(ctx, k.q.Get("person-id-by-email"), email).Scan(&requesterID)
		if isNoRows(err) {
			errs.Add("requester_email", "requester_unknown", "value", s.RequesterEmail)
		} else if err != nil {
			return Trial{}, wrapRule("try", err)
		}
	}
	if err := errs.Err(); err != nil {
		return Trial{}, err
	}
	in := NewRequest{Title: s.Text, Channel: s.Channel}
	outcomes, err := k.runRules(ctx, k.db.R, &in, requesterID)
	if err != nil {
		return Trial{}, err
	}
	t := Trial{Category: in.Category, Priority: in.Priority, Tags: in.Tags}
	if t.Priority == "" {
		t.Priority = Normal
	}
	if in.Confidential != nil {
		t.Confidential = *in.Confidential
	} else if in.Category != "" {
		c, _, err := k.categoryByName(ctx, k.db.R, in.Category)
		if err != nil {
			return Trial{}, err
		}
		t.Confidential = c.Confidential()
	}
	for _, o := range outcomes {
		t.Matched = append(t.Matched, TrialRule{Rule: o.rule, Changed: o.changed})
		if in.AssigneeID != 0 && o.rule.AssigneeID == in.AssigneeID && t.AssigneeName == "" {
			t.AssigneeName = o.rule.AssigneeName
		}
	}
	return t, nil
}
