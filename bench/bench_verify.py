"""Time `register verify` on a 5,000-row register (the goal: under 5 s).

    python bench/bench_verify.py                      # SQLite in a temporary folder
    python bench/bench_verify.py --url postgresql://… # a PostgreSQL database or schema (its tables must not exist)

Fills the register with `--rows` issued letters (a 30 KB file each and a 3 KB context, like a real letter:
the chain hashes the whole row), some withdrawn and sent, then times `Register.verify` (recompute the
chain, compare every row, check numbers, re-hash every file, look for strays and leftovers) `--runs` times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from congvan.files import sha256_bytes
from congvan.register.records import NewDocument
from congvan.register.store import Register

DAY = dt.date(2026, 11, 23)


def fill(register: Register, output: Path, rows: int) -> None:
    """Issue `rows` letters into the register, with their files under `output/2026/`."""
    folder = output / "2026"
    folder.mkdir(parents=True, exist_ok=True)
    context = json.dumps({"trich_yeu": "khắc phục hạn chế Chỉ số hài lòng " * 60}, ensure_ascii=False)
    with register.write() as conn:
        for number in range(1, rows + 1):
            data = os.urandom(30_000)
            name = f"{number:02d}-SNV-CCHC_don-vi-{number}.docx"
            (folder / name).write_bytes(data)
            doc = NewDocument(code_notation="SNV-CCHC", type_name="Công văn", subject=f"báo cáo số {number}",
                              organ_name="SỞ NỘI VỤ", unit=f"Đơn vị {number}", file_path=f"2026/{name}",
                              sha256=sha256_bytes(data), context_json=context, batch_id="bench",
                              letter_index=number)
            register.insert(conn, doc, organ="SNV", number=number, date=DAY)
        register.advance_counter(conn, "SNV", 2026, rows + 1)
    for number in range(1, rows + 1, 500):
        register.void("SNV", 2026, number, "thu hồi để đo")
        register.mark_sent("SNV", 2026, number + 1, DAY, "Văn thư")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "output"
        url = args.url or f"sqlite:///{output / 'so_van_ban_di.sqlite'}"
        with Register(url) as register:
            start = time.perf_counter()
            fill(register, output, args.rows)
            print(f"ghi {args.rows} dòng: {time.perf_counter() - start:.1f} s")
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                report = register.verify(output)
                times.append(time.perf_counter() - start)
            assert report.ok and report.checked == args.rows, report
    print(f"verify {args.rows} dòng ({report.events} sự kiện, {report.checked} tệp): trung vị "
          f"{statistics.median(times):.2f} s; các lần: {', '.join(f'{t:.2f}' for t in times)}")
    return 0 if statistics.median(times) < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
