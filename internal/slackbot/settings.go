package slackbot

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"majordome/internal/audit"
	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/notify"
	"majordome/internal/valid"
)

// The unknown-users policies: what happens to a Slack user the directory does not know.
const (
	UnknownCreate = "create" // created as an employee flagged for the Office Manager's review
	UnknownRefuse = "refuse" // told politely to ask the Office Manager
)

// Settings are the Slack app's settings in effect: the environment's, else the settings page's.
type Settings struct {
	BotToken      string
	SigningSecret string
	AppToken      string
	TriageChannel string
	UnknownUsers  string // UnknownCreate or UnknownRefuse
	// FromEnv names the settings the environment sets ("bot_token", …): the page shows them
	// read-only.
	FromEnv map[string]bool
}

// Enabled reports whether the app can talk to Slack: a bot token is set. Without one, the
// app declines what reaches it (the endpoints answer 503, notifications and the desk's changes
// are not sent to Slack, announcements cannot choose Slack) until one is saved.
func (s Settings) Enabled() bool { return s.BotToken != "" }

// Ready reports whether announcements can go by Slack now (a bot token is set): the
// announcement service asks before it accepts Slack as a channel.
func (d *Announcer) Ready(ctx context.Context) bool {
	set, err := d.a.settings(ctx)
	return err == nil && set.Enabled()
}

// SocketMode reports whether the app connects through Socket Mode (an app token is set).
func (s Settings) SocketMode() bool { return s.AppToken != "" }

// SettingsInput is what the admin submits on the settings page. An empty secret keeps the one
// stored, since the page never shows it back; Clear* removes it.
type SettingsInput struct {
	BotToken, SigningSecret, AppToken string
	ClearBot, ClearSigning, ClearApp  bool
	TriageChannel, UnknownUsers       string
}

// Store keeps the settings of the Slack app that admins edit on the settings page. It works
// without a connection to Slack, so that the page can set one up.
type Store struct {
	db    *db.DB
	q     *db.Queries
	env   config.Slack
	audit *audit.Log
	now   func() time.Time
	// changed wakes this process's Socket Mode supervisor when the settings are saved here;
	// the other instances read them again within App.socketPoll.
	changed chan struct{}
	// ready caches whether a bot token is set, for the notification channel, which is asked
	// for every notification; Save forgets it.
	ready *notify.ReadyCache
}

// Connection is what Slack says of the bot token (auth.test).
type Connection struct {
	OK    bool
	Team  string // the workspace's name
	URL   string // the workspace's address
	BotID string
	User  string // the bot's name
	Error string // Slack's error code, or what went wrong reaching it
}

