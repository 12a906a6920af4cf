package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"majordome/internal/request"
)

// ruleFormData is what a routing rule's form offers to choose from.
type ruleFormData struct {
	ID         int64 // 0 for a new rule
	Name       string
	Categories []ruleOption
	Teams      []ruleOption
	Sites      []ruleOption
	Agents     []ruleOption
	Channels   []ruleOption
	Priorities []ruleOption
}

// ruleOption is one choice of a select of the rule form.
type ruleOption struct{ Value, Label string }

// ruleNew shows an empty rule form, active by default.
func (s *Server) ruleNew(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "rules.form.new_title")
	p.Form = url.Values{"enabled": {"true"}}
	return s.renderRuleForm(w, r, p, http.StatusOK, ruleFormData{})
}

// ruleCreate adds a rule, last in the order.
func (s *Server) ruleCreate(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "rules.form.new_title")
	rule, err := s.Requests.SaveRule(r.Context(), 0, ruleInput(r))
	if s.formErrors(p, err) {
		p.Form = r.PostForm
		return s.renderRuleForm(w, r, p, http.StatusUnprocessableEntity, ruleFormData{})
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "success", p.T("rules.created", "name", rule.Name))
	http.Redirect(w, r, "/settings/rules#rule-"+strconv.FormatInt(rule.ID, 10), http.StatusSeeOther)
	return nil
}

// ruleEdit shows a rule's form.
func (s *Server) ruleEdit(w http.ResponseWriter, r *http.Request) error {
	rule, err := s.pathRule(r)
	if err != nil {
		return err
	}
	p := s.settingsFrame(w, r, "rules.title")
	p.Title = rule.Name
	p.Form = ruleForm(rule.Input())
	return s.renderRuleForm(w, r, p, http.StatusOK, ruleFormData{ID: rule.ID, Name: rule.Name})
}

// ruleUpdate saves a rule's form.
func (s *Server) ruleUpdate(w http.ResponseWriter, r *http.Request) error {
	before, err := s.pathRule(r)
	if err != nil {
		return err
	}
	p := s.settingsFrame(w, r, "rules.title")
	p.Title = before.Name
	rule, err := s.Requests.SaveRule(r.Context(), before.ID, ruleInput(r))
	if s.formErrors(p, err) {
		p.Form = r.PostForm
		return s.renderRuleForm(w, r, p, http.StatusUnprocessableEntity, ruleFormData{ID: before.ID, Name: before.Name})
	}
	if err != nil {
		return ruleErr(err)
	}
	s.setFlash(w, "success", p.T("rules.saved", "name", rule.Name))
	http.Redirect(w, r, "/settings/rules#rule-"+strconv.FormatInt(rule.ID, 10), http.StatusSeeOther)
	return nil
}

// ruleInput reads a rule's form. A malformed id becomes -1, which the desk reports as unknown.
func ruleInput(r *http.Request) request.RuleInput {
	id := func(name string) int64 {
		v := strings.TrimSpace(r.PostFormValue(name))
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return -1
		}
		return n
	}
	return request.RuleInput{
		Name: r.PostFormValue("name"), Enabled: r.PostFormValue("enabled") == "true", Stop: r.PostFormValue("stop") == "true",
		Words: r.PostFormValue("if_words"), CategoryID: id("if_category"), TeamID: id("if_team"), SiteID: id("if_site"),
		Channel: request.Channel(r.PostFormValue("if_channel")), SetCategoryID: id("category"),
		SetPriority: request.Priority(r.PostFormValue("priority")), AssigneeID: id("assignee"),
		Tags: splitTags(r.PostFormValue("tags")), Confidential: r.PostFormValue("confidential") == "true",
	}
}

// ruleForm writes in as the form's values.
func ruleForm(in request.RuleInput) url.Values {
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	v := url.Values{"name": {in.Name}, "if_words": {in.Words}, "if_category": {id(in.CategoryID)}, "if_team": {id(in.TeamID)},
		"if_site": {id(in.SiteID)}, "if_channel": {string(in.Channel)}, "category": {id(in.SetCategoryID)},
		"priority": {string(in.SetPriority)}, "assignee": {id(in.AssigneeID)}, "tags": {strings.Join(in.Tags, ", ")}}
	for name, on := range map[string]bool{"enabled": in.Enabled, "stop": in.Stop, "confidential": in.Confidential} {
		if on {
			v.Set(name, "true")
		}
	}
	return v
}

// renderRuleForm loads what the form's lists offer and sends it.
func (s *Server) renderRuleForm(w http.ResponseWriter, r *http.Request, p *Page, status int, d ruleFormData) error {
	ctx := r.Context()
	// A category archived since the rule was written stays selected, marked: saving then says
	// to choose another rather than silently widening the rule to every category.
	var keep []int64
	for _, f := range []string{"if_category", "category"} {
		if id, err := strconv.ParseInt(p.Val(f), 10, 64); err == nil && id > 0 {
			keep = append(keep, id)
		}
	}
	cats, err := s.categoryChoices(ctx, keep...)
	if errors.Is(err, errNotFound) {
		cats, err = s.Requests.Categories(ctx)
	}
	if err != nil {
		return err
	}
	teams, err := s.People.Teams(ctx)
	if err != nil {
		return err
	}
	sites, err := s.People.Sites(ctx)
	if err != nil {
		return err
	}
	agents, err := s.agents(ctx)
	if err != nil {
		return err
	}
	opt := func(id int64, label string) ruleOption { return ruleOption{strconv.FormatInt(id, 10), label} }
	for _, c := range cats {
		label := c.Label()
		if c.Archived {
			label = p.T("categories.archived_option", "name", label)
		}
		d.Categories = append(d.Categories, opt(c.ID, label))
	}
	for _, t := range teams {
		d.Teams = append(d.Teams, opt(t.ID, t.Name))
	}
	for _, st := range sites {
		d.Sites = append(d.Sites, opt(st.ID, st.Name))
	}
	for _, u := range agents {
		d.Agents = append(d.Agents, opt(u.ID, u.Name))
	}
	for _, c := range request.Channels {
		d.Channels = append(d.Channels, ruleOption{string(c), p.T("desk.channel." + string(c))})
	}
	for _, pr := range request.Priorities {
		d.Priorities = append(d.Priorities, ruleOption{string(pr), p.T("desk.priority." + string(pr))})
	}
	p.Data = d
	return s.renderStatus(w, status, p, "settings_rule")
}
