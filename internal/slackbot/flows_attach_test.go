package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"majordome/internal/auth"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/slackbot/slackfake"
	"majordome/internal/testutil"
)

// Files to share: a photo, a quote, a program the desk refuses, and a scan too large for it.
var (
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 64)...)
	pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
	exeBytes = append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 64)...)
)

// fileJSON is f as a message event lists it, changed by edit.
func fileJSON(t *testing.T, f slack.File, edit func(m map[string]any)) map[string]any {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(m)
	}
	return m
}

// share sends Hélène's DM with text and files, sent at ts, in the thread of threadTS ("" for a
// new message).
func (e *flowsEnv) share(t *testing.T, text, ts, threadTS string, files ...map[string]any) {
	t.Helper()
	e.event(t, "event-message-im.json", func(_, in map[string]any) {
		in["subtype"] = "file_share"
		in["text"] = text
		in["ts"] = ts
		if threadTS != "" {
			in["thread_ts"] = threadTS
		}
		list := make([]any, len(files))
		for i, f := range files {
			list[i] = f
		}
		in["files"] = list
	})
}

// attachments are request n's files, with their bytes.
func (e *flowsEnv) attachments(t *testing.T, n int64) ([]request.Attachment, [][]byte) {
	t.Helper()
	ctx := context.Background()
	admin := request.Viewer{UserID: e.camilleUser.ID, Role: auth.Admin}
	list, err := e.desk.Attachments(ctx, admin, e.request(t, n))
	if err != nil {
		t.Fatal(err)
	}
	var data [][]byte
	for _, a := range list {
		_, b, err := e.desk.Attachment(ctx, admin, n, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, b)
	}
	return list, data
}

// waitNote waits for the bot's note in the DM thread of parent that contains want, and checks
// that it came once.
func (e *flowsEnv) waitNote(t *testing.T, parent slackfake.Message, want string) slackfake.Message {
	t.Helper()
	eventually(t, "a note with "+want, func() bool { return len(e.threadNotes(parent, want)) > 0 })
	e.settle(t)
	notes := e.threadNotes(parent, want)
	if len(notes) != 1 {
		t.Fatalf("%d notes with %q, want 1: %+v", len(notes), want, notes)
	}
	return notes[0]
}

// threadNotes are the bot's messages in the DM thread of parent that contain want.
func (e *flowsEnv) threadNotes(parent slackfake.Message, want string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range e.fake.Messages() {
		if m.Channel == parent.Channel && m.ThreadTS == parent.TS && strings.Contains(m.Text, want) {
			out = append(out, m)
		}
	}
	return out
}

