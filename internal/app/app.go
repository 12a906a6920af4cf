// Package app wires Majordome together: it opens the database, builds the domain services and
// the HTTP surfaces on top of them, and starts and stops the long-running parts in order.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"majordome/internal/announce"
	"majordome/internal/api"
	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/checklist"
	"majordome/internal/config"
	"majordome/internal/db"
	"majordome/internal/httpx"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/mailin"
	"majordome/internal/mailout"
	"majordome/internal/notify"
	"majordome/internal/pack"
	"majordome/internal/people"
	"majordome/internal/report"
	"majordome/internal/request"
	"majordome/internal/search"
	"majordome/internal/settings"
	"majordome/internal/slackbot"
	"majordome/internal/upload"
	"majordome/internal/web"
)

// App is a running Majordome: its database, services and HTTP handler.
type App struct {
	Config     config.Config
	Log        *slog.Logger
	DB         *db.DB
	Audit      *audit.Log
	Auth       *auth.Service
	People     *people.Directory
	Requests   *request.Desk
	Checklists *checklist.Service
	Articles   *article.Service
	Packs      *pack.Service
	Announce   *announce.Service
	Reports    *report.Service
	Jobs       *jobs.Queue
	Notify     *notify.Service
	Mail       *mailout.Service // outgoing email; its channel and observers act while email is set up
	MailIn     *mailin.Service  // incoming email: the polled mailbox and the built-in SMTP listener
	Search     *search.Index
	Settings   *settings.Store
	Slack      *slackbot.App // the Slack app; it declines what reaches it while no bot token is set
	Upload     *upload.Service
	I18n       *i18n.Catalog
	Handler    http.Handler

	server *http.Server
}

// Open connects to the database, applies pending migrations and builds the services. It does
// not listen yet.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	a, err := build(ctx, cfg, log, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

