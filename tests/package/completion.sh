#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# completion.sh KUBEFS: completions/kubefs, sourced in bash, its function
# called as bash calls it (COMP_WORDS, COMP_CWORD): options, -o options,
# subcommands, files and directories, view names for `decode --view` (from
# `kubefs views`), decoder names, report names (from `kubefs report --list`).
# The -o and decode option lists are checked against `kubefs --help` and
# `kubefs decode --help`, so that a new option cannot be forgotten.

set -uo pipefail

kubefs=$(realpath "${1:?usage: completion.sh KUBEFS}")
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kfs-completion.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
checks=0

# shellcheck source=../../completions/kubefs
source "$src/completions/kubefs"
complete -p kubefs >/dev/null || { echo "FAIL: no 'complete ... kubefs'"; exit 1; }

# complete WORD... : the candidates, sorted, one a line, for the line made of
# the words, the last being the one under the cursor (may be empty). Words
# are split as bash would (COMP_WORDBREAKS: "--view=x" is "--view" "=" "x").
complete_words() {
	COMP_WORDS=("$kubefs" "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_kubefs
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort
}

# expect "DESCRIPTION" "WANT (space-separated)" WORD...
expect() {
	local what=$1 want got
	want=$(tr ' ' '\n' <<<"$2" | sed '/^$/d' | sort)
	shift 2
	got=$(complete_words "$@")
	checks=$((checks + 1))
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: kubefs $*<TAB>"
		diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
		failures=$((failures + 1))
	fi
}

# expect_has "DESCRIPTION" "WANT..." WORD...: at least these
expect_has() {
	local what=$1 w got
	got=$(complete_words "${@:3}")
	checks=$((checks + 1))
	for w in $2; do
		if ! grep -qxF -- "$w" <<<"$got"; then
			echo "FAIL: $what: '$w' not offered for kubefs ${*:3}<TAB> (got: $(echo $got))"
			failures=$((failures + 1))
			return
		fi
	done
}

mkdir -p "$tmp/node/etc/kubernetes/pki" "$tmp/cadir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
	-out "$tmp/node/etc/kubernetes/pki/ca.crt" -subj /CN=c -days 3 2>/dev/null
touch "$tmp/ca.file"
cd "$tmp" || exit 1
printf 'a: 1\n' >"$tmp/node/etc/kubernetes/cfg.yaml"

# --- mount mode
expect_has "mount options" "-f -d -s -o --all --path -h --help -V --version" -
expect "long options" "--all --help --path --version" --
expect "subcommands" "decode" de
expect "subcommand report" "report" rep
expect "first word: subcommands and directories" "decode views report cadir node" ""
expect "directories only for ROOT and MOUNTPOINT" "$tmp/cadir" "$tmp/ca"
expect "second operand" "$tmp/cadir" /tmp "$tmp/ca"
expect "-o options" "all allow_other allow_root" -o al
expect "-o option with a value stays open" "timeout=" -o tim
expect "-o comma list: the last item" "ro,allow_other,cross_mounts" -o ro,allow_other,cross
expect "-o after a ROOT" "noreaddirplus nofail noauto" /tmp -o no

# every kubefs -o option of kubefs --help is offered
help_opts=$("$kubefs" --help | sed -n '/^kubefs -o options:/,/^$/p' | sed 1d |
	sed -E 's/^  ([^ ].*[^ ])  .*/\1/' | tr ',' '\n' | sed -E 's/^ +//; s/=.*/=/' | sed '/^$/d')
checks=$((checks + 1))
[ -n "$help_opts" ] || { echo "FAIL: no -o options found in kubefs --help"; failures=$((failures + 1)); }
all_o=$(complete_words -o "")
for o in $help_opts; do
	grep -qxF -- "$o" <<<"$all_o" || { echo "FAIL: -o $o (kubefs --help) is not completed"; failures=$((failures + 1)); }
done

# --- decode
expect "decode --view: every view (kubefs views --list)" "$("$kubefs" views --list | tr '\n' ' ')" decode --view ""
expect "decode --view prefix" "flags flat" decode --view fl
expect "decode --view comma list" "subject,san subject,sha256" decode --view subject,s
expect "decode --view=, split by bash" "expiry" decode --view = ex
expect "decode --view of the files on the line (kubefs views FILE)" \
	"$("$kubefs" views --root "$tmp/node" "$tmp/node/etc/kubernetes/pki/ca.crt" | sed 's/.*\.//' | tr '\n' ' ')" \
	decode --root "$tmp/node" "$tmp/node/etc/kubernetes/pki/ca.crt" --view ""
expect "decode --view for a YAML file" "$("$kubefs" views node/etc/kubernetes/cfg.yaml | sed 's/.*\.//' | tr '\n' ' ')" \
	decode node/etc/kubernetes/cfg.yaml --view ""
expect "decode --view, views already in the list left out" "txt,subject,sha256 txt,subject,san" decode --view txt,subject,s
expect "decode --decoder" "x509" decode --decoder x5
expect "decode --root: directories" "$tmp/cadir" decode --root "$tmp/ca"
expect "decode files" "$tmp/ca.file $tmp/cadir" decode "$tmp/ca"
expect_has "decode options" "--root --view --decoder --name -H --with-filename --no-filename --all --path --help" decode -
# every long option kubefs decode --help shows is offered
dec_opts=$(complete_words decode -)
for o in $("$kubefs" decode --help | grep -oE -- '--[a-z-]+|(^| |\[)-[A-Za-z]\b' | tr -d ' [' | sort -u); do
	checks=$((checks + 1))
	grep -qxF -- "$o" <<<"$dec_opts" || { echo "FAIL: decode option $o (kubefs decode --help) is not completed"; failures=$((failures + 1)); }
done

# --- views, report
expect_has "views options" "--root --list --decoders" views --
expect "report names (kubefs report --list)" "$("$kubefs" report --list | tr '\n' ' ')" report ""
expect "report name prefix" "certs" report ce
expect "report --root: directories" "$tmp/cadir" report --root "$tmp/ca"
expect_has "report options" "--root --all --path --as --list" report --

echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