// A file shared in a DM to the bot is attached to the request it files, once however often the
// message is processed; a file alone files a request named after it; a file too large is left
// out (not even downloaded), the text lands and the thread says why.
func TestFlowsFilesInDM(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		photo := e.fake.AddFile(slackfake.File{ID: "F0PHOTO001", Name: "fuite.png", Mimetype: "image/png", Data: pngBytes})
		e.share(t, "Fuite sous l'évier de la cuisine", "1763370200.000100", "", fileJSON(t, photo, nil))
		e.settle(t)
		n := e.latest(t)
		if r := e.request(t, n); r.Title != "Fuite sous l'évier de la cuisine" || r.RequesterID != e.helene.ID {
			t.Fatalf("request from the DM with a photo: %+v", r)
		}
		list, data := e.attachments(t, n)
		if len(list) != 1 || list[0].Filename != "fuite.png" || list[0].MessageID != 0 || list[0].ContentType != "image/png" ||
			!bytes.Equal(data[0], pngBytes) || list[0].UploaderPersonID != e.helene.ID {
			t.Fatalf("attachments of #%d: %+v", n, list)
		}
		if dl := e.fake.Calls(slackfake.DownloadMethod); len(dl) != 1 || dl[0].Token != testBotToken || dl[0].Params["file"] != "F0PHOTO001" {
			t.Fatalf("downloads: %+v", dl)
		}

		// The same message processed again (another delivery): nothing more.
		e.share(t, "Fuite sous l'évier de la cuisine", "1763370200.000100", "", fileJSON(t, photo, nil))
		e.settle(t)
		if got := e.latest(t); got != n {
			t.Fatalf("the same DM filed #%d too", got)
		}
		if list, _ := e.attachments(t, n); len(list) != 1 {
			t.Fatalf("the same DM attached %d files", len(list))
		}

		// A file alone.
		quote := e.fake.AddFile(slackfake.File{ID: "F0DEVIS001", Name: "devis.pdf", Mimetype: "application/pdf", Data: pdfBytes})
		e.share(t, "", "1763370300.000100", "", fileJSON(t, quote, nil))
		e.settle(t)
		if e.latest(t) != n+1 || e.request(t, n+1).Title != "Fichier : devis.pdf" {
			t.Fatalf("a file alone filed #%d %+v", e.latest(t), e.request(t, e.latest(t)))
		}
		if list, data := e.attachments(t, n+1); len(list) != 1 || !bytes.Equal(data[0], pdfBytes) {
			t.Fatalf("attachments of the file alone: %+v", list)
		}

		// A scan too large: the request keeps its text and the photo, and the thread says why.
		big := e.fake.AddFile(slackfake.File{ID: "F0SCAN0001", Name: "scan.pdf", Mimetype: "application/pdf",
			Data: append(append([]byte{}, pdfBytes...), make([]byte, request.MaxAttachmentSize)...)})
		photo2 := e.fake.AddFile(slackfake.File{ID: "F0PHOTO002", Name: "compteur.png", Mimetype: "image/png", Data: pngBytes})
		e.share(t, "Relevé du compteur d'eau", "1763370400.000100", "", fileJSON(t, big, nil), fileJSON(t, photo2, nil))
		e.settle(t)
		if e.latest(t) != n+2 || e.request(t, n+2).Title != "Relevé du compteur d'eau" {
			t.Fatalf("the DM with a file too large filed #%d", e.latest(t))
		}
		if list, _ := e.attachments(t, n+2); len(list) != 1 || list[0].Filename != "compteur.png" {
			t.Fatalf("attachments with a file too large: %+v", list)
		}
		for _, c := range e.fake.Calls(slackfake.DownloadMethod) {
			if c.Params["file"] == "F0SCAN0001" {
				t.Fatal("a file Slack says is too large was downloaded")
			}
		}
		parent := e.waitMessage(t, dmRef(n+2), nil)
		if note := e.waitNote(t, parent, "scan.pdf (plus de 10 Mo)"); !strings.Contains(note.Text, fmt.Sprintf("https://majordome.exemple.fr/portal/%d", n+2)) {
			t.Fatalf("the thread's note: %+v", note)
		}
	})
}

