from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from intake import checkworthiness


class Command(BaseCommand):
    help = (
        "Score a transcript in the CLEF CheckThat! format (line_number<TAB>speaker<TAB>text[<TAB>label], one "
        "sentence a line) for check-worthiness, and write line_number<TAB>score, one line per sentence: the "
        "format the lab's scorer reads."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", help="the transcript (.tsv)")
        parser.add_argument("--output", "-o", help="write the scores here instead of to standard output")

    def handle(self, *args, path, output=None, **options):
        rows = _read(Path(path))
        model = checkworthiness.model()
        lines = [f"{number}\t{model.score(text):.6f}" for number, text in rows]
        result = "\n".join(lines) + ("\n" if lines else "")
        if output:
            Path(output).write_text(result, encoding="utf-8")
        else:
            self.stdout.write(result, ending="")


def _read(path):
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from None
    rows = []
    for n, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) not in (3, 4) or not fields[0].strip().isdigit():
            raise CommandError(
                f"{path}, line {n}: expected line_number<TAB>speaker<TAB>text[<TAB>label], got {line[:80]!r}."
            )
        rows.append((int(fields[0]), fields[2]))
    return rows