func build(ctx context.Context, cfg config.Config, log *slog.Logger, d *db.DB) (*App, error) {
	if _, err := d.Migrate(ctx, log); err != nil {
		return nil, err
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, DB: d, I18n: cat}
	a.Audit = audit.New(d)
	a.Auth = auth.New(d, a.Audit)
	a.People = people.New(d, a.Audit)
	a.Settings = settings.New(d, a.Audit)
	a.Search = search.New(d)
	a.Requests = request.New(d, a.Audit).WithSearch(a.Search)
	a.Reports = report.New(d)
	a.Upload = upload.New(d)
	// Most jobs wait on the network (Slack, the mail relay) or pace themselves to a rate limit:
	// enough workers that a long fan-out or a Retry-After wait never delays the rest, such as a
	// Slack modal that must open within 3 seconds of its click.
	a.Jobs = jobs.New(d, log, jobs.Options{Workers: 6})
	a.Notify = notify.New(d, a.Jobs, cat, log)
	a.Notify.RegisterJobs()
	a.Requests.WithNotify(a.Notify)
	a.Requests.RegisterSLAChecks(a.Jobs)
	a.Requests.RegisterReminders(a.Jobs, cat)
	a.Mail = mailout.New(d, a.Jobs, cat, log).Setup(mailout.Options{Env: cfg.Mail, BaseURL: cfg.BaseURL,
		Audit: a.Audit, Desk: a.Requests, People: a.People})
	a.Mail.RegisterJobs()
	// Email is wired whether or not it is set up: the channel and the observers read the
	// settings on each use and act only while an address and a relay are set (the environment
	// or the settings page), so saving the page turns email on at once, on every instance.
	a.Notify.AddChannel(a.Mail.Channel())
	a.Requests.Observe(a.Mail.Observe)
	a.Requests.Observe(a.Mail.ObserveAck) // "Votre demande est enregistrée", with the bible's guides
	a.MailIn = mailin.New(mailin.Deps{DB: d, Log: log, Jobs: a.Jobs, Desk: a.Requests, People: a.People, Auth: a.Auth,
		Notify: a.Notify, Audit: a.Audit, I18n: cat, Thread: a.Mail, Mail: func(ctx context.Context) (config.Mail, error) {
			st, err := a.Mail.Settings(ctx)
			return st.Mail, err
		}, Replier: a.Mail})
	a.MailIn.Observe()
	a.MailIn.RegisterJobs()
	a.MailIn.RegisterPoll()
	a.Checklists = checklist.New(checklist.Deps{DB: d, Audit: a.Audit, People: a.People, Jobs: a.Jobs,
		Notify: a.Notify, Hours: checklist.HoursOf(a.Requests.SiteHoursOf)})
	a.Checklists.RegisterJobs(a.Jobs)
	a.Articles = article.New(d, a.Audit).WithSearch(a.Search).WithNotify(a.Notify)
	a.Articles.RegisterStaleCheck(a.Jobs)
	a.Mail.EnableAcknowledgements(a.Articles)
	a.Packs = pack.New(d, a.Articles, a.Checklists, a.Audit)
	// Slack likewise: built always, it reads its settings on each call and declines while no
	// bot token is set (its endpoints answer 503, its channel and observer skip).
	a.Slack = slackbot.New(slackbot.Deps{Config: cfg, Log: log, DB: d, Jobs: a.Jobs, Audit: a.Audit, Auth: a.Auth,
		People: a.People, Desk: a.Requests, Notify: a.Notify, I18n: cat, Articles: a.Articles})
	a.Notify.AddChannel(a.Slack.Channel())
	slackStore := a.Slack.Store()
	a.Announce = announce.New(announce.Deps{DB: d, Log: log, Audit: a.Audit, People: a.People, Jobs: a.Jobs})
	a.Announce.RegisterJobs()
	// The announcements' email and Slack DMs, channel posts and "J'ai lu" button: each says
	// whether it is set up (Ready) when an announcement chooses it.
	ma := a.Mail.Announcer(a.Announce)
	if r := cfg.AnnounceEmailRate; r.N > 0 {
		ma.SetRate(announce.Rate{N: r.N, Per: r.Per})
	}
	a.Announce.AddDeliverer(ma)
	sl := a.Slack.Announcer(a.Announce)
	if r := cfg.AnnounceSlackRate; r.N > 0 {
		sl.SetInterval(r.Per / time.Duration(r.N))
	}
	a.Announce.AddDeliverer(sl)
	a.Announce.SetChannelPoster(sl)
	for _, q := range []*db.Queries{a.Announce.Queries(), a.Audit.Queries(), a.Auth.Queries(), a.People.Queries(), a.Settings.Queries(), a.Requests.Queries(), a.Upload.Queries(), a.Jobs.Queries(), a.Search.Queries(), a.Reports.Queries(), a.Notify.Queries(), a.Mail.Queries(), a.MailIn.Queries(), a.Articles.Queries(), a.Checklists.Queries(), a.Packs.Queries(), slackStore.Queries()} {
		if err := q.Check(ctx, d); err != nil {
			return nil, err
		}
	}
	if err := a.Requests.EnsureDefaultCategories(ctx); err != nil {
		return nil, err
	}
	if err := a.Requests.EnsureDefaultRules(ctx); err != nil {
		return nil, err
	}
	if _, err := a.Articles.IndexMissing(ctx); err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := httpx.NewMetrics(reg)
	registerJobMetrics(reg, a.Jobs, log)

	webHandler, err := web.New(web.Deps{Config: cfg, Log: log, DB: d, Auth: a.Auth, People: a.People,
		Audit: a.Audit, Settings: a.Settings, I18n: cat, Upload: a.Upload, Requests: a.Requests,
		Reports: a.Reports, Notify: a.Notify, Mail: a.Mail, MailIn: a.MailIn, Checklists: a.Checklists, Articles: a.Articles,
		Packs: a.Packs, Slack: slackStore, Announce: a.Announce})
	if err != nil {
		return nil, err
	}
	apiHandler := api.New(api.Deps{Config: cfg, Log: log, Auth: a.Auth, People: a.People, Audit: a.Audit, I18n: cat,
		Requests: a.Requests, Checklists: a.Checklists, Articles: a.Articles, Announce: a.Announce,
		Notify: a.Notify, Settings: a.Settings})

	mux := http.NewServeMux()
	mux.Handle("/api/", apiHandler)
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("POST /slack/", a.Slack.Handler()) // Slack's signature is its authentication: no session, no CSRF
	mux.Handle("/", webHandler)
	a.Handler = httpx.Observe(log, metrics, mux)
	return a, nil
}