// Check asks Slack who the bot token belongs to. A token missing, refused or unreachable is a
// Connection with OK false and its Error, not an error: the settings page shows it.
func (s *Store) Check(ctx context.Context) (Connection, error) {
	set, err := s.Settings(ctx)
	if err != nil {
		return Connection{}, err
	}
	if set.BotToken == "" {
		return Connection{Error: "not_configured"}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	api := slack.New(set.BotToken, slack.OptionAPIURL(s.env.APIURL))
	r, err := api.AuthTestContext(ctx)
	if err != nil {
		return Connection{Error: err.Error()}, nil
	}
	return Connection{OK: true, Team: r.Team, URL: r.URL, BotID: r.BotID, User: r.User}, nil
}

// NewStore returns the Slack settings stored in d, under those of the environment env.
func NewStore(d *db.DB, env config.Slack, log *audit.Log) *Store {
	s := &Store{db: d, q: db.MustLoadQueries("slackbot", queriesFS, d.Dialect), env: env, audit: log,
		now: func() time.Time { return time.Now().UTC() }, changed: make(chan struct{}, 1)}
	s.ready = notify.NewReadyCache(func(ctx context.Context) (bool, error) {
		set, err := s.Settings(ctx)
		return set.Enabled(), err
	})
	return s
}

// Queries exposes the package's statements to the start-up check.
func (s *Store) Queries() *db.Queries { return s.q }

// Env returns the environment's settings (the API URL, the command…).
func (s *Store) Env() config.Slack { return s.env }

// Settings returns the settings in effect.
func (s *Store) Settings(ctx context.Context) (Settings, error) {
	stored, err := s.stored(ctx)
	if err != nil {
		return Settings{}, err
	}
	out := Settings{FromEnv: map[string]bool{}}
	pick := func(key, env string, dst *string) {
		if env != "" {
			*dst = env
			out.FromEnv[key] = true
			return
		}
		*dst = stored[key]
	}
	pick("bot_token", s.env.BotToken, &out.BotToken)
	pick("signing_secret", s.env.SigningSecret, &out.SigningSecret)
	pick("app_token", s.env.AppToken, &out.AppToken)
	pick("triage_channel", s.env.TriageChannel, &out.TriageChannel)
	out.UnknownUsers = stored["unknown_users"]
	if out.UnknownUsers != UnknownRefuse {
		out.UnknownUsers = UnknownCreate
	}
	return out, nil
}

func (s *Store) stored(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.R.QueryContext(ctx, s.q.Get("settings-all"))
	if err != nil {
		return nil, fmt.Errorf("slackbot: settings: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("slackbot: settings: %w", err)
		}
		m[k] = v
	}
	return m, rows.Err()
}

// Save validates and stores in, audited with the secrets masked. Settings the environment sets
// are left alone.
func (s *Store) Save(ctx context.Context, in SettingsInput) error {
	in.BotToken, in.SigningSecret, in.AppToken = strings.TrimSpace(in.BotToken), strings.TrimSpace(in.SigningSecret), strings.TrimSpace(in.AppToken)
	in.TriageChannel = strings.TrimSpace(in.TriageChannel)
	var errs valid.Errors
	if in.BotToken != "" && !strings.HasPrefix(in.BotToken, "xoxb-") {
		errs.Add("bot_token", "slack_bot_token_invalid")
	}
	if in.AppToken != "" && !strings.HasPrefix(in.AppToken, "xapp-") {
		errs.Add("app_token", "slack_app_token_invalid")
	}
	if in.TriageChannel != "" && (strings.ContainsAny(in.TriageChannel, " \t") || len(in.TriageChannel) > 80) {
		errs.Add("triage_channel", "slack_channel_invalid")
	}
	if in.UnknownUsers != UnknownCreate && in.UnknownUsers != UnknownRefuse {
		errs.Add("unknown_users", "slack_unknown_users_invalid")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	before, err := s.stored(ctx)
	if err != nil {
		return err
	}
	after := map[string]string{}
	for k, v := range before {
		after[k] = v
	}
	secret := func(key, v string, clear, env bool) {
		switch {
		case env:
		case clear:
			delete(after, key)
		case v != "":
			after[key] = v
		}
	}
	secret("bot_token", in.BotToken, in.ClearBot, s.env.BotToken != "")
	secret("signing_secret", in.SigningSecret, in.ClearSigning, s.env.SigningSecret != "")
	secret("app_token", in.AppToken, in.ClearApp, s.env.AppToken != "")
	if s.env.TriageChannel == "" {
		after["triage_channel"] = in.TriageChannel
	}
	after["unknown_users"] = in.UnknownUsers
	now := s.now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, k := range []string{"bot_token", "signing_secret", "app_token", "triage_channel", "unknown_users"} {
			v, ok := after[k]
			var err error
			if ok && v != "" {
				_, err = tx.ExecContext(ctx, s.q.Get("settings-put"), k, v, now)
			} else {
				_, err = tx.ExecContext(ctx, s.q.Get("settings-delete"), k)
			}
			if err != nil {
				return fmt.Errorf("slackbot: save settings: %w", err)
			}
		}
		return s.audit.Record(ctx, tx, audit.Change{Action: "settings.slack", EntityType: "setting",
			EntityName: "slack", Before: masked(before), After: masked(after)})
	})
	if err == nil {
		s.ready.Forget()
		select {
		case s.changed <- struct{}{}:
		default: // a wake is pending already
		}
	}
	return err
}

// masked is settings as the audit log keeps them: secrets reduced to their last four characters.
func masked(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if k == "bot_token" || k == "signing_secret" || k == "app_token" {
			v = Mask(v)
		}
		out[k] = v
	}
	return out
}

// Mask shows a secret as its kind and its last four characters, "xoxb-…a1b2", never in full.
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	prefix := ""
	if i := strings.IndexByte(secret, '-'); i > 0 && i <= 4 {
		prefix = secret[:i+1]
	}
	if len(secret) <= 8 {
		return prefix + "…"
	}
	return prefix + "…" + secret[len(secret)-4:]
}
