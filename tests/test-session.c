/* test-session.c: the exercise engine (sim/exercise), driven line by line as `failsim exercise`
 * drives it: decision points by time and by topic, looking, acting, refusals, time control,
 * completion, and a debrief whose columns are exactly the runs they claim to be. The terminal
 * itself (readline, tmux) is tested by tests/test-exercise.sh. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "failsim/clients.h"
#include "failsim/exercise.h"
#include "failsim/metrics.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"

#define DNS_SCRIPT "scenarios/exercises/dns-script-fails.yaml"

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (session, .init = enter_source_dir);

typedef struct {
  FsScenario *sc;
  FsExercise *ex;
  char *intro;
} Session;

static Session
open_session (const char *path)
{
  g_autoptr (GError) error = NULL;
  Session s = { 0 };

  s.sc = fs_scenario_load (path, NULL, &error);
  cr_assert_not_null (s.sc, "%s", error ? error->message : "");
  s.ex = fs_exercise_new (s.sc, fs_scenario_seed (s.sc), fs_scenario_duration (s.sc), &error);
  cr_assert_not_null (s.ex);
  s.intro = fs_exercise_start (s.ex);
  return s;
}

static void
close_session (Session *s)
{
  g_free (s->intro);
  fs_exercise_free (s->ex);
  fs_scenario_free (s->sc);
}

/* Runs @line; returns what it printed (free it) and the state in *@state if not NULL. */
static char *
type (Session *s, const char *line, FsExerciseState *state)
{
  GString *out = g_string_new (NULL);
  FsExerciseState st = fs_exercise_execute (s->ex, line, out);

  if (state != NULL)
    *state = st;
  return g_string_free (out, FALSE);
}

static void
expect_prompt (Session *s, const char *expected)
{
  g_autofree char *prompt = fs_exercise_prompt (s->ex);

  cr_expect_str_eq (prompt, expected);
}

/* The numbers of the debrief row @label, its three columns: you, reference, no action. */
static void
debrief_row (const char *debrief, const char *label, double v[3])
{
  const char *row = strstr (debrief, label);

  cr_assert_not_null (row, "no row '%s' in:\n%s", label, debrief);
  cr_assert_eq (sscanf (row + strlen (label), "%lf %lf %lf", &v[0], &v[1], &v[2]), 3, "%s", row);
}

Test (session, the_exercise_key_loads)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) with = fs_scenario_load (DNS_SCRIPT, NULL, &error);
  g_autoptr (FsScenario) without = fs_scenario_load ("scenarios/change-ip-failover.yaml", NULL, &error);

  cr_assert_not_null (with);
  cr_expect (fs_exercise_scenario_has (with));
  cr_expect_not (fs_exercise_scenario_has (without));
}

Test (session, pauses_at_a_time_then_on_a_topic)
{
  Session s = open_session (DNS_SCRIPT);
  g_autofree char *out = NULL;
  FsExerciseState st;

  cr_expect (g_str_has_prefix (s.intro, "Exercise: The DNS update script fails\n\nYou are on call for Contoso."), "%s", s.intro);
  cr_expect (strstr (s.intro, "It stops at 2 decision point(s)") != NULL);
  cr_expect (strstr (s.intro, "00:10:00 site primary lost\n") != NULL);
  cr_expect (strstr (s.intro, "== decision: The primary datacenter has just gone dark.") != NULL, "%s", s.intro);
  /* At 10m, after every event of that instant: the site is down, nobody has failed yet. */
  cr_expect (strstr (s.intro, "-- service app: 0 of 1100 clients failing now\n") != NULL, "%s", s.intro);
  expect_prompt (&s, "[00:10:00] exercise> ");
  out = type (&s, "continue", &st);
  cr_expect_eq (st, FS_EXERCISE_GOING);
  /* The plan stops when its script fails (seed 1: the replica boots at 14:43.869, the script's
   * 10-30 s ends at 15:00.040), and the session with it, at that instant. */
  cr_expect (strstr (out, "00:15:00.040 plan rp-app stops: ") != NULL, "%s", out);
  cr_expect (strstr (out, "== decision: Recovery plan rp-app stopped") != NULL, "%s", out);
  expect_prompt (&s, "[00:15:00.040] exercise> ");
  close_session (&s);
}