// healthz answers 200 when the database answers, 503 otherwise, for load balancers.
func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.DB.Ping(ctx); err != nil {
		a.Log.Error("health check failed", "err", err)
		httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": string(a.DB.Dialect)})
}

// Listen opens the listening socket, so the caller can print the URL before serving.
func (a *App) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return nil, fmt.Errorf("app: listen on %s: %w", a.Config.Addr, err)
	}
	return ln, nil
}

// Serve answers HTTP on ln and runs the background work until ctx ends, then shuts down
// gracefully: in-flight requests get up to 20 seconds to finish.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	a.server = &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // imports upload files
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	// Background work stops when shutdown begins, alongside the HTTP drain rather than after it,
	// so both fit in a usual 30 s kill grace; jobs enqueued meanwhile wait safely in their table.
	bg, stopBG := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		a.runMaintenance(bg)
	}()
	if err := a.Requests.StartSLAChecks(ctx, a.Jobs); err != nil {
		a.Log.Warn("sla checks not scheduled", "err", err)
	}
	if err := a.Requests.StartReminders(ctx, a.Jobs); err != nil {
		a.Log.Warn("reminders not scheduled", "err", err)
	}
	if err := a.Notify.StartDigests(ctx); err != nil {
		a.Log.Warn("digests not scheduled", "err", err)
	}
	if err := a.Checklists.StartJobs(ctx, a.Jobs); err != nil {
		a.Log.Warn("checklist jobs not scheduled", "err", err)
	}
	if err := a.Articles.StartStaleCheck(ctx, a.Jobs); err != nil {
		a.Log.Warn("stale article check not scheduled", "err", err)
	}
	if err := a.Slack.Start(ctx); err != nil {
		a.Log.Warn("slack jobs not scheduled", "err", err)
	}
	if err := a.MailIn.StartPoll(ctx); err != nil { // each poll reads the mailbox's settings
		a.Log.Warn("mailbox polling not scheduled", "err", err)
	}
	// Socket Mode and the SMTP listener follow their settings: each supervisor connects or
	// listens once they are set, and moves or stops when they change.
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := a.Slack.RunSocket(bg); err != nil {
			a.Log.Warn("slack socket mode stopped", "err", err)
		}
	}()
	go func() {
		defer wg.Done()
		if err := a.MailIn.RunSMTP(bg); err != nil {
			a.Log.Warn("smtp listener stopped", "err", err)
		}
	}()
	go func() {
		defer wg.Done()
		if err := a.Jobs.Run(bg); err != nil {
			a.Log.Warn("job queue stopped", "err", err)
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(ln) }()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		a.Log.Info("shutting down: finishing in-flight requests")
		stopBG()
		sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err = a.server.Shutdown(sctx)
		cancel()
	}
	stopBG()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// runMaintenance deletes expired sessions, links, sign-in attempts and staged uploads every
// hour. Every instance may run it: the deletes are idempotent.
func (a *App) runMaintenance(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := a.Auth.Cleanup(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("maintenance", "err", err)
		}
		if err := a.Upload.Cleanup(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("maintenance", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// registerJobMetrics exports the job queue's pending, running and dead counts.
func registerJobMetrics(reg prometheus.Registerer, q *jobs.Queue, log *slog.Logger) {
	stat := func(pick func(jobs.Stats) int) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			s, err := q.Stats(ctx)
			if err != nil {
				log.Warn("job stats", "err", err)
				return 0
			}
			return float64(pick(s))
		}
	}
	for state, pick := range map[string]func(jobs.Stats) int{
		"pending": func(s jobs.Stats) int { return s.Pending },
		"running": func(s jobs.Stats) int { return s.Running },
		"dead":    func(s jobs.Stats) int { return s.Dead },
	} {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "majordome_jobs",
			Help: "Jobs in the durable queue, by state.", ConstLabels: prometheus.Labels{"state": state}}, stat(pick)))
	}
}
