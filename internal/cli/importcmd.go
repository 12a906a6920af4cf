package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/schollz/progressbar/v3"

	"majordome/internal/app"
	"majordome/internal/config"
	"majordome/internal/importfile"
	"majordome/internal/valid"
)

// runImportPeople imports a people file, all or nothing, and lists every bad line.
func runImportPeople(ctx context.Context, e *env, args []string) error {
	var cfg config.Config
	fs := flags(e, "import people", "FILE", &cfg)
	dry := fs.Bool("dry-run", false, "check the file and show what would change, without writing")
	lang := fs.String("lang", "en", "language of the messages: fr or en")
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give the CSV or XLSX file to import", config.ErrUsage)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := importfile.ReadPeople(f, fs.Arg(0))
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, logger(e, cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	var progress func(done, total int)
	if f, ok := e.stderr.(*os.File); ok && isTerminal(f) {
		bar := progressbar.NewOptions(len(rows)*2, progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionSetDescription("Importing"), progressbar.OptionClearOnFinish(), progressbar.OptionShowCount())
		progress = func(done, total int) {
			bar.ChangeMax(total)
			bar.Set(done)
		}
	}
	res, err := a.People.Import(cliActor(ctx), rows, !*dry, progress)
	if err != nil {
		return err
	}
	if !res.OK() {
		fmt.Fprintf(e.stderr, "Nothing was imported: %d problem(s) in %s.\n", len(res.Errors), fs.Arg(0))
		for _, re := range res.Errors {
			fmt.Fprintf(e.stderr, "  line %d: %s\n", re.Line, a.I18n.FieldError(*lang, valid.FieldError{Field: re.Field, Code: re.Code, Params: re.Params}))
		}
		return errors.New("the file has errors; fix them and run the import again")
	}
	verb := "Imported"
	if *dry {
		verb = "Dry run, nothing written:"
	}
	fmt.Fprintf(e.stdout, "%s %d new, %d updated, %d unchanged.\n", verb, res.Created, res.Updated, res.Unchanged)
	return nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// explain turns a validation failure into one line per field, in English, for the terminal.
func explain(a *app.App, err error) error {
	var ve valid.Errors
	if !errors.As(err, &ve) {
		return err
	}
	msg := ""
	for i, fe := range ve {
		if i > 0 {
			msg += "; "
		}
		msg += "--" + fe.Field + ": " + a.I18n.FieldError("en", fe)
	}
	return fmt.Errorf("%w: %s", config.ErrUsage, msg)
}
