"""``annolake pull SERVER DATASET@REF --out DIR``: the command line of the client."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from annolake_client._version import __version__
from annolake_client.errors import AnnolakeError, ServerError
from annolake_client.manifest import FORMATS, SPLITS
from annolake_client.pull import pull
from annolake_client.transport import NETWORK_ERRORS

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annolake", description="Pull versions of Annolake datasets for training jobs."
    )
    parser.add_argument("--version", action="version", version=f"annolake-client {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser(
        "pull",
        help="download a version into a folder (parallel, resumable, verified)",
        description="Download DATASET@REF into --out, verify every file's sha256, and write "
        "the commit id to OUT/COMMIT and OUT/annolake-version.json. Re-run the same "
        "command to resume an interrupted pull.",
    )
    p.add_argument("server", help="the Annolake server, e.g. https://annolake.example.com")
    p.add_argument("version", metavar="DATASET@REF", help="REF: a tag, a commit id or a branch")
    p.add_argument(
        "--format", choices=FORMATS, help="an export format (default: the canonical layout)"
    )
    p.add_argument("--split", choices=SPLITS)
    p.add_argument("--include-media", action="store_true", help="add the images (zip formats)")
    p.add_argument("--out", required=True, help="the folder to fill (created if missing)")
    p.add_argument("--token", help="a dataset read token (alk_...) or an API token; "
                   "default: $ANNOLAKE_TOKEN")  # fmt: skip
    p.add_argument(
        "--token-scheme",
        choices=["Bearer", "Token"],
        help="the Authorization scheme (default: Bearer for alk_ tokens, else Token)",
    )
    p.add_argument("--jobs", type=int, default=8, help="parallel downloads (default 8)")
    p.add_argument(
        "--progress", action="store_true", help="show the progress bar even if not on a terminal"
    )
    p.add_argument(
        "--force", action="store_true", help="overwrite a folder that holds another version"
    )
    return parser


def _split_version(value: str) -> tuple[str, str]:
    dataset, at, ref = value.rpartition("@")
    if not at or not dataset or not ref:
        raise AnnolakeError(f"name a version as DATASET@REF (e.g. reviews@v3), got {value!r}")
    return dataset, ref


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        dataset, ref = _split_version(args.version)
        show = sys.stderr.isatty() or args.progress
        result = pull(
            args.server,
            dataset,
            ref,
            format=args.format,
            out=args.out,
            token=args.token or os.environ.get("ANNOLAKE_TOKEN"),
            split=args.split,
            include_media=args.include_media,
            jobs=args.jobs,
            progress=show,
            force=args.force,
            token_scheme=args.token_scheme,
        )
    except KeyboardInterrupt:
        print("annolake: interrupted; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ServerError as exc:
        print(f"annolake: error: {exc}{_hint(exc, args)}", file=sys.stderr)
        return EXIT_ERROR
    except AnnolakeError as exc:
        print(f"annolake: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except NETWORK_ERRORS as exc:
        print(f"annolake: error: cannot reach {args.server}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"annolake: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if not show:
        print(result.summary, file=sys.stderr)
    return 0


def _hint(exc: ServerError, args: argparse.Namespace) -> str:
    token = args.token or os.environ.get("ANNOLAKE_TOKEN")
    if exc.status == 401:
        return " (check --token / $ANNOLAKE_TOKEN: it may be wrong, expired or revoked)"
    if exc.status in {403, 404} and token and token.startswith("alk_"):
        return f" (a read token opens one dataset only: is this token for {args.version}?)"
    return ""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
