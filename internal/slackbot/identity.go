package slackbot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"majordome/internal/db"
	"majordome/internal/people"
	"majordome/internal/valid"
)

// Identity: a Slack user is the person of the directory with the same email. Slack gives the
// email (users.info, with the users:read.email scope); the match is cached in slack_users, both
// ways, so that a flow costs no Web API call once a person is known.

// personFor returns the person behind a Slack user (users.info, then the directory by email,
// cached); an unknown user is created as an employee flagged for review, or refused with
// ErrUnknownUser, per the setting.
func (a *App) personFor(ctx context.Context, slackUserID string) (people.Person, error) {
	var id int64
	err := a.DB.R.QueryRowContext(ctx, a.q.Get("user-person"), slackUserID).Scan(&id)
	switch {
	case err == nil:
		p, err := a.People.Get(ctx, id)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, people.ErrNotFound) {
			return people.Person{}, err
		}
	case !errors.Is(err, sql.ErrNoRows):
		return people.Person{}, fmt.Errorf("slackbot: person of %s: %w", slackUserID, err)
	}

	set, err := a.settings(ctx)
	if err != nil {
		return people.Person{}, err
	}
	var info struct {
		User slack.User `json:"user"`
	}
	if err := a.api(ctx, set.BotToken, "users.info", map[string]any{"user": slackUserID}, &info); err != nil {
		var ae *APIError
		if errors.As(err, &ae) && ae.Code == "user_not_found" {
			return people.Person{}, ErrUnknownUser
		}
		return people.Person{}, err
	}
	u := info.User
	email := strings.ToLower(strings.TrimSpace(u.Profile.Email))
	if u.IsBot || u.Deleted || email == "" {
		return people.Person{}, ErrUnknownUser
	}
	p, err := a.People.GetByEmail(ctx, email)
	if errors.Is(err, people.ErrNotFound) {
		if set.UnknownUsers == UnknownRefuse {
			return people.Person{}, ErrUnknownUser
		}
		p, err = a.createPerson(ctx, u, email)
	}
	if err != nil {
		return people.Person{}, err
	}
	if err := a.remember(ctx, slackUserID, p); err != nil {
		return people.Person{}, err
	}
	return p, nil
}

// createPerson adds an unknown Slack user to the directory, flagged for the Office Manager.
func (a *App) createPerson(ctx context.Context, u slack.User, email string) (people.Person, error) {
	first, last := strings.TrimSpace(u.Profile.FirstName), strings.TrimSpace(u.Profile.LastName)
	if first == "" && last == "" {
		name := strings.TrimSpace(u.Profile.RealName)
		if name == "" {
			name = u.RealName
		}
		first, last, _ = strings.Cut(name, " ")
	}
	if first == "" {
		first, _, _ = strings.Cut(email, "@")
	}
	if last == "" {
		last = "—" // Slack knows one name only; the Office Manager completes it on review
	}
	lang := "fr"
	if strings.HasPrefix(u.Locale, "en") {
		lang = "en"
	}
	p, err := a.People.Create(ctx, people.Input{FirstName: first, LastName: strings.TrimSpace(last), Email: email,
		Language: lang, Review: a.I18n.T(lang, "slackbot.review_reason", "name", "@"+u.Name)})
	var ve valid.Errors
	if db.IsUniqueViolation(err) || errors.As(err, &ve) && ve.Has("email") {
		// Created meanwhile by another request of the same person.
		return a.People.GetByEmail(ctx, email)
	}
	if err != nil {
		return people.Person{}, fmt.Errorf("slackbot: create the person of %s: %w", email, err)
	}
	return p, nil
}

// remember caches the match of a Slack user and a person.
func (a *App) remember(ctx context.Context, slackUserID string, p people.Person) error {
	if _, err := a.DB.W.ExecContext(ctx, a.q.Get("user-put"), slackUserID, p.ID, strings.ToLower(p.Email), a.now()); err != nil {
		return fmt.Errorf("slackbot: remember %s: %w", slackUserID, err)
	}
	return nil
}

// slackUserOf returns the Slack user id of a person (users.lookupByEmail, cached); ok is false
// when Slack has nobody with their email.
func (a *App) slackUserOf(ctx context.Context, personID int64) (string, bool, error) {
	var id string
	err := a.DB.R.QueryRowContext(ctx, a.q.Get("user-of"), personID).Scan(&id)
	if err == nil {
		return id, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", false, fmt.Errorf("slackbot: Slack user of %d: %w", personID, err)
	}
	p, err := a.People.Get(ctx, personID)
	if errors.Is(err, people.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	set, err := a.settings(ctx)
	if err != nil {
		return "", false, err
	}
	var found struct {
		User slack.User `json:"user"`
	}
	err = a.api(ctx, set.BotToken, "users.lookupByEmail", map[string]any{"email": p.Email}, &found)
	var ae *APIError
	if errors.As(err, &ae) && ae.Code == "users_not_found" {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if found.User.Deleted {
		return "", false, nil
	}
	if err := a.remember(ctx, found.User.ID, p); err != nil {
		return "", false, err
	}
	return found.User.ID, true, nil
}