Test (session, looking_changes_nothing)
{
  Session s = open_session (DNS_SCRIPT);
  g_autofree char *a = type (&s, "continue", NULL);
  g_autofree char *status = type (&s, "status", NULL);
  g_autofree char *routes = type (&s, "routes r-branch", NULL);
  g_autofree char *cache = type (&s, "cache resolver-1", NULL);
  g_autofree char *clients = type (&s, "clients", NULL);
  g_autofree char *log = type (&s, "log 2", NULL);
  g_autofree char *bad_router = type (&s, "routes r-nowhere", NULL);
  g_autofree char *bad_resolver = type (&s, "cache nobody", NULL);

  cr_expect (strstr (status, "clock 00:15:00.040 of 01:00:00\n") != NULL, "%s", status);
  cr_expect (strstr (status, "sites: primary DOWN recovery up branch up\n") != NULL, "%s", status);
  cr_expect (strstr (status, "down: router r-primary;") != NULL, "%s", status);
  cr_expect (strstr (status, "recovery plan rp-app: stopped\n") != NULL, "%s", status);
  cr_expect (strstr (routes, "router r-branch (up), forwarding table now:\n") != NULL, "%s", routes);
  cr_expect (strstr (routes, "172.16.1.0/24        app-recovery via r-recovery\n") != NULL, "%s", routes);
  cr_expect (strstr (routes, "192.168.1.0/24       app-primary  no route\n") != NULL, "%s", routes);
  cr_expect (strstr (routes, "10.3.0.0/24          infra-branch connected here\n") != NULL, "%s", routes);
  /* Fetched 5m before 14:34.xxx? No: resolver-1 last fetched the old record with 300 s TTL, and
   * holds it 1m29s more (the dns.outdated notice says 89 s left at the same instant). */
  cr_expect (strstr (cache, "app.contoso.com              A     192.168.1.10       1m29s left\n") != NULL, "%s", cache);
  cr_expect (strstr (clients, "service app: 1091 of 1100 clients failing now\n") != NULL, "%s", clients);
  cr_expect (g_str_has_prefix (log, "00:15:00.040 "), "%s", log);
  cr_expect_eq (strlen (log) - strlen (g_strstr_len (log, -1, "\n") + 1) > 0, 1);
  cr_expect (strstr (bad_router, "no router named 'r-nowhere'; the routers are: r-primary, r-recovery, r-branch\n") != NULL, "%s", bad_router);
  cr_expect (strstr (bad_resolver, "no resolver named 'nobody'; the resolvers are: resolver-1, resolver-2, resolver-3, resolver-4\n") != NULL, "%s", bad_resolver);
  expect_prompt (&s, "[00:15:00.040] exercise> ");
  close_session (&s);
}

Test (session, commands_that_cannot_be_done_say_why)
{
  Session s = open_session (DNS_SCRIPT);
  g_autofree char *unknown = type (&s, "fly", NULL);
  g_autofree char *bad_key = type (&s, "do dns.update name=app.contoso.com vlaue=1.2.3.4", NULL);
  g_autofree char *bad_site = type (&s, "do site.fail site=nowhere", NULL);
  g_autofree char *not_kv = type (&s, "do site.fail primary", NULL);
  g_autofree char *bad_action = type (&s, "do site.explode site=primary", NULL);
  g_autofree char *bad_step = type (&s, "step soon", NULL);
  g_autofree char *bad_quote = type (&s, "do dns.update name=\"app", NULL);
  g_autofree char *injected = type (&s, "do site.fail \"site=primary\nsite: x\"", NULL);

  cr_expect_str_eq (unknown, "unknown command 'fly'; 'help' lists them\n");
  cr_expect_str_eq (bad_key, "cannot do that: unknown key 'vlaue' in action; did you mean 'value'?\n");
  cr_expect_str_eq (bad_site, "cannot do that: no site named 'nowhere'; the sites are: primary, recovery, branch\n");
  cr_expect_str_eq (not_kv, "cannot read that: 'primary' is not KEY=VALUE\n");
  cr_expect (g_str_has_prefix (bad_action, "cannot do that: unknown action 'site.explode'"), "%s", bad_action);
  cr_expect_str_eq (bad_step, "step DURATION: a duration such as 30s, 5m or 1h, got 'soon'\n");
  cr_expect (g_str_has_prefix (bad_quote, "cannot read that line: "), "%s", bad_quote);
  /* A typed value is one scalar: it cannot smuggle a second key in. */
  cr_expect_str_eq (injected, "cannot do that: 'site' must be a name of letters, digits, '.', '-' or '_' "
                   "(got 'primarysite: x')\n");
  expect_prompt (&s, "[00:10:00] exercise> ");
  close_session (&s);
}

/* A record of a name the run was not built with has nowhere to go: refused, not written past
 * the caches. */