// Files shared in a request's DM thread are attached to the reply; files.info gives the URL an
// event leaves out; the same reply twice is one; a refused file is told in the thread while the
// text lands, and a file alone refused lands nothing; a download that fails is tried again while
// the message is recent, and given up (the text landing) when it is not.
func TestFlowsFilesInThread(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newFlowsEnv(t, d)
		ctx := context.Background()
		e.event(t, "event-message-im.json", nil)
		e.settle(t)
		n := e.latest(t)
		parent := e.waitMessage(t, dmRef(n), nil)
		conversation := func() []request.Message {
			t.Helper()
			conv, err := e.desk.Conversation(ctx, request.Viewer{Role: auth.Admin}, e.request(t, n))
			if err != nil {
				t.Fatal(err)
			}
			return conv
		}
		before := len(conversation())

		quote := e.fake.AddFile(slackfake.File{ID: "F0DEVIS001", Name: "devis.pdf", Mimetype: "application/pdf", Data: pdfBytes})
		onlyID := map[string]any{"id": quote.ID, "mode": "hosted", "file_access": "check_file_info"}
		e.share(t, "Voici le devis du réparateur", "1763379000.000100", parent.TS, onlyID)
		e.settle(t)
		conv := conversation()
		last := conv[len(conv)-1]
		if len(conv) != before+1 || last.Body != "Voici le devis du réparateur" || last.AuthorPersonID != e.helene.ID {
			t.Fatalf("the reply with a file: %+v", conv)
		}
		if c := e.calls("files.info", "file", quote.ID); len(c) != 1 {
			t.Fatalf("files.info calls: %+v", c)
		}
		list, data := e.attachments(t, n)
		if len(list) != 1 || list[0].MessageID != last.ID || list[0].Filename != "devis.pdf" || !bytes.Equal(data[0], pdfBytes) {
			t.Fatalf("attachments after the reply: %+v (reply %d)", list, last.ID)
		}

		// The same reply processed again: one reply, one file.
		e.share(t, "Voici le devis du réparateur", "1763379000.000100", parent.TS, onlyID)
		e.settle(t)
		if got := len(conversation()); got != before+1 {
			t.Fatalf("the same reply twice made %d messages, want %d", got, before+1)
		}
		if list, _ := e.attachments(t, n); len(list) != 1 {
			t.Fatalf("the same reply twice attached %d files", len(list))
		}

		// A program and a scan larger than Slack said: the text lands, the thread says why.
		prog := e.fake.AddFile(slackfake.File{ID: "F0PROG0001", Name: "outil.exe", Mimetype: "application/octet-stream", Data: exeBytes})
		big := e.fake.AddFile(slackfake.File{ID: "F0SCAN0001", Name: "scan.pdf", Mimetype: "application/pdf",
			Data: append(append([]byte{}, pdfBytes...), make([]byte, request.MaxAttachmentSize)...)})
		e.share(t, "Et la facture", "1763379100.000100", parent.TS, fileJSON(t, prog, nil),
			fileJSON(t, big, func(m map[string]any) { m["size"] = 2048 }))
		e.settle(t)
		if conv := conversation(); len(conv) != before+2 || conv[len(conv)-1].Body != "Et la facture" {
			t.Fatalf("the reply with refused files: %+v", conv)
		}
		if list, _ := e.attachments(t, n); len(list) != 1 {
			t.Fatalf("refused files attached: %+v", list)
		}
		e.waitNote(t, parent, "outil.exe (ce type de fichier n'est pas accepté) ; scan.pdf (plus de 10 Mo)")

		// A refused file alone: nothing lands, the thread says so.
		e.share(t, "", "1763379200.000100", parent.TS, fileJSON(t, prog, nil))
		e.settle(t)
		if got := len(conversation()); got != before+2 {
			t.Fatalf("a refused file alone made a reply (%d messages)", got)
		}
		e.waitNote(t, parent, "rien n'a été transmis")

		// Slack fails the download once, for a message just sent: the event is tried again, and
		// the photo lands with its reply, once.
		photo := e.fake.AddFile(slackfake.File{ID: "F0PHOTO001", Name: "fuite.png", Mimetype: "image/png", Data: pngBytes})
		e.fake.Fail(slackfake.DownloadMethod, 1, 503, 0)
		e.share(t, "La photo", fmt.Sprintf("%d.000100", time.Now().Unix()), parent.TS, fileJSON(t, photo, nil))
		eventually(t, "the reply after a failed download", func() bool { return len(conversation()) == before+3 })
		e.settle(t)
		conv = conversation()
		if len(conv) != before+3 || conv[len(conv)-1].Body != "La photo" {
			t.Fatalf("the reply after a failed download: %+v", conv)
		}
		if list, _ := e.attachments(t, n); len(list) != 2 || list[1].Filename != "fuite.png" || list[1].MessageID != conv[len(conv)-1].ID {
			t.Fatalf("attachments after a failed download: %+v", list)
		}
		if got := len(e.calls(slackfake.DownloadMethod, "file", photo.ID)); got != 2 {
			t.Fatalf("%d downloads of the photo, want 2 (a failure, then the file)", got)
		}

		// Slack keeps failing for an old message: the text lands without the file, and says so.
		e.fake.Fail(slackfake.DownloadMethod, -1, 503, 0)
		e.share(t, "Encore une photo", "1763379300.000100", parent.TS, fileJSON(t, photo, nil))
		e.settle(t)
		e.fake.Heal("")
		if conv := conversation(); len(conv) != before+4 || conv[len(conv)-1].Body != "Encore une photo" {
			t.Fatalf("the reply whose file could not be fetched: %+v", conv)
		}
		e.waitNote(t, parent, "fuite.png (je n'ai pas réussi à le récupérer depuis Slack)")
	})
}
