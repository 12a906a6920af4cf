package cli

import (
	"context"
	"fmt"
	"time"

	"majordome/internal/app"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/config"
)

// cliActor attributes command-line changes in the audit log.
func cliActor(ctx context.Context) context.Context {
	return audit.WithActor(ctx, audit.Actor{Kind: "cli", Name: "command line"})
}

// runUserCreate creates an account and prints a sign-in link for it.
func runUserCreate(ctx context.Context, e *env, args []string) error {
	var cfg config.Config
	fs := flags(e, "user create", "--email E --name N --role R [--password P]", &cfg)
	email := fs.String("email", "", "the person's email address")
	name := fs.String("name", "", "the person's name")
	role := fs.String("role", "employee", "admin, agent, manager or employee")
	password := fs.String("password", "", "a password (optional: without one, the person signs in with the link)")
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, logger(e, cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	ctx = cliActor(ctx)
	u, err := a.Auth.CreateUser(ctx, auth.NewUser{Email: *email, Name: *name, Role: auth.Role(*role), Password: *password})
	if err != nil {
		return explain(a, err)
	}
	link, err := a.Auth.CreateLink(ctx, u.ID, auth.LinkReset, 7*24*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Account created for %s (%s).\nOne-time sign-in link (valid 7 days):\n%s/signin/link?token=%s\n", u.Name, u.Role, cfg.BaseURL, link)
	return nil
}

// runUserLink prints a fresh sign-in link for an existing account.
func runUserLink(ctx context.Context, e *env, args []string) error {
	var cfg config.Config
	fs := flags(e, "user link", "--email E", &cfg)
	email := fs.String("email", "", "the account's email address")
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, logger(e, cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Auth.UserByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("no account with the email %q", *email)
	}
	link, err := a.Auth.CreateLink(cliActor(ctx), u.ID, auth.LinkReset, 24*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "One-time sign-in link for %s (valid 24 h):\n%s/signin/link?token=%s\n", u.Name, cfg.BaseURL, link)
	return nil
}

// runTokenCreate creates an API token. The token alone is the last line, for scripts:
// TOKEN=$(majordome token create --role agent --name paie | tail -n 1).
func runTokenCreate(ctx context.Context, e *env, args []string) error {
	var cfg config.Config
	fs := flags(e, "token create", "--role R --name N", &cfg)
	name := fs.String("name", "", "what the token is for, e.g. \"Synchro SIRH\"")
	role := fs.String("role", "", "admin, agent, manager or employee")
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, logger(e, cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	t, secret, err := a.Auth.CreateToken(cliActor(ctx), *name, auth.Role(*role), 0)
	if err != nil {
		return explain(a, err)
	}
	fmt.Fprintf(e.stdout, "API token %q created with role %s. It is shown only once:\n%s\n", t.Name, t.Role, secret)
	return nil
}
