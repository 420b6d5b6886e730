"""`python -m understanding export | warm | eval [-v] | heldout [ROUND] [SHEET.yml]`: write MiniLM's
ONNX graph, fill the vector cache (both in make setup), score the router on the frozen development
set (make faq-eval), or on a held-out set (tests/faq/heldout/ROUND.yml, the newest by default;
writing the questions' judge sheet to SHEET.yml)."""

import sys
import time


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "eval"
    from understanding.build import build, cache_file, model_file

    if command == "export":
        from understanding.onnx_graph import export

        path = export(model_file())
        print(f"MiniLM graph: {path} ({path.stat().st_size / 1e6:.0f} MB)")
        return 0

    started = time.monotonic()
    if command == "warm":  # thousands of phrasings at once: every core helps
        import os

        from understanding.build import default_encoder

        router = build(default_encoder(threads=os.cpu_count() or 1), cache_file=cache_file())
    else:
        router = build(cache_file=cache_file())
    if command == "warm":
        router.encoder.save(prune=True)  # phrasings that left the index go
        print(f"understanding index: {len(router.owner)} phrasings, {len(router.candidates)} "
              f"candidates, {time.monotonic() - started:.1f} s ({cache_file()}, MiniLM in "
              f"{router.encoder.encoder.runtime})")
        return 0
    if command == "eval":
        from understanding.gate import report

        return report(router, verbose="-v" in argv)
    if command == "heldout":
        from pathlib import Path

        from understanding.heldout import HELD_OUT, evaluate

        args = argv[1:]
        held_out = HELD_OUT.with_name(f"{args.pop(0)}.yml") if args and not args[0].endswith(".yml") else HELD_OUT
        for key, value in evaluate(router, held_out, sheet=Path(args[0]) if args else None).items():
            print(f"held-out {key}: {value}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
