#!/usr/bin/env bash
# Do what docs/office.md tells a văn thư, step by step, against a PostgreSQL server on this machine, and
# fail on the first step that does not work. tests/test_office_setup.py runs it in CI.
#
#   bash scripts/office_setup_check.sh postgresql://postgres@127.0.0.1:5432/postgres
#
# The argument is an administrator's URL (step 2 of the document). Steps that change the machine itself
# (1: apt-get, 3: pg_hba.conf and the firewall, 5: mounting the share) are checked or stood in for, and
# say so: the server runs on this machine, the "share" is a local folder, ~ is a scratch HOME.
# Settings (environment): OFFICE_ROLE (vanthu), OFFICE_DB (congvan), OFFICE_SCHEMA (congvan),
# CONGVAN (the congvan command; default: the one next to this script's .venv, else on PATH).
set -euo pipefail

ADMIN_URL="${1:?usage: office_setup_check.sh ADMIN_URL}"
ROLE="${OFFICE_ROLE:-vanthu}"
DB="${OFFICE_DB:-congvan}"
SCHEMA="${OFFICE_SCHEMA:-congvan}"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
CONGVAN="${CONGVAN:-$HERE/.venv/bin/congvan}"
[[ -x "$CONGVAN" ]] || CONGVAN="$(command -v congvan)"
WORK="$(mktemp -d)"
PASSWORD="mk-$(date +%s%N)"

