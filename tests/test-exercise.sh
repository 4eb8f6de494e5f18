#!/usr/bin/env bash
# test-exercise.sh: `failsim exercise`: every shipped exercise validates and replays its session
# script byte for byte; usage errors exit 2; and a person at a terminal (tmux) gets the prompt,
# tab completion, history and the debrief.
#
# Usage: test-exercise.sh FAILSIM SOURCE_ROOT
set -uo pipefail
failsim=$1
src=$2
tmp=$(mktemp -d)
sock=failsim-test-$$
cleanup () {
  tmux -L "$sock" kill-server >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
cd "$src" || exit 1
failed=0
fail () {
  printf 'FAIL: %s\n' "$*" >&2
  failed=1
}

# --- every exercise: validates, has a script, and replays exactly ----------------------------
n=0
for yaml in scenarios/exercises/*.yaml; do
  name=$(basename "$yaml" .yaml)
  script=tests/exercises/$name.txt
  expected=tests/exercises/$name.out
  n=$((n + 1))
  if ! "$failsim" validate "$yaml" >"$tmp/validate" 2>&1; then
    fail "$yaml does not validate: $(cat "$tmp/validate")"
  fi
  if [ ! -f "$script" ] || [ ! -f "$expected" ]; then
    fail "$yaml has no session script $script and transcript $expected (write the script, then" \
         "generate the transcript: failsim exercise $yaml --script $script > $expected)"
    continue
  fi
  if ! "$failsim" exercise "$yaml" --script "$script" >"$tmp/$name.out" 2>"$tmp/$name.err"; then
    fail "$yaml: failsim exercise --script exited $?: $(cat "$tmp/$name.err")"
  fi
  if ! diff -u "$expected" "$tmp/$name.out" >"$tmp/$name.diff"; then
    fail "$yaml: the replay of $script differs from $expected:"
    cat "$tmp/$name.diff" >&2
  fi
  # A session that ends with 'end' is debriefed.
  grep -q '^Verdict: ' "$tmp/$name.out" || fail "$yaml: the replay has no verdict"
done
[ "$n" -ge 5 ] || fail "only $n exercises in scenarios/exercises (expected at least 5)"
for txt in tests/exercises/*.txt; do
  [ -f "scenarios/exercises/$(basename "$txt" .txt).yaml" ] || fail "$txt belongs to no exercise"
done

# --- errors -----------------------------------------------------------------------------------
expect_usage () {   # DESCRIPTION PATTERN ARGS...: exit status 2 and PATTERN on stderr
  local what=$1 pattern=$2 rc
  shift 2
  "$failsim" exercise "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ "$rc" -eq 2 ] || fail "$what: exit status $rc, expected 2"
  grep -q -- "$pattern" "$tmp/err" || fail "$what: stderr lacks '$pattern': $(cat "$tmp/err")"
}
expect_usage "a missing file" "no-such-exercise.yaml" scenarios/exercises/no-such-exercise.yaml
expect_usage "an unknown option" "--no-such-option" --no-such-option scenarios/exercises/dns-script-fails.yaml
expect_usage "--script of a missing file" "cannot open" scenarios/exercises/dns-script-fails.yaml \
  --script "$tmp/no-such-script.txt"
expect_usage "no file" "required"

# A scenario without an exercise: key runs all the same, with a note on stderr.
printf 'status\nend\n' | "$failsim" exercise scenarios/change-ip-failover.yaml >"$tmp/plain.out" 2>"$tmp/plain.err"
rc=$?
[ "$rc" -eq 0 ] || fail "a scenario without exercise: exited $rc: $(cat "$tmp/plain.err")"
grep -q "has no exercise: key" "$tmp/plain.err" || fail "no note on stderr for a scenario without exercise:"
grep -q '^Debrief' "$tmp/plain.out" || fail "a scenario without exercise: was not debriefed"

# Comment lines in a script are echoed and do nothing.
printf '# a comment\nend\n' >"$tmp/comment.txt"
"$failsim" exercise scenarios/exercises/dns-script-fails.yaml --script "$tmp/comment.txt" >"$tmp/comment.out" 2>&1
grep -q 'cannot read\|unknown command' "$tmp/comment.out" && fail "a comment line in a script was not ignored"

# --- a person at a terminal -------------------------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
  echo "tmux not found: the interactive checks are skipped" >&2
  [ "$failed" -eq 0 ] || exit 1
  exit 77
fi

screen () {
  tmux -L "$sock" capture-pane -p -J -S -200 -t failsim 2>/dev/null
}
# wait_for PATTERN [SECONDS]: polls the screen until a line matches PATTERN (grep -E).
wait_for () {
  local pattern=$1 limit=${2:-20} i
  for ((i = 0; i < limit * 10; i++)); do
    if screen | grep -Eq -- "$pattern"; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}
# The last line that shows the prompt: what is being typed now.
prompt_line () {
  screen | grep 'exercise>' | tail -n 1
}
# wait_prompt_line PATTERN: polls until the current prompt line matches PATTERN.
wait_prompt_line () {
  local pattern=$1 i
  for ((i = 0; i < 100; i++)); do
    if prompt_line | grep -Eq -- "$pattern"; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}
keys () {
  tmux -L "$sock" send-keys -t failsim "$@"
}

tmux -L "$sock" -f /dev/null new-session -d -s failsim -x 160 -y 50 \
  "'$failsim' exercise scenarios/exercises/dns-script-fails.yaml; echo '[failsim exited]'; sleep 60"
if ! wait_for 'exercise> *$' 30; then
  fail "tmux: no 'exercise>' prompt within 30 s; the screen:"
  screen >&2
  exit 1
fi
wait_for '^== decision: The primary datacenter' 5 || fail "tmux: the first decision point was not shown"

# Completion of a command: sta<Tab> -> status.
keys -l 'sta'
wait_prompt_line 'exercise> sta *$' || fail "tmux: 'sta' was not echoed: $(prompt_line)"
keys Tab
wait_prompt_line 'exercise> status *$' || fail "tmux: 'sta' + Tab did not complete to 'status': $(prompt_line)"
keys Enter
wait_for '^sites: ' 10 || fail "tmux: 'status' did not show 'sites:'"

# Candidates: cache res<Tab><Tab> lists the four resolvers.
# (Each key once the screen has answered the last, as a person types: readline takes a Tab
# that arrives with the one before it as typeahead, and does not list.)
keys -l 'cache res'
wait_prompt_line 'exercise> cache res *$' || fail "tmux: 'cache res' was not echoed: $(prompt_line)"
keys Tab
wait_prompt_line 'exercise> cache resolver- *$' \
  || fail "tmux: 'cache res' + Tab did not complete the common prefix 'resolver-': $(prompt_line)"
# readline lists the candidates at the Tab after one that left the line unchanged: after a Tab
# that inserted the common prefix, that may take one more.
listed=0
for try in 1 2; do
  keys Tab
  if wait_for 'resolver-1 +resolver-2 +resolver-3 +resolver-4' 3; then
    listed=1
    break
  fi
done
[ "$listed" -eq 1 ] || fail "tmux: 'cache res' + Tab Tab (Tab) did not list the resolvers"
wait_prompt_line 'exercise> cache resolver- *$' || fail "tmux: the line changed after the listing: $(prompt_line)"
keys -l '1'
keys Enter
wait_for 'resolver resolver-1, cache now:' 10 || fail "tmux: 'cache resolver-1' showed no cache"

# History: Up recalls the last command.
wait_prompt_line 'exercise> *$' || fail "tmux: no fresh prompt after 'cache resolver-1'"
keys Up
wait_prompt_line 'exercise> cache resolver-1 *$' || fail "tmux: Up did not recall 'cache resolver-1': $(prompt_line)"
keys C-u   # readline: clear the recalled line

# continue runs to the next decision point (the DNS script fails at about 15m).
keys -l 'continue'
keys Enter
wait_for '^== decision: Recovery plan rp-app stopped' 30 || fail "tmux: 'continue' did not reach the second decision"

# Completion of an action name: do dns.up<Tab> -> dns.update.
keys -l 'do dns.up'
wait_prompt_line 'exercise> do dns\.up *$' || fail "tmux: 'do dns.up' was not echoed: $(prompt_line)"
keys Tab
wait_prompt_line 'exercise> do dns\.update *$' || fail "tmux: 'do dns.up' + Tab did not complete to 'dns.update': $(prompt_line)"
keys -l 'name=app.contoso.com value=172.16.1.10 ttl=30s'
keys Enter
wait_for 'the operator: do dns.update name=app.contoso.com value=172.16.1.10 ttl=30s' 10 \
  || fail "tmux: the dns.update was not performed"

keys -l 'end'
keys Enter
wait_for '^Debrief' 60 || fail "tmux: 'end' did not show the debrief"
wait_for '^Verdict' 10 || fail "tmux: the debrief has no verdict"
wait_for '\[failsim exited\]' 10 || fail "tmux: failsim did not exit after the debrief"
if [ "$failed" -ne 0 ]; then
  echo "the terminal at the end:" >&2
  screen >&2
fi
exit "$failed"
