package slackbot

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"majordome/internal/jobs"
	"majordome/internal/request"
	"majordome/internal/valid"
)

// Files shared with the bot: those of a DM that files a request are attached to the request,
// those of a reply in a request's DM thread to the reply, under the web's rules
// (request.ReadFile: size, kind, count). They are downloaded (with the bot token, files:read)
// by the job that processes the event, before anything is written, so that they land in the
// same transaction as the text: the event's job is the unit of retry, and a run again (after a
// failed download, a crash) finds the request or the reply already recorded under the
// message's origin and attaches nothing twice. A file the desk refuses, or that Slack will not
// give, is left out and its sender told why in the request's thread; the text always lands.

// fileRetryWindow is how long after a message its files' downloads are retried (by running
// the event's job again) when Slack fails in a way that may pass (a 5xx, a 429, the network).
// Past it the file is given up and the text lands without it: the queue's ten attempts take
// over twenty minutes, so the text never waits for the last one.
const fileRetryWindow = 10 * time.Minute

// sharedFiles are the files of a message: those the desk will take, and a line for each left
// out, in the sender's language.
type sharedFiles struct {
	Files   []request.File
	Refused []string
}

// refusedList is the files left out, as one phrase ("" for none).
func (s sharedFiles) refusedList() string { return strings.Join(s.Refused, " ; ") }

// errFileTooLarge stops a download past request.MaxAttachmentSize.
var errFileTooLarge = errors.New("slackbot: file over the size limit")

// errFileGone is a file Slack will not give: deleted, hidden, external, or out of the token's
// reach. Trying again changes nothing.
var errFileGone = errors.New("slackbot: file not available")

// fetchFiles downloads the files of a message sent at sentAt and checks them as the web does.
// A failure that may pass is returned (the event's job runs again) while the message is within
// fileRetryWindow; after, and for any other failure, the file is refused.
func (a *App) fetchFiles(ctx context.Context, lang string, files []slack.File, sentAt time.Time) (sharedFiles, error) {
	var out sharedFiles
	for _, f := range files {
		name := cmp.Or(f.Name, f.Title, f.ID)
		shown := esc(name) // in a mrkdwn note
		if len(out.Files) == request.MaxAttachmentsPerMessage {
			out.Refused = append(out.Refused, a.t(lang, "files.too_many", "name", shown, "max", request.MaxAttachmentsPerMessage))
			continue
		}
		data, f, err := a.download(ctx, f)
		if f.Name != "" && f.Name != name { // files.info told it
			name, shown = f.Name, esc(f.Name)
		}
		if err != nil {
			mayPass := !errors.Is(err, errFileTooLarge) && !errors.Is(err, errFileGone)
			if ctx.Err() != nil || mayPass && a.now().Sub(sentAt) < fileRetryWindow {
				return sharedFiles{}, fmt.Errorf("slackbot: download %s: %w", f.ID, err)
			}
			key := "files.failed"
			if errors.Is(err, errFileTooLarge) {
				key = "files.too_large"
			}
			a.Log.Info("slack: a shared file left out", "file", f.ID, "err", err)
			out.Refused = append(out.Refused, a.t(lang, key, "name", shown, "max", request.MaxAttachmentSize>>20))
			continue
		}
		rf, err := request.ReadFile(name, bytes.NewReader(data))
		var tooLarge *request.TooLargeError
		var verrs valid.Errors
		switch {
		case err == nil:
			out.Files = append(out.Files, rf)
		case errors.As(err, &tooLarge):
			out.Refused = append(out.Refused, a.t(lang, "files.too_large", "name", shown, "max", request.MaxAttachmentSize>>20))
		case errors.As(err, &verrs) && verrs.Has("file") && verrs[0].Code == "attachment_empty":
			out.Refused = append(out.Refused, a.t(lang, "files.empty", "name", shown))
		case errors.As(err, &verrs):
			out.Refused = append(out.Refused, a.t(lang, "files.type", "name", shown))
		default:
			return sharedFiles{}, err
		}
	}
	return out, nil
}

// download returns the bytes of f, and f as known then: its url_private_download (asked of
// files.info when the event does not carry it, as with file_access "check_file_info"), read
// with the bot token, at most request.MaxAttachmentSize bytes.
func (a *App) download(ctx context.Context, f slack.File) ([]byte, slack.File, error) {
	if f.Size > request.MaxAttachmentSize {
		return nil, f, errFileTooLarge
	}
	set, err := a.settings(ctx)
	if err != nil {
		return nil, f, err
	}
	if f.URLPrivateDownload == "" && f.ID != "" && !f.IsExternal {
		var info struct {
			File slack.File `json:"file"`
		}
		if err := a.api(ctx, set.BotToken, "files.info", map[string]any{"file": f.ID}, &info); err != nil {
			if permanent(err) {
				return nil, f, fmt.Errorf("%w: %w", errFileGone, err)
			}
			return nil, f, err
		}
		if f = info.File; f.Size > request.MaxAttachmentSize {
			return nil, f, errFileTooLarge
		}
	}
	if f.URLPrivateDownload == "" || f.IsExternal || f.Mode == "tombstone" || f.Mode == "hidden_by_limit" {
		return nil, f, errFileGone
	}
	// slack-go sends the token only to Slack's own hosts and to the API URL's: never to a URL
	// an event could point elsewhere.
	api := slack.New(set.BotToken, slack.OptionAPIURL(a.Config.Slack.APIURL), slack.OptionHTTPClient(a.http))
	buf := &cappedBuffer{max: request.MaxAttachmentSize}
	err = api.GetFileContext(ctx, f.URLPrivateDownload, buf)
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	var ne net.Error
	var ue *url.Error
	switch {
	case err == nil:
		return buf.Bytes(), f, nil
	case errors.Is(err, errFileTooLarge), ctx.Err() != nil:
		return nil, f, err
	case errors.As(err, &rl):
		return nil, f, jobs.RetryAfter(rl.RetryAfter, err)
	case errors.As(err, &sc):
		if sc.Code >= 500 || sc.Code == 429 || sc.Code == 408 {
			return nil, f, err
		}
		return nil, f, fmt.Errorf("%w: HTTP %d", errFileGone, sc.Code)
	case errors.As(err, &ne), errors.As(err, &ue), errors.Is(err, io.ErrUnexpectedEOF):
		return nil, f, err // the network: it may pass
	}
	// A URL slack-go will not send the token to, a sign-in page instead of the file.
	return nil, f, fmt.Errorf("%w: %w", errFileGone, err)
}

// cappedBuffer keeps what is written up to max bytes, and refuses more.
type cappedBuffer struct {
	bytes.Buffer
	max int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		return 0, errFileTooLarge
	}
	return b.Buffer.Write(p)
}

// tellNothingSent tells user that their message ts in channel, files without text, sent
// nothing: every file was left out. It is posted through the outbox under a ref of that message,
// so the event's job run again (after a crash) posts it once. threadRef is the thread to answer
// in ("" for the DM itself).
func (a *App) tellNothingSent(ctx context.Context, who actor, user, channel, ts, threadRef string, shared sharedFiles) error {
	text := a.t(who.Lang, "files.refused_alone", "files", shared.refusedList())
	return a.DB.Tx(ctx, func(tx *sql.Tx) error {
		return a.post(ctx, tx, Message{Ref: fmt.Sprintf("refused:%s:%s", channel, ts), User: user, ThreadRef: threadRef,
			Text: text, Blocks: textBlocks(text)})
	})
}

// slackTime is the time of a message's ts ("1763370123.000200"), zero when unreadable.
func slackTime(ts string) time.Time {
	sec, _, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}
