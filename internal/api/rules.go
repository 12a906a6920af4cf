package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"majordome/internal/httpx"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// ruleJSON is a routing rule as the API shows it. Like requests, it names categories, teams
// and sites by name and the assignee by email, never by internal id. position is the rule's
// rank in the running order, from 1.
type ruleJSON struct {
	ID         int64              `json:"id"`
	Name       string             `json:"name"`
	Enabled    bool               `json:"enabled"`
	Stop       bool               `json:"stop"`
	Position   int                `json:"position"`
	Conditions ruleConditionsJSON `json:"conditions"`
	Actions    ruleActionsJSON    `json:"actions"`
	CreatedAt  string             `json:"created_at"`
	UpdatedAt  string             `json:"updated_at"`
}

type ruleConditionsJSON struct {
	Words    []string `json:"words"` // alternatives; [] when the rule tests no words
	Category *string  `json:"category"`
	Team     *string  `json:"team"`
	Site     *string  `json:"site"`
	Channel  *string  `json:"channel"`
}

type ruleActionsJSON struct {
	Category      *string  `json:"category"` // null too when the category was archived since
	Priority      *string  `json:"priority"`
	AssigneeEmail *string  `json:"assignee_email"`
	Tags          []string `json:"tags"`
	Confidential  bool     `json:"confidential"`
}

// rulesOut returns the conversion of rules for the API, with their assignees' emails read once.
func (s *server) rulesOut(ctx context.Context, rules []request.Rule) (func(request.Rule) ruleJSON, error) {
	emails := map[int64]string{}
	for _, ru := range rules {
		if ru.AssigneeID != 0 && emails[ru.AssigneeID] == "" {
			u, err := s.Auth.User(ctx, ru.AssigneeID)
			if err != nil {
				return nil, fmt.Errorf("api: rule assignee: %w", err)
			}
			emails[ru.AssigneeID] = u.Email
		}
	}
	rank := map[int64]int{}
	all, err := s.Requests.Rules(ctx)
	if err != nil {
		return nil, err
	}
	for i, ru := range all {
		rank[ru.ID] = i + 1
	}
	return func(ru request.Rule) ruleJSON {
		return ruleJSON{ID: ru.ID, Name: ru.Name, Enabled: ru.Enabled, Stop: ru.Stop, Position: rank[ru.ID],
			Conditions: ruleConditionsJSON{Words: append([]string{}, ru.WordList()...), Category: orNull(ru.Category),
				Team: orNull(ru.Team), Site: orNull(ru.Site), Channel: orNull(string(ru.Channel))},
			Actions: ruleActionsJSON{Category: orNull(ru.SetCategory), Priority: orNull(string(ru.SetPriority)),
				AssigneeEmail: orNull(emails[ru.AssigneeID]), Tags: append([]string{}, ru.Tags...), Confidential: ru.Confidential},
			CreatedAt: utc(ru.CreatedAt), UpdatedAt: utc(ru.UpdatedAt)}
	}, nil
}

// ruleList answers GET /api/v1/rules: every rule in running order, disabled ones included. The
// list is short and never paged: next_cursor is always null.
func (s *server) ruleList(w http.ResponseWriter, r *http.Request) error {
	rules, err := s.Requests.Rules(r.Context())
	if err != nil {
		return err
	}
	conv, err := s.rulesOut(r.Context(), rules)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newPage(rules, "", conv))
	return nil
}

// The members of a rule body, and of its two objects.
var (
	ruleFields          = []string{"name", "enabled", "stop", "position", "conditions", "actions"}
	ruleConditionFields = []string{"words", "category", "team", "site", "channel"}
	ruleActionFields    = []string{"category", "priority", "assignee_email", "tags", "confidential"}
)

// ruleFieldNames gives the desk's field names their API names.
var ruleFieldNames = map[string]string{
	"if_words": "conditions.words", "if_category": "conditions.category", "if_team": "conditions.team",
	"if_site": "conditions.site", "if_channel": "conditions.channel",
	"category": "actions.category", "priority": "actions.priority", "assignee": "actions.assignee_email",
	"tags": "actions.tags", "rule_actions": "actions",
}