Test (session, an_update_of_an_unknown_name_is_refused)
{
  Session s = open_session (DNS_SCRIPT);
  g_autofree char *out = type (&s, "do dns.update name=new.contoso.com value=172.16.1.10", NULL);
  g_autofree char *clients = type (&s, "step 1m", NULL);

  cr_expect (strstr (out, "is refused: the name is not one the scenario mentions") != NULL, "%s", out);
  /* As many fail a minute into the outage as with no action at all (717 at seed 1). */
  cr_expect (strstr (clients, "-- service app: 717 of 1100 clients failing now") != NULL, "%s", clients);
  close_session (&s);
}

Test (session, a_refused_action_is_told_and_counted)
{
  Session s = open_session ("scenarios/azure-expressroute-region-down.yaml");
  g_autofree char *step = type (&s, "step 11m", NULL);
  g_autofree char *out = type (&s, "do circuit.disconnect link=er-east", NULL);
  g_autofree char *debrief = type (&s, "end", NULL);

  cr_expect (strstr (out, "00:11:00 do circuit.disconnect link=er-east is refused: the primary region is down") != NULL, "%s", out);
  cr_expect (strstr (debrief, "  00:11:00 do circuit.disconnect link=er-east (refused)\n") != NULL, "%s", debrief);
  close_session (&s);
}

Test (session, next_and_pause_stop_the_clock)
{
  Session s = open_session (DNS_SCRIPT);
  g_autofree char *next = type (&s, "next", NULL);
  g_autofree char *pause = NULL;
  g_autofree char *past = NULL;
  g_autofree char *cont = NULL;
  g_autofree char *step = NULL;

  /* After 10m the next thing that happens is the hold timer, 90 s later: that instant is told
   * whole. */
  cr_expect (g_str_has_prefix (next, "00:11:30 r-recovery reaches 192.168.1.0/24 via r-branch"), "%s", next);
  cr_expect (strstr (next, "00:11:30.025") == NULL, "%s", next);
  expect_prompt (&s, "[00:11:30] exercise> ");
  pause = type (&s, "pause 13m", NULL);
  past = type (&s, "pause 1m", NULL);
  cr_expect_str_eq (pause, "the clock will stop at 00:13:00\n");
  cr_expect_str_eq (past, "that time has passed\n");
  cont = type (&s, "continue", NULL);
  expect_prompt (&s, "[00:13:00] exercise> ");
  cr_expect (strstr (cont, "00:12:00 recovery plan rp-app starts an unplanned failover\n") != NULL, "%s", cont);
  step = type (&s, "step 30s", NULL);
  expect_prompt (&s, "[00:13:30] exercise> ");
  close_session (&s);
}

/* The trainee who types the reference plan's step at its time gets exactly the reference run:
 * an action typed at the prompt is the same action a timeline entry performs. */
Test (session, typing_the_reference_gives_the_reference)
{
  Session s = open_session (DNS_SCRIPT);
  g_autofree char *a = type (&s, "continue", NULL);
  g_autofree char *b = type (&s, "pause 16m", NULL);
  g_autofree char *b2 = type (&s, "continue", NULL);
  g_autofree char *c = type (&s, "do dns.update name=app.contoso.com value=172.16.1.10 ttl=30s", NULL);
  g_autofree char *debrief = NULL;
  FsExerciseState st;
  double lost[3], mean[3];

  expect_prompt (&s, "[00:16:00] exercise> ");
  cr_expect (strstr (c, "00:16:00 the operator: do dns.update name=app.contoso.com value=172.16.1.10 ttl=30s\n") != NULL, "%s", c);
  debrief = type (&s, "end", &st);
  cr_expect_eq (st, FS_EXERCISE_ENDED);
  cr_expect (fs_exercise_is_over (s.ex));
  debrief_row (debrief, "client-seconds lost", lost);
  cr_expect_eq (lost[0], lost[1], "you %.1f, reference %.1f", lost[0], lost[1]);
  cr_expect_gt (lost[2], lost[1]);
  debrief_row (debrief, "clients still down at the end", mean);
  cr_expect_eq (mean[0], 0);
  cr_expect_eq (mean[2], 1100);
  cr_expect (strstr (debrief, "Verdict: you lost ") != NULL, "%s", debrief);
  close_session (&s);
}

