package cli

import (
	"context"
	"fmt"

	"majordome/internal/config"
	"majordome/internal/slackbot"
)

// runSlackManifest prints the Slack app manifest for the configured base URL, to paste into
// api.slack.com/apps → Create New App → From a manifest. It needs no database.
func runSlackManifest(ctx context.Context, e *env, args []string) error {
	var cfg config.Config
	fs := flags(e, "slack manifest", "[--socket]", &cfg)
	socket := fs.Bool("socket", cfg.Slack.AppToken != "",
		"Socket Mode: no public URL; the default when MAJORDOME_SLACK_APP_TOKEN is set")
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", config.ErrUsage, fs.Arg(0))
	}
	_, err := e.stdout.Write(slackbot.ManifestJSON(cfg.BaseURL, cfg.Slack.Command, *socket))
	return err
}