// ruleBody is a decoded rule body: nil members were not sent; in conditions and actions, a
// member sent as null clears.
type ruleBody struct {
	name          *string
	enabled, stop *bool
	position      *int64
	words         *[]string
	category      *string // condition
	team, site    *string
	channel       *string
	setCategory   *string
	priority      *string
	assigneeEmail *string
	tags          *[]string
	confidential  *bool
}

// decodeRule reads a rule body, refusing unknown members of conditions and actions as readObject
// does at the top.
func decodeRule(obj object) (ruleBody, error) {
	f := fields{obj: obj}
	b := ruleBody{name: f.str("name"), enabled: f.boolean("enabled"), stop: f.boolean("stop"), position: f.number("position")}
	var unknown []fieldError
	sub := func(name string, known []string) object {
		raw, ok := obj[name]
		if !ok {
			return nil
		}
		var o object
		if err := json.Unmarshal(raw, &o); err != nil {
			f.errs = append(f.errs, fieldError{Field: name, Code: "type_invalid", Params: map[string]string{"type": "object"}})
			return nil
		}
		for m := range o {
			if !slices.Contains(known, m) {
				unknown = append(unknown, fieldError{Field: name + "." + m, Code: "unknown_field"})
			}
		}
		if o == nil {
			o = object{}
		}
		return o
	}
	prefixed := func(prefix string, o object, read func(*fields)) {
		sf := fields{obj: o}
		read(&sf)
		for _, fe := range sf.errs {
			fe.Field = prefix + "." + fe.Field
			f.errs = append(f.errs, fe)
		}
	}
	if c := sub("conditions", ruleConditionFields); c != nil {
		prefixed("conditions", c, func(sf *fields) {
			b.words, b.category, b.team = sf.strs("words"), sf.str("category"), sf.str("team")
			b.site, b.channel = sf.str("site"), sf.str("channel")
		})
	}
	if a := sub("actions", ruleActionFields); a != nil {
		prefixed("actions", a, func(sf *fields) {
			b.setCategory, b.priority, b.assigneeEmail = sf.str("category"), sf.str("priority"), sf.str("assignee_email")
			b.tags, b.confidential = sf.strs("tags"), sf.boolean("confidential")
		})
	}
	if len(unknown) > 0 {
		sort.Slice(unknown, func(i, j int) bool { return unknown[i].Field < unknown[j].Field })
		return b, &badRequestError{typ: typeInvalidBody, fields: unknown,
			detail: fmt.Sprintf("Unknown fields: %s. conditions has %s; actions has %s.", fieldList(unknown),
				strings.Join(ruleConditionFields, ", "), strings.Join(ruleActionFields, ", "))}
	}
	return b, f.err()
}

// noSuchID is an id nothing has: a name that names nothing is passed as this id, so the desk
// refuses it with its own code together with any other wrong field, and writes nothing.
const noSuchID = -1

// applyRule changes in by the members b holds, resolving names and emails to ids.
func (s *server) applyRule(ctx context.Context, b ruleBody, in *request.RuleInput) error {
	if b.name != nil {
		in.Name = *b.name
	}
	if b.enabled != nil {
		in.Enabled = *b.enabled
	}
	if b.stop != nil {
		in.Stop = *b.stop
	}
	if b.words != nil {
		in.Words = strings.Join(*b.words, "|")
	}
	if b.channel != nil {
		in.Channel = request.Channel(*b.channel)
	}
	if b.priority != nil {
		in.SetPriority = request.Priority(*b.priority)
	}
	if b.tags != nil {
		in.Tags = *b.tags
	}
	if b.confidential != nil {
		in.Confidential = *b.confidential
	}
	var err error
	if b.category != nil {
		if in.CategoryID, err = s.ruleCategoryID(ctx, *b.category); err != nil {
			return err
		}
	}
	if b.setCategory != nil {
		if in.SetCategoryID, err = s.ruleCategoryID(ctx, *b.setCategory); err != nil {
			return err
		}
	}
	if b.team != nil || b.site != nil {
		teamID, siteID, err := s.orgIDs(ctx, val(b.team), val(b.site))
		if err != nil {
			return err
		}
		if b.team != nil {
			in.TeamID = teamID // noSuchOrg for a name no team has, which the desk refuses
		}
		if b.site != nil {
			in.SiteID = siteID
		}
	}
	if b.assigneeEmail != nil {
		id, err := s.assigneeID(ctx, b.assigneeEmail)
		if err != nil {
			return err
		}
		in.AssigneeID = *id
	}
	return nil
}

