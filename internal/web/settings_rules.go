package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"majordome/internal/request"
)

// rulesData is what the routing rules page shows: the rules in their running order and, when
// the admin tried a text, what the rules would do to it.
type rulesData struct {
	Rules    []request.Rule
	Channels []request.Channel
	Trial    *request.Trial
}

// rulesPage lists the routing rules with their switches, and the "try a request" box (a GET form:
// trying writes nothing).
func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request) error {
	p := s.settingsFrame(w, r, "rules.title")
	d := rulesData{Channels: request.Channels}
	status := http.StatusOK
	if q := r.URL.Query(); q.Has("sample") {
		p.Form = q
		t, err := s.Requests.TryRules(r.Context(), request.Sample{Text: q.Get("sample"),
			Channel: request.Channel(q.Get("channel")), RequesterEmail: q.Get("requester")})
		if s.formErrors(p, err) {
			// The desk names the fields of a Sample; the box's fields are shorter.
			for from, to := range map[string]string{"rule_sample": "sample", "requester_email": "requester", "if_channel": "channel"} {
				if m, ok := p.FieldErrors[from]; ok {
					p.FieldErrors[to] = m
				}
			}
			status = http.StatusUnprocessableEntity
		} else if err != nil {
			return err
		} else {
			d.Trial = &t
		}
	}
	var err error
	if d.Rules, err = s.Requests.Rules(r.Context()); err != nil {
		return err
	}
	p.Data = d
	return s.renderStatus(w, status, p, "settings_rules")
}

// ruleEnable switches a rule on or off from the list.
func (s *Server) ruleEnable(w http.ResponseWriter, r *http.Request) error {
	rule, err := s.pathRule(r)
	if err != nil {
		return err
	}
	on := r.PostFormValue("enabled") == "true"
	if err := s.Requests.EnableRule(r.Context(), rule.ID, on); err != nil {
		return ruleErr(err)
	}
	key := "rules.disabled_flash"
	if on {
		key = "rules.enabled_flash"
	}
	s.setFlash(w, "success", s.I18n.T(s.lang(r), key, "name", rule.Name))
	http.Redirect(w, r, "/settings/rules#rule-"+strconv.FormatInt(rule.ID, 10), http.StatusSeeOther)
	return nil
}

// ruleMove moves a rule one place up or down in the running order.
func (s *Server) ruleMove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	delta := 1
	if r.PostFormValue("direction") == "up" {
		delta = -1
	}
	if err := s.Requests.MoveRule(r.Context(), id, delta); err != nil {
		return ruleErr(err)
	}
	s.setFlash(w, "success", s.I18n.T(s.lang(r), "rules.moved"))
	http.Redirect(w, r, fmt.Sprintf("/settings/rules#rule-%d", id), http.StatusSeeOther)
	return nil
}

// ruleDelete removes a rule (the button asks for confirmation first).
func (s *Server) ruleDelete(w http.ResponseWriter, r *http.Request) error {
	rule, err := s.pathRule(r)
	if err != nil {
		return err
	}
	if err := s.Requests.DeleteRule(r.Context(), rule.ID); err != nil {
		return ruleErr(err)
	}
	s.setFlash(w, "success", s.I18n.T(s.lang(r), "rules.deleted", "name", rule.Name))
	http.Redirect(w, r, "/settings/rules", http.StatusSeeOther)
	return nil
}

// pathRule reads the rule the URL's {id} names.
func (s *Server) pathRule(r *http.Request) (request.Rule, error) {
	id, err := pathID(r)
	if err != nil {
		return request.Rule{}, err
	}
	rule, err := s.Requests.Rule(r.Context(), id)
	return rule, ruleErr(err)
}

// ruleErr makes a rule that does not exist a page that does not exist.
func ruleErr(err error) error {
	if errors.Is(err, request.ErrRuleNotFound) {
		return fmt.Errorf("%w: %w", errNotFound, err)
	}
	return err
}