step() { echo "== office_setup_check: $*" >&2; }
fail() { echo "office_setup_check: FAILED: $*" >&2; exit 1; }
admin_psql() { psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -qtA "$@"; }
cleanup() {
    admin_psql -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    admin_psql -c "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# the server's host and port, as a clerk's machine writes them
read -r HOST PORT < <(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p.hostname or "localhost", p.port or 5432)' "$ADMIN_URL")
URL="postgresql://$ROLE@$HOST:$PORT/$DB"

step "1. phần mềm: psql, pg_dump, pg_restore có sẵn (apt-get install postgresql)"
for tool in psql pg_dump pg_restore; do command -v "$tool" >/dev/null || fail "$tool không có: apt-get install -y postgresql"; done
admin_psql -c "SELECT 1" >/dev/null || fail "không kết nối được $ADMIN_URL"

step "2. tạo vai trò, cơ sở dữ liệu, lược đồ và các bảng: congvan register init-postgres"
CONGVAN_NEW_ROLE_PASSWORD="$PASSWORD" "$CONGVAN" register init-postgres --admin "$ADMIN_URL" \
    --role "$ROLE" --database "$DB" --schema "$SCHEMA" | tee "$WORK/init.txt"
grep -q "Địa chỉ cho máy văn thư: $URL" "$WORK/init.txt" || fail "init-postgres không in địa chỉ $URL"
CONGVAN_NEW_ROLE_PASSWORD="$PASSWORD" "$CONGVAN" register init-postgres --admin "$ADMIN_URL" \
    --role "$ROLE" --database "$DB" --schema "$SCHEMA" > "$WORK/init_again.txt"
grep -q "giữ nguyên" "$WORK/init_again.txt" || fail "chạy lại init-postgres phải giữ nguyên"

step "3. truy cập qua mạng LAN: dòng pg_hba.conf của tài liệu (máy chủ thử ở máy này, không sửa)"
echo "host    $DB    $ROLE    192.168.1.0/24    scram-sha-256" >&2

step "4. máy văn thư: ~/.pgpass (chmod 600) và địa chỉ không có mật khẩu"
export HOME="$WORK/home"
mkdir -p "$HOME"
echo "$HOST:$PORT:$DB:$ROLE:$PASSWORD" > "$HOME/.pgpass"
chmod 600 "$HOME/.pgpass"
unset PGPASSWORD CONGVAN_REGISTER_URL
[ "$(psql "$URL" -qtA -c "SELECT current_user")" = "$ROLE" ] || fail "$ROLE không đăng nhập được bằng ~/.pgpass"

step "5. thư mục lưu trữ chung (ở đây: một thư mục thay cho ổ mạng)"
SHARE="$WORK/mnt/van_ban_di"
mkdir -p "$SHARE"

step "6. hai máy văn thư dùng chung sổ và thư mục lưu trữ"
for machine in may1 may2; do
    "$CONGVAN" init "$WORK/$machine" >/dev/null
    python3 - "$WORK/$machine/congvan.toml" "$URL" "$SHARE" <<'EOF'
import sys
path, url, share = sys.argv[1:]
text = open(path, encoding="utf-8").read()
text = text.replace("[register]\n", f'[register]\nurl = "{url}"\n', 1).replace("[luu_tru]\n", f'[luu_tru]\nthu_muc = "{share}"\n', 1)
open(path, "w", encoding="utf-8").write(text)
EOF
done
(cd "$WORK/may1" && "$CONGVAN" build --issue --unit "Phường Nha Trang" --unit "Xã Cam Lâm" >/dev/null)
(cd "$WORK/may2" && "$CONGVAN" build --issue --unit "Phường Bảo An" >/dev/null)
YEAR="$(ls "$SHARE" | grep -E '^[0-9]{4}$' | head -n 1)"
[[ "$(ls "$SHARE/$YEAR" | grep -c '\.docx$')" == 3 ]] || fail "thư mục chung phải có 3 văn bản"
for machine in may1 may2; do
    (cd "$WORK/$machine" && "$CONGVAN" register verify >/dev/null) || fail "register verify trên $machine"
done
(cd "$WORK/may2" && "$CONGVAN" register recreate 01 --year "$YEAR" --out "$WORK/lai_01.docx") \
    > "$WORK/recreate.txt"
grep -q "trùng khớp từng byte" "$WORK/recreate.txt" || fail "recreate 01 (do may1 cấp) từ may2"

step "7. sao lưu: pg_dump hằng ngày và thư mục lưu trữ; thử khôi phục"
mkdir -p "$WORK/backups"
pg_dump -Fc -h "$HOST" -p "$PORT" -U "$ROLE" -d "$DB" -f "$WORK/backups/so-$(date +%F).dump"
tar -czf "$WORK/backups/van_ban_di-$(date +%F).tar.gz" -C "$(dirname "$SHARE")" "$(basename "$SHARE")"
admin_psql -c "DROP DATABASE $DB WITH (FORCE)" >/dev/null            # the disaster
admin_psql -c "CREATE DATABASE $DB OWNER $ROLE" >/dev/null
pg_restore -h "$HOST" -p "$PORT" -U "$ROLE" -d "$DB" "$WORK/backups/so-$(date +%F).dump"
CONGVAN_NEW_ROLE_PASSWORD="$PASSWORD" "$CONGVAN" register init-postgres --admin "$ADMIN_URL" \
    --role "$ROLE" --database "$DB" --schema "$SCHEMA" >/dev/null
(cd "$WORK/may1" && "$CONGVAN" register verify >/dev/null) || fail "register verify sau khi khôi phục"

step "8. máy chủ không chạy: lệnh bị từ chối (mã 3), không cấp số, không ghi tệp"
(cd "$WORK/may1" && "$CONGVAN" build --unit "Phường Ba Ngòi" >/dev/null)
before="$(ls "$SHARE/$YEAR" | wc -l)"
set +e
(cd "$WORK/may1" && CONGVAN_REGISTER_URL="postgresql://$ROLE@$HOST:1/$DB" "$CONGVAN" issue latest 2>"$WORK/down.txt")
status=$?
set -e
[[ $status == 3 ]] || fail "máy chủ không chạy: mã thoát $status, cần 3"
grep -q "không mở được sổ văn bản đi" "$WORK/down.txt" || fail "thông báo khi máy chủ không chạy"
[[ "$(ls "$SHARE/$YEAR" | wc -l)" == "$before" ]] || fail "máy chủ không chạy nhưng có tệp mới"
(cd "$WORK/may1" && "$CONGVAN" issue latest >/dev/null) || fail "cấp số lại khi máy chủ chạy lại"

step "9. congvan web cho cả cơ quan: các tệp dịch vụ của tài liệu, chạy ở đây (cổng khác, không cài vào systemd)"
UNITS="$WORK/systemd"
WEBPORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# each unit file of section 9.2 becomes a shell script doing what systemd would: cd, environment, ExecStart
python3 - "$HERE/docs/office.md" "$UNITS" "$CONGVAN" "$WORK/may1" "$HOME/.pgpass" "$URL" "$WEBPORT" <<'EOF'
import re, shlex, sys
from pathlib import Path
doc, units, congvan, workspace, pgpass, url, port = sys.argv[1:]
text = Path(doc).read_text(encoding="utf-8").split("## 9.", 1)[1]
found = dict(re.findall(r"`/etc/systemd/system/([\w@.-]+)`[^\n]*:\n\n```ini\n(.*?)```", text, re.S))
assert set(found) == {"congvan-web.service", "congvan-worker@.service"}, sorted(found)
for name, unit in found.items():
    keys = re.findall(r"^(\w+)=(.*)$", unit, re.M)
    assert ("KillSignal", "SIGINT") in keys, f"{name}: KillSignal=SIGINT"
    env = [v for k, v in keys if k == "Environment"]
    assert any(v.startswith("CONGVAN_WEB_QUEUE_URL=postgresql://") for v in env), f"{name}: the shared queue"
    start = dict(keys)["ExecStart"]
    assert ("--no-worker" in start) == (name == "congvan-web.service"), f"{name}: {start}"
    here = {"/opt/congvan/.venv/bin/congvan": congvan, "/srv/congvan/so_noi_vu": workspace,
            "/etc/congvan.pgpass": pgpass, "postgresql://vanthu@localhost:5432/congvan": url,
            "--host 0.0.0.0": "--host 127.0.0.1", "--port 8000": f"--port {port}"}
    script = f"cd {shlex.quote(dict(keys)['WorkingDirectory'])}\nexec env " + " ".join(
        shlex.quote(v) for v in env) + " " + start + "\n"
    for old, new in here.items():
        script = script.replace(old, new)
    Path(units).mkdir(exist_ok=True)
    Path(units, name + ".sh").write_text(script, encoding="utf-8")
EOF
(cd "$WORK/may1" && CONGVAN_WEB_QUEUE_URL="$URL" "$CONGVAN" web worker --check) | grep -q "Sẵn sàng nhận việc nền .* từ PostgreSQL" \
    || fail "congvan web worker --check với hàng đợi PostgreSQL"
PIDS=()
bash "$UNITS/congvan-web.service.sh" > "$WORK/web.log" 2>&1 & PIDS+=($!)
for n in 1 2; do bash "$UNITS/congvan-worker@.service.sh" > "$WORK/worker$n.log" 2>&1 & PIDS+=($!); done
ready=""
for _ in $(seq 1 150); do
    if python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$WEBPORT/dang-nhap', timeout=2)" 2>/dev/null \
       && grep -q "congvan web worker (" "$WORK/worker1.log" && grep -q "congvan web worker (" "$WORK/worker2.log"; then
        ready=yes; break
    fi
    sleep 0.2
done
kill -INT "${PIDS[@]}"
wait "${PIDS[@]}" || true
[[ -n "$ready" ]] || fail "máy chủ web hoặc tiến trình việc nền không chạy: $(cat "$WORK"/web.log "$WORK"/worker*.log)"
grep -q "cai-dat/" "$WORK/web.log" || fail "máy chủ web không in liên kết tạo tài khoản quản trị đầu tiên"

step "xong: mọi bước của docs/office.md chạy được"