/* The "no action" column is the scenario run as `failsim run` runs it. */
Test (session, no_action_is_the_plain_run)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load (DNS_SCRIPT, NULL, &error);
  g_autoptr (FsSim) sim = fs_sim_new (sc, fs_scenario_seed (sc), 0, &error);
  Session s = open_session (DNS_SCRIPT);
  g_autofree char *debrief = type (&s, "end", NULL);
  double lost[3];
  const FsServiceStats *st;

  fs_sim_run (sim, fs_scenario_duration (sc));
  fs_sim_finish (sim);
  st = fs_client_stats_service (fs_metrics_clients (fs_sim_metrics (sim)), 0);
  debrief_row (debrief, "client-seconds lost", lost);
  cr_expect_float_eq (lost[2], fs_time_to_seconds (st->client_time_lost), 0.05);
  /* Nobody acted: the trainee's run is the plain run too. */
  cr_expect_float_eq (lost[0], lost[2], 1e-9);
  cr_expect (strstr (debrief, "Your actions:\n  none\n") != NULL, "%s", debrief);
  close_session (&s);
}

Test (session, a_debrief_before_the_end_keeps_the_session_open)
{
  Session s = open_session (DNS_SCRIPT);
  g_autofree char *a = type (&s, "continue", NULL);
  g_autofree char *b = type (&s, "do dns.update name=app.contoso.com value=172.16.1.10", NULL);
  g_autofree char *early = type (&s, "debrief", NULL);
  g_autofree char *late = NULL;
  double e[3], l[3];

  cr_expect (g_str_has_prefix (early, "(The session is still open"), "%s", early);
  cr_expect_not (fs_exercise_is_over (s.ex));
  expect_prompt (&s, "[00:15:00.040] exercise> ");
  late = type (&s, "end", NULL);
  /* The early debrief replayed the actions so far to the end: nothing else was done since, so
   * it saw the same run. */
  debrief_row (early, "client-seconds lost", e);
  debrief_row (late, "client-seconds lost", l);
  cr_expect_float_eq (e[0], l[0], 1e-9);
  close_session (&s);
}

Test (session, quit_and_after_the_end)
{
  Session s = open_session (DNS_SCRIPT);
  FsExerciseState st;
  g_autofree char *q = type (&s, "q", &st);
  g_autofree char *empty = NULL;

  cr_expect_eq (st, FS_EXERCISE_QUIT);
  empty = type (&s, "   ", &st);
  cr_expect_eq (st, FS_EXERCISE_GOING);
  cr_expect_str_eq (empty, "");
  close_session (&s);
}

static void
expect_completions (Session *s, const char *line, const char *word, const char *expected)
{
  g_auto (GStrv) got = fs_exercise_complete (s->ex, line, word);
  g_autofree char *joined = g_strjoinv (" ", got);

  cr_expect_str_eq (joined, expected, "completing '%s' after '%s'", word, line);
}

Test (session, completion)
{
  Session s = open_session (DNS_SCRIPT);

  expect_completions (&s, "", "sta", "status");
  expect_completions (&s, "", "c", "cache clients continue");
  expect_completions (&s, "do ", "dns.", "dns.flush dns.update");
  expect_completions (&s, "do ", "dr.f", "dr.failback dr.failover");
  expect_completions (&s, "do dns.update ", "na", "name=");
  expect_completions (&s, "do dr.failover ", "plan=rp", "plan=rp-app");
  expect_completions (&s, "do dns.update ", "name=app", "name=app-primary name=app-recovery name=app-1 name=app-1-replica name=app.contoso.com");
  expect_completions (&s, "routes ", "r-b", "r-branch");
  expect_completions (&s, "cache ", "resolver-", "resolver-1 resolver-2 resolver-3 resolver-4");
  expect_completions (&s, "clients ", "", "app");
  expect_completions (&s, "help ", "st", "status step");
  close_session (&s);
}

/* A session replays exactly: the same commands give the same text. */
Test (session, replays_byte_for_byte)
{
  static const char *const script[] = { "next", "cache resolver-2", "continue", "clients",
                                        "do dns.update name=app.contoso.com value=172.16.1.10 ttl=30s",
                                        "step 2m", "end", NULL };
  g_autoptr (GString) first = g_string_new (NULL);
  g_autoptr (GString) second = g_string_new (NULL);
  GString *outs[2] = { first, second };
  guint run, i;

  for (run = 0; run < 2; run++)
    {
      Session s = open_session (DNS_SCRIPT);

      g_string_append (outs[run], s.intro);
      for (i = 0; script[i] != NULL; i++)
        fs_exercise_execute (s.ex, script[i], outs[run]);
      close_session (&s);
    }
  cr_expect_str_eq (first->str, second->str);
}
