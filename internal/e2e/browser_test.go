package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"majordome/internal/testenv"
)

// browserTimeout bounds one browser test, the server's start included; they take a few seconds.
const browserTimeout = 60 * time.Second

// chromium is the one browser the package's tests share: starting Chromium costs one to three
// seconds, a new browser context (its own cookies and storage, like an incognito window) a
// fraction of one.
var chromium struct {
	mu      sync.Mutex
	ctx     context.Context // the browser's chromedp context
	cancel  func()
	dataDir string
}

func TestMain(m *testing.M) {
	code := m.Run()
	chromium.mu.Lock()
	if chromium.cancel != nil {
		chromium.cancel() // ends Chromium and waits for it to exit
		os.RemoveAll(chromium.dataDir)
	}
	chromium.mu.Unlock()
	os.Exit(code)
}

// sharedChromium starts the Chromium binary bin on first use.
func sharedChromium(bin string) (context.Context, error) {
	chromium.mu.Lock()
	defer chromium.mu.Unlock()
	if chromium.ctx != nil {
		return chromium.ctx, nil
	}
	dir, err := os.MkdirTemp("", "majordome-chromium-")
	if err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], // headless, no-first-run, disable-sync, disable-background-networking…
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // CI runs as root in a container, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 800),
		// A browser set up like Camille's, so pages shown before sign-in are in French whatever
		// the machine's locale.
		chromedp.Flag("lang", "fr-FR"),
		chromedp.Flag("accept-lang", "fr-FR,fr"),
	)
	// The browser lives until TestMain ends it, not as long as the first test that needs it.
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(dir)
		return nil, err
	}
	chromium.ctx, chromium.dataDir = bctx, dir
	chromium.cancel = func() { cancelBrowser(); cancelAlloc() }
	return bctx, nil
}

// newTab returns a chromedp context for one test: a tab in a fresh browser context of the shared
// Chromium, that ends with the test or after browserTimeout. An exception a page throws and
// does not catch fails the test: the pages' scripts must not break in a real browser.
func newTab(t *testing.T) context.Context {
	t.Helper()
	bin := testenv.Chromium(t)
	bctx, err := sharedChromium(bin)
	if err != nil {
		t.Fatalf("start Chromium %s: %v", bin, err)
	}
	var mu sync.Mutex
	var thrown []string
	tab, closeTab := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext(),
		chromedp.WithListener(func(ev any) {
			if e, ok := ev.(*runtime.EventExceptionThrown); ok && e.ExceptionDetails != nil {
				mu.Lock()
				thrown = append(thrown, exceptionText(e.ExceptionDetails))
				mu.Unlock()
			}
		}))
	// The first Do opens the tab; it has no deadline, or the deadline would close the tab.
	if err := chromedp.Do(tab); err != nil {
		closeTab()
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, browserTimeout)
	t.Cleanup(func() {
		cancel()
		closeTab()
		mu.Lock()
		defer mu.Unlock()
		for _, e := range thrown {
			t.Errorf("uncaught exception in the page: %s", e)
		}
	})
	return ctx
}

func exceptionText(d *runtime.ExceptionDetails) string {
	s := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		s += " " + d.Exception.Description
	}
	return s + fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
}

// do runs browser steps and fails the test with what went wrong and where the page was.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		// Where the tab got to says most about what failed; ask even if the test's time is up,
		// but briefly, in case the browser itself is stuck.
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		loc, _ := chromedp.Run(lctx, chromedp.Location())
		t.Fatalf("browser: %v (page: %s)", err, loc)
	}
}

// get runs one browser action that returns a value.
func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

// pageText is what the reader sees of the page.
func pageText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return get(t, ctx, chromedp.Evaluate[string](`document.body.innerText`))
}

// path is the path of the page the tab shows.
func path(t *testing.T, ctx context.Context) string {
	t.Helper()
	return get(t, ctx, chromedp.Evaluate[string](`location.pathname`))
}

// welcome opens the first-start link the instance printed and fills the welcome form, as the
// Office Manager does on day one; it returns on the home page.
func welcome(t *testing.T, ctx context.Context, in *instance, name, email, company string) {
	t.Helper()
	link := signInLink(in.stdout.String())
	if link == "" {
		t.Fatalf("no sign-in link printed:\n%s", in.stdout.String())
	}
	do(t, ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/welcome"]`)),
	)
	if p := path(t, ctx); p != "/welcome" {
		t.Fatalf("the link led to %s, want /welcome", p)
	}
	do(t, ctx,
		// SetValue replaces what the form comes filled with (the placeholder account's name, the
		// default company) in one call each; typing key by key took a second and a half.
		chromedp.SetValue(chromedp.ID("f-name"), name),
		chromedp.SetValue(chromedp.ID("f-email"), email),
		chromedp.SetValue(chromedp.ID("f-password"), "le café du Sentier est bon"),
		chromedp.SetValue(chromedp.ID("f-company"), company),
		chromedp.Click(chromedp.CSS(`form[action="/welcome"] button[type="submit"]`)),
		// The topbar title exists on the home page, not on the welcome page.
		chromedp.WaitVisible(chromedp.CSS(`.topbar h1`)),
	)
}

// screenshot saves the tab, at 1280×800, as docs/screenshots/name.png for the README, when
// MAJORDOME_SCREENSHOTS=1; other runs leave the files alone.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("MAJORDOME_SCREENSHOTS") != "1" {
		return
	}
	png := get(t, ctx, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		if _, err := chromedp.EmulateViewport(1280, 800)(ctx, tg); err != nil {
			return nil, err
		}
		return chromedp.CaptureScreenshot()(ctx, tg)
	})
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot written to %s", strings.TrimPrefix(file, "../../"))
}
