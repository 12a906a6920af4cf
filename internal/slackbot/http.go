package slackbot

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// The HTTP endpoints Slack calls (HTTP mode): each request is verified, stored as a
// "slack.inbound" job under a key that makes retries and replays a no-op, and answered at once;
// the job hands it to the flows. Slack wants an answer within 3 seconds and retries otherwise.

// maxBody bounds what Slack may send (its payloads are a few kilobytes).
const maxBody = 1 << 20

// Handler serves POST /slack/events, /slack/commands and /slack/interactions. Mount it on the
// main mux, outside the web session and CSRF middleware: Slack's signature is the
// authentication.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", a.serveEvents)
	mux.HandleFunc("POST /slack/commands", a.serveCommand)
	mux.HandleFunc("POST /slack/interactions", a.serveInteraction)
	return mux
}

// notSetUp is the answer of the endpoints while Slack is not set up on this Majordome: a 503,
// which Slack retries for a while, so a payload sent just before the bot token was saved
// still lands.
const notSetUp = "Slack is not set up on this Majordome yet: an administrator adds the bot token and the signing secret in Settings > Slack."

// verified reads and verifies the request's body, and returns it with the settings in force
// (read on each request, so a token saved on any instance counts at once); on failure it has
// answered.
func (a *App) verified(w http.ResponseWriter, r *http.Request) ([]byte, Settings, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return nil, Settings{}, false
	}
	set, err := a.settings(r.Context())
	if err != nil {
		a.Log.Error("slack: settings", "err", err)
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return nil, set, false
	}
	if set.SigningSecret == "" && !set.Enabled() {
		http.Error(w, notSetUp, http.StatusServiceUnavailable)
		return nil, set, false
	}
	if err := verify(set.SigningSecret, r.Header, body, a.now()); err != nil {
		a.Log.Warn("slack request refused", "path", r.URL.Path, "err", err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, set, false
	}
	return body, set, true
}

// enabled answers 503 and reports false while no bot token is set: a payload would be stored
// for flows that cannot answer in Slack.
func (a *App) enabled(w http.ResponseWriter, set Settings) bool {
	if !set.Enabled() {
		http.Error(w, notSetUp, http.StatusServiceUnavailable)
	}
	return set.Enabled()
}

// The kinds of inbound payloads.
const (
	inEvent       = "event"
	inCommand     = "command"
	inInteraction = "interaction"
)

// inboundPayload is the payload of a "slack.inbound" job: the JSON Slack sent (for a command,
// slack.SlashCommand as JSON, as Socket Mode sends it).
type inboundPayload struct {
	Kind    string          `json:"kind"`
	Payload json.RawMessage `json:"payload"`
}

