#!/bin/sh
# Creates one random API token per role for a hotline installation:
#   OUTDIR/tokens.env   the tokens themselves (HOTLINE_TOKEN_AGENT=...), mode 0600, for
#                       the people and systems that call the API;
#   OUTDIR/tokens.yaml  only their SHA-256 hashes and roles, the file hotlined.yaml names
#                       in auth.tokens_file.
# Roles: agent, channel:board, channel:tv, supervisor, admin, and dept:<code> for every
# department in ROUTES_DIR/departments.yaml. When both files exist it leaves them alone
# (delete both to start over, e.g. after adding a department); otherwise it writes both.
# Usage: contrib/make-tokens.sh OUTDIR ROUTES_DIR
set -eu
out=$1
routes=$2
env_file="$out/tokens.env"
yaml_file="$out/tokens.yaml"

if [ -e "$env_file" ] && [ -e "$yaml_file" ]; then
	exit 0
fi
umask 077
mkdir -p "$out"
tmp_env="$env_file.tmp.$$"
tmp_yaml="$yaml_file.tmp.$$"
trap 'rm -f "$tmp_env" "$tmp_yaml"' EXIT

{
	echo "# hotline API tokens, made by contrib/make-tokens.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)."
	echo "# Secret: send one as 'Authorization: Bearer <token>'. hotlined keeps only hashes."
} >"$tmp_env"
{
	echo "# SHA-256 of each API token and the role it carries (auth.tokens_file)."
	echo "# The tokens themselves are in tokens.env beside this file, never here."
	echo "tokens:"
} >"$tmp_yaml"

# add NAME ROLE VARIABLE
add() {
	token=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
	hash=$(printf '%s' "$token" | sha256sum | cut -c1-64)
	printf '%s=%s\n' "$3" "$token" >>"$tmp_env"
	printf '  - name: %s\n    role: "%s"\n    sha256: %s\n' "$1" "$2" "$hash" >>"$tmp_yaml"
}

add agent agent HOTLINE_TOKEN_AGENT
add board-portal channel:board HOTLINE_TOKEN_CHANNEL_BOARD
add tv-desk channel:tv HOTLINE_TOKEN_CHANNEL_TV
add supervisor supervisor HOTLINE_TOKEN_SUPERVISOR
add admin admin HOTLINE_TOKEN_ADMIN
for code in $(sed -En "s/^[[:space:]]*- code:[[:space:]]*[\"']?([A-Za-z0-9._-]+).*/\1/p" \
	"$routes/departments.yaml"); do
	var=HOTLINE_TOKEN_DEPT_$(printf '%s' "$code" | tr 'a-z.-' 'A-Z__')
	add "dept-$code" "dept:$code" "$var"
done

mv "$tmp_yaml" "$yaml_file"
mv "$tmp_env" "$env_file"
echo "tokens: one per role written to $env_file (hashes in $yaml_file)"
