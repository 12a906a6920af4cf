package slackbot

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestManifestHasScopesAndURLs(t *testing.T) {
	var m struct {
		Display struct {
			Name string `json:"name"`
		} `json:"display_information"`
		Features struct {
			AppHome struct {
				Home     bool `json:"home_tab_enabled"`
				Messages bool `json:"messages_tab_enabled"`
			} `json:"app_home"`
			BotUser struct {
				Name string `json:"display_name"`
			} `json:"bot_user"`
			Shortcuts []struct {
				Name, Type string
				CallbackID string `json:"callback_id"`
			} `json:"shortcuts"`
			Commands []struct {
				Command, URL string
			} `json:"slash_commands"`
		} `json:"features"`
		OAuth struct {
			Scopes struct {
				Bot []string `json:"bot"`
			} `json:"scopes"`
		} `json:"oauth_config"`
		Settings struct {
			Events struct {
				URL    string   `json:"request_url"`
				Events []string `json:"bot_events"`
			} `json:"event_subscriptions"`
			Interactivity struct {
				Enabled bool   `json:"is_enabled"`
				URL     string `json:"request_url"`
			} `json:"interactivity"`
			Socket bool `json:"socket_mode_enabled"`
		} `json:"settings"`
	}
	raw := ManifestJSON("https://majordome.exemple.fr/", "/om", false)
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	for _, s := range []string{"chat:write", "commands", "im:history", "im:read", "im:write", "users:read",
		"users:read.email", "app_mentions:read", "channels:read", "channels:history", "files:read"} {
		if !slices.Contains(m.OAuth.Scopes.Bot, s) {
			t.Errorf("scope %s missing from %v", s, m.OAuth.Scopes.Bot)
		}
	}
	if m.Display.Name == "" || m.Features.BotUser.Name == "" || !m.Features.AppHome.Home || !m.Features.AppHome.Messages {
		t.Errorf("display, bot user or App Home missing: %s", raw)
	}
	if len(m.Features.Commands) != 1 || m.Features.Commands[0].Command != "/om" || m.Features.Commands[0].URL != "https://majordome.exemple.fr/slack/commands" {
		t.Errorf("slash command %+v", m.Features.Commands)
	}
	if len(m.Features.Shortcuts) != 1 || m.Features.Shortcuts[0].Name != "Créer une demande" ||
		m.Features.Shortcuts[0].CallbackID != "create_request" || m.Features.Shortcuts[0].Type != "message" {
		t.Errorf("shortcut %+v", m.Features.Shortcuts)
	}
	if m.Settings.Events.URL != "https://majordome.exemple.fr/slack/events" ||
		!slices.Contains(m.Settings.Events.Events, "message.im") || !slices.Contains(m.Settings.Events.Events, "app_home_opened") {
		t.Errorf("events %+v", m.Settings.Events)
	}
	if !m.Settings.Interactivity.Enabled || m.Settings.Interactivity.URL != "https://majordome.exemple.fr/slack/interactions" {
		t.Errorf("interactivity %+v", m.Settings.Interactivity)
	}
	if m.Settings.Socket {
		t.Error("socket mode on without an app token")
	}

	// Socket Mode: no URLs, the socket flag on.
	m = struct {
		Display struct {
			Name string `json:"name"`
		} `json:"display_information"`
		Features struct {
			AppHome struct {
				Home     bool `json:"home_tab_enabled"`
				Messages bool `json:"messages_tab_enabled"`
			} `json:"app_home"`
			BotUser struct {
				Name string `json:"display_name"`
			} `json:"bot_user"`
			Shortcuts []struct {
				Name, Type string
				CallbackID string `json:"callback_id"`
			} `json:"shortcuts"`
			Commands []struct {
				Command, URL string
			} `json:"slash_commands"`
		} `json:"features"`
		OAuth struct {
			Scopes struct {
				Bot []string `json:"bot"`
			} `json:"scopes"`
		} `json:"oauth_config"`
		Settings struct {
			Events struct {
				URL    string   `json:"request_url"`
				Events []string `json:"bot_events"`
			} `json:"event_subscriptions"`
			Interactivity struct {
				Enabled bool   `json:"is_enabled"`
				URL     string `json:"request_url"`
			} `json:"interactivity"`
			Socket bool `json:"socket_mode_enabled"`
		} `json:"settings"`
	}{}
	if err := json.Unmarshal(ManifestJSON("https://majordome.exemple.fr", "/demande", true), &m); err != nil {
		t.Fatal(err)
	}
	if !m.Settings.Socket || m.Settings.Events.URL != "" || m.Settings.Interactivity.URL != "" || m.Features.Commands[0].URL != "" {
		t.Errorf("socket mode manifest: %+v %+v", m.Settings, m.Features.Commands)
	}
	if m.Features.Commands[0].Command != "/demande" {
		t.Errorf("command %q", m.Features.Commands[0].Command)
	}
}