// ruleCategoryID resolves a rule's category name as requests do (case and accents aside): 0
// for "", noSuchID when no category has it.
func (s *server) ruleCategoryID(ctx context.Context, name string) (int64, error) {
	if strings.TrimSpace(name) == "" {
		return 0, nil
	}
	id, err := s.categoryID(ctx, name)
	if err != nil || id != 0 {
		return id, err
	}
	return noSuchID, nil
}

// ruleCreate answers POST /api/v1/rules: a new rule, enabled unless said otherwise, last in the
// running order unless position says where.
func (s *server) ruleCreate(w http.ResponseWriter, r *http.Request) error {
	obj, err := readObject(w, r, ruleFields, "application/json")
	if err != nil {
		return err
	}
	b, err := decodeRule(obj)
	if err != nil {
		return err
	}
	in := request.RuleInput{Enabled: true}
	if err := s.applyRule(r.Context(), b, &in); err != nil {
		return err
	}
	ru, err := s.Requests.SaveRule(r.Context(), 0, in)
	if err != nil {
		return ruleError(err)
	}
	if err := s.moveRule(r.Context(), ru.ID, b.position); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/rules/"+strconv.FormatInt(ru.ID, 10))
	return s.writeRule(w, r, http.StatusCreated, ru.ID)
}

// rulePatch answers PATCH /api/v1/rules/{id} with merge-patch semantics: the members sent
// change, in conditions and actions too (null clears one); position moves the rule.
func (s *server) rulePatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathRule(r)
	if err != nil {
		return err
	}
	obj, err := readObject(w, r, ruleFields, "application/merge-patch+json", "application/json")
	if err != nil {
		return err
	}
	b, err := decodeRule(obj)
	if err != nil {
		return err
	}
	cur, err := s.Requests.Rule(r.Context(), id)
	if err != nil {
		return ruleError(err)
	}
	in := cur.Input()
	if err := s.applyRule(r.Context(), b, &in); err != nil {
		return err
	}
	if _, err := s.Requests.SaveRule(r.Context(), id, in); err != nil {
		return ruleError(err)
	}
	if err := s.moveRule(r.Context(), id, b.position); err != nil {
		return err
	}
	return s.writeRule(w, r, http.StatusOK, id)
}

// moveRule puts rule id at rank position (from 1; past the end means last), when given.
func (s *server) moveRule(ctx context.Context, id int64, position *int64) error {
	if position == nil {
		return nil
	}
	rules, err := s.Requests.Rules(ctx)
	if err != nil {
		return err
	}
	from := slices.IndexFunc(rules, func(ru request.Rule) bool { return ru.ID == id })
	if from < 0 {
		return ruleError(request.ErrRuleNotFound)
	}
	to := int(min(*position, int64(len(rules)))) - 1
	if to == from {
		return nil
	}
	return ruleError(s.Requests.MoveRule(ctx, id, to-from))
}

// ruleDelete answers DELETE /api/v1/rules/{id}: the rule is gone; requests it changed keep what
// it did, and its timeline entries.
func (s *server) ruleDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathRule(r)
	if err != nil {
		return err
	}
	if err := s.Requests.DeleteRule(r.Context(), id); err != nil {
		return ruleError(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// writeRule answers with rule id as stored now.
func (s *server) writeRule(w http.ResponseWriter, r *http.Request, status int, id int64) error {
	ru, err := s.Requests.Rule(r.Context(), id)
	if err != nil {
		return ruleError(err)
	}
	conv, err := s.rulesOut(r.Context(), []request.Rule{ru})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, status, conv(ru))
	return nil
}

// pathRule reads the {id} of the path. An id that is not positive names no rule.
func pathRule(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, ruleError(request.ErrRuleNotFound)
	}
	return id, nil
}

// ruleError turns a missing rule into a 404 and gives the desk's field names their API names;
// the other errors are left to writeError.
func ruleError(err error) error {
	if errors.Is(err, request.ErrRuleNotFound) {
		return notFound("No routing rule has this id.")
	}
	var ve valid.Errors
	if !errors.As(err, &ve) {
		return err
	}
	out := make(valid.Errors, len(ve))
	for i, fe := range ve {
		if name, ok := ruleFieldNames[fe.Field]; ok {
			fe.Field = name
		}
		out[i] = fe
	}
	return out
}
