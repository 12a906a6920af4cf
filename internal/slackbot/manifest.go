package slackbot

import (
	"encoding/json"
	"strings"

	"github.com/slack-go/slack"
)

// The app manifest: what an admin pastes into "Create an app → From a manifest" at
// api.slack.com/apps, so that the app has the scopes, the slash command, the shortcut, the events
// and the endpoints Majordome needs without a click more.

// ShortcutCallbackID is the callback id of the message shortcut "Créer une demande".
const ShortcutCallbackID = "create_request"

// BotScopes are the bot token's scopes: post and update messages (chat:write), the slash
// command, the DMs with the bot (im:*), the people's emails to match them (users:read*), the
// mentions, the channels' history where the bot posts (for the outbox's lookup after a lost
// answer, see outbox.go), and the files people share with the bot (files:read, to attach them
// to their requests).
var BotScopes = []string{
	"app_mentions:read",
	"channels:history",
	"channels:read",
	"chat:write",
	"commands",
	"files:read",
	"groups:history",
	"groups:read",
	"im:history",
	"im:read",
	"im:write",
	"users:read",
	"users:read.email",
}

// BotEvents are the events the app subscribes to.
var BotEvents = []string{"app_home_opened", "message.im"}

// Manifest returns the app manifest for Majordome at baseURL with the slash command command.
// In Socket Mode the endpoints are left out: Slack sends everything on the socket.
func Manifest(baseURL, command string, socketMode bool) slack.Manifest {
	base := strings.TrimRight(baseURL, "/")
	url := func(path string) string {
		if socketMode {
			return ""
		}
		return base + path
	}
	return slack.Manifest{
		Metadata: slack.ManifestMetadata{MajorVersion: 1, MinorVersion: 1},
		Display: slack.Display{
			Name:            "Majordome",
			Description:     "Vos demandes à l'Office Manager, sans quitter Slack.",
			LongDescription: "Majordome est le back-office de l'Office Manager. Depuis Slack, chacun fait une demande (la commande " + command + ", un message direct au bot, ou le raccourci « Créer une demande » sur un message) et suit sa réponse dans le fil de la demande. L'Office Manager trie les nouvelles demandes depuis un canal et retrouve l'essentiel dans l'onglet Accueil.",
			BackgroundColor: "#2f3e46",
		},
		Features: slack.Features{
			AppHome: slack.AppHome{HomeTabEnabled: true, MessagesTabEnabled: true},
			BotUser: slack.BotUser{DisplayName: "Majordome", AlwaysOnline: true},
			Shortcuts: []slack.Shortcut{{Name: "Créer une demande", CallbackID: ShortcutCallbackID,
				Description: "Faire de ce message une demande à l'Office Manager", Type: slack.MessageShortcut}},
			SlashCommands: []slack.ManifestSlashCommand{{Command: command, Url: url("/slack/commands"),
				Description: "Faire une demande à l'Office Manager", UsageHint: "[votre demande]", ShouldEscape: false}},
		},
		OAuthConfig: slack.OAuthConfig{Scopes: slack.OAuthScopes{Bot: BotScopes}},
		Settings: slack.Settings{
			EventSubscriptions: &slack.EventSubscriptions{RequestUrl: url("/slack/events"), BotEvents: BotEvents},
			Interactivity:      &slack.Interactivity{IsEnabled: true, RequestUrl: url("/slack/interactions")},
			SocketModeEnabled:  socketMode,
		},
	}
}

// ManifestJSON is Manifest as indented JSON, ready to paste.
func ManifestJSON(baseURL, command string, socketMode bool) []byte {
	b, _ := json.MarshalIndent(Manifest(baseURL, command, socketMode), "", "  ")
	return append(b, '\n')
}