func (a *App) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, set, ok := a.verified(w, r)
	if !ok {
		return
	}
	var env struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
		EventID   string `json:"event_id"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	switch env.Type {
	case slackevents.URLVerification:
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, env.Challenge)
		return
	case slackevents.CallbackEvent:
		if !a.enabled(w, set) {
			return
		}
	default:
		w.WriteHeader(http.StatusOK) // app_rate_limited and others: nothing to do
		return
	}
	if err := a.receive(r.Context(), inEvent, eventKey(env.EventID, body), body); err != nil {
		a.fail(w, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (a *App) serveCommand(w http.ResponseWriter, r *http.Request) {
	body, set, ok := a.verified(w, r)
	if !ok || !a.enabled(w, set) {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	cmd := commandOf(form)
	raw, _ := json.Marshal(cmd)
	if err := a.receive(r.Context(), inCommand, triggerKey("command", cmd.TriggerID, body), raw); err != nil {
		a.fail(w, err)
		return
	}
	a.writeAck(r.Context(), w, cmd)
}

// writeAck answers a slash command with the flows' ephemeral acknowledgement, if any.
func (a *App) writeAck(ctx context.Context, w http.ResponseWriter, cmd slack.SlashCommand) {
	text := a.in.ack(ctx, cmd)
	if text == "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"response_type": "ephemeral", "text": text})
}

func (a *App) serveInteraction(w http.ResponseWriter, r *http.Request) {
	body, set, ok := a.verified(w, r)
	if !ok || !a.enabled(w, set) {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	raw := []byte(form.Get("payload"))
	var cb slack.InteractionCallback
	if err := json.Unmarshal(raw, &cb); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	if resp := a.submissionAnswer(r.Context(), cb); resp != nil {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
		return
	}
	if err := a.receive(r.Context(), inInteraction, triggerKey("interaction", cb.TriggerID, raw), raw); err != nil {
		a.fail(w, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// submissionAnswer is the flows' immediate answer to a modal submission (field errors), nil
// for every other interaction or when the submission is fine.
func (a *App) submissionAnswer(ctx context.Context, cb slack.InteractionCallback) *slack.ViewSubmissionResponse {
	if cb.Type != slack.InteractionTypeViewSubmission || a.in.submission == nil {
		return nil
	}
	return a.in.submission(ctx, cb)
}

func (a *App) fail(w http.ResponseWriter, err error) {
	a.Log.Error("slack payload not stored: Slack will retry", "err", err)
	http.Error(w, "unavailable", http.StatusServiceUnavailable)
}

// receive stores a verified payload as a job, once per key: a key already received is a retry
// or a replay, and nothing is stored.
func (a *App) receive(ctx context.Context, kind, key string, payload []byte) error {
	return a.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, a.q.Get("inbound-put"), key, a.now())
		if err != nil {
			return fmt.Errorf("slackbot: receive %s: %w", key, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			a.Log.Info("slack payload received again: ignored", "key", key)
			return nil
		}
		if _, err := a.Jobs.EnqueueTx(ctx, tx, JobInbound, inboundPayload{Kind: kind, Payload: payload}); err != nil {
			return fmt.Errorf("slackbot: receive %s: %w", key, err)
		}
		return nil
	})
}

// eventKey names an Events API delivery: its event_id, the same in every retry.
func eventKey(eventID string, body []byte) string {
	if eventID != "" {
		return "event:" + eventID
	}
	return "event:" + hash(body)
}

// triggerKey names a command or an interaction: its trigger_id, unique to each, else a hash of
// the payload.
func triggerKey(kind, trigger string, body []byte) string {
	if trigger != "" {
		return kind + ":" + trigger
	}
	return kind + ":" + hash(body)
}

func hash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}

// commandOf reads a slash command's form, as slack.SlashCommandParse does.
func commandOf(f url.Values) slack.SlashCommand {
	return slack.SlashCommand{Token: f.Get("token"), TeamID: f.Get("team_id"), TeamDomain: f.Get("team_domain"),
		EnterpriseID: f.Get("enterprise_id"), EnterpriseName: f.Get("enterprise_name"),
		IsEnterpriseInstall: f.Get("is_enterprise_install") == "true", ChannelID: f.Get("channel_id"),
		ChannelName: f.Get("channel_name"), UserID: f.Get("user_id"), UserName: f.Get("user_name"),
		Command: f.Get("command"), Text: f.Get("text"), ResponseURL: f.Get("response_url"),
		TriggerID: f.Get("trigger_id"), APIAppID: f.Get("api_app_id")}
}

// inboundJob hands a stored payload to the flows.
func (a *App) inboundJob(ctx context.Context, payload []byte) error {
	var p inboundPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return fmt.Errorf("slackbot: inbound payload: %w", err)
	}
	switch p.Kind {
	case inEvent:
		ev, err := slackevents.ParseEvent(p.Payload, slackevents.OptionNoVerifyToken())
		if err != nil {
			a.Log.Error("slack event not understood: dropped", "err", err)
			return nil
		}
		return a.in.event(ctx, ev)
	case inCommand:
		var cmd slack.SlashCommand
		if err := json.Unmarshal(p.Payload, &cmd); err != nil {
			a.Log.Error("slack command not understood: dropped", "err", err)
			return nil
		}
		return a.in.command(ctx, cmd)
	case inInteraction:
		var cb slack.InteractionCallback
		if err := json.Unmarshal(p.Payload, &cb); err != nil {
			a.Log.Error("slack interaction not understood: dropped", "err", err)
			return nil
		}
		return a.in.interaction(ctx, cb)
	}
	a.Log.Error("slack inbound payload of an unknown kind: dropped", "kind", p.Kind)
	return nil
}
