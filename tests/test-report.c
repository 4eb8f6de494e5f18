/* test-report.c: the HTML report (report.h): its structure on the shipped seed scenarios, that it
 * fetches nothing and escapes every name, that its figures are those of the result files, the
 * CSV reader's edge cases, and `failsim report` / `failsim run --html` as a user drives them. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "failsim/output.h"
#include "failsim/report.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"

#include "run-failsim.h"

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (report, .init = enter_source_dir);

static const char *const seeds[] = {
  "scenarios/change-ip-failover.yaml", "scenarios/stretched-vlan-storm.yaml",
  "scenarios/woodgrove-azure.yaml", "scenarios/subnet-failover.yaml",
};

static const char *const section_ids[] = {
  "summary", "topology", "availability", "downtime-cdf", "budget", "events",
};

/* Runs @path once, as failsim run does, and gives its result files. */
static FsRunFiles *
run_files (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load (path, NULL, &error);
  g_autoptr (FsSim) sim = NULL;
  FsRunInfo info = { 0 };

  cr_assert_not_null (sc, "%s: %s", path, error ? error->message : "");
  info.seed = fs_scenario_seed (sc);
  info.horizon = fs_scenario_duration (sc);
  sim = fs_sim_new (sc, info.seed, 0, &error);
  cr_assert_not_null (sim, "%s", error ? error->message : "");
  info.status = fs_sim_run (sim, info.horizon);
  fs_sim_finish (sim);
  return fs_report_files_from_sim (sim, &info);
}

static char *
html_of (FsRunFiles *files)
{
  g_autoptr (GError) error = NULL;
  char *html = fs_report_html (files, "run", &error);

  cr_assert_not_null (html, "%s", error ? error->message : "");
  return html;
}

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;
  const char *p;

  for (p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static JsonObject *
parse_object (JsonParser *parser, const char *text)
{
  cr_assert (json_parser_load_from_data (parser, text, -1, NULL));
  return json_node_get_object (json_parser_get_root (parser));
}

/* --- structure ----------------------------------------------------------------------------- */

Test (report, every_section_has_its_element_once)
{
  guint s, i;

  for (s = 0; s < G_N_ELEMENTS (seeds); s++)
    {
      g_autoptr (GHashTable) files = run_files (seeds[s]);
      g_autofree char *html = html_of (files);

      cr_assert (g_str_has_prefix (html, "<!DOCTYPE html>\n<html lang=\"en\">"), "%s", seeds[s]);
      cr_assert (g_str_has_suffix (html, "</html>\n"));
      for (i = 0; i < G_N_ELEMENTS (section_ids); i++)
        {
          g_autofree char *id = g_strdup_printf (" id=\"%s\"", section_ids[i]);

          cr_expect_eq (count (html, id), 1, "%s: id %s", seeds[s], section_ids[i]);
        }
      cr_expect_eq (count (html, "<svg class=\"topology\""), 1, "%s", seeds[s]);
      cr_expect_eq (count (html, "<table id=\"event-table\">"), 1);
      cr_expect_eq (count (html, "<script>"), 1, "one script, ours");
    }
}

/* The page is whole: no src= at all, every href= an anchor in the page, no URL but the SVG
 * namespace, and a Content-Security-Policy that forbids fetching. */
Test (report, fetches_nothing)
{
  guint s;

  for (s = 0; s < G_N_ELEMENTS (seeds); s++)
    {
      g_autoptr (GHashTable) files = run_files (seeds[s]);
      g_autofree char *html = html_of (files);
      const char *p;

      cr_expect_null (strstr (html, "src="), "%s", seeds[s]);
      cr_expect_null (strstr (html, "url("), "%s", seeds[s]);
      cr_expect_null (strstr (html, "@import"), "%s", seeds[s]);
      for (p = strstr (html, "href="); p != NULL; p = strstr (p + 1, "href="))
        cr_expect (g_str_has_prefix (p, "href=\"#"), "%s: %.60s", seeds[s], p);
      cr_expect_eq (count (html, "http://") + count (html, "https://"),
                    count (html, "xmlns=\"http://www.w3.org/2000/svg\""), "%s", seeds[s]);
      cr_expect (strstr (html, "content=\"default-src 'none';"), "%s", seeds[s]);
    }
}

/* The scenario's name, description, notes and the clients' descriptions are scripts and
 * spreadsheet formulas: they must reach the page as text. */
Test (report, escapes_untrusted_names)
{
  g_autoptr (GHashTable) files = run_files ("tests/data/untrusted-names.yaml");
  g_autofree char *html = html_of (files);

  cr_assert_eq (count (html, "<script"), 1, "only the report's own script");
  cr_assert_null (strstr (html, "alert(1)</"));
  cr_assert (strstr (html, "<h1>&lt;script&gt;alert(1)&lt;/script&gt; =cmd|&apos; /C calc&apos;!A0 \\ "
                           "&quot;q&quot;</h1>"), "%.2000s", html);
  cr_assert (strstr (html, "<title>&lt;script&gt;alert(1)&lt;/script&gt;"));
  /* The timeline's notes, from notices.csv: undefused (no leading quote), escaped. */
  cr_assert (strstr (html, "<td>=cmd|&apos; /C calc&apos;!A0</td>"), "the site.fail note");
  cr_assert (strstr (html, "&lt;script&gt;alert(1)&lt;/script&gt;, &quot;quoted&quot;"),
             "the host.start note");
  /* Nothing unescaped inside an attribute either. */
  cr_assert_null (strstr (html, "=\"<"));
  cr_assert_null (strstr (html, "calc'"));
}

/* Every site, router and link of topology.json is drawn and listed. */
Test (report, topology_lists_every_site_router_and_link)
{
  guint s;

  for (s = 0; s < G_N_ELEMENTS (seeds); s++)
    {
      g_autoptr (GHashTable) files = run_files (seeds[s]);
      g_autofree char *html = html_of (files);
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *topo = parse_object (parser, g_hash_table_lookup (files, "topology.json"));
      struct { const char *key, *node, *table; } kinds[] = {
        { "sites", "<g class=\"site ", "topology-sites" },
        { "routers", "<g class=\"router ", "topology-routers" },
        { "links", "<g class=\"link ", "topology-links" },
      };
      guint k, i;

      for (k = 0; k < G_N_ELEMENTS (kinds); k++)
        {
          JsonArray *a = json_object_get_array_member (topo, kinds[k].key);
          const char *table = strstr (html, kinds[k].table);

          cr_assert_gt (json_array_get_length (a), 0, "%s has %s", seeds[s], kinds[k].key);
          cr_assert_not_null (table, "%s: table %s", seeds[s], kinds[k].table);
          cr_expect_eq (count (html, kinds[k].node), json_array_get_length (a), "%s: %s drawn",
                        seeds[s], kinds[k].key);
          for (i = 0; i < json_array_get_length (a); i++)
            {
              const char *name = json_object_get_string_member (json_array_get_object_element (a, i),
                                                                "name");
              g_autofree char *row = g_strdup_printf ("<tr data-name=\"%s\"><td>%s</td>", name, name);
              g_autofree char *node = g_strdup_printf ("data-name=\"%s\"><title>", name);

              cr_expect (strstr (table, row), "%s: %s %s not listed", seeds[s], kinds[k].key, name);
              cr_expect (strstr (html, node), "%s: %s %s not drawn", seeds[s], kinds[k].key, name);
            }
        }
    }
}

/* What went down is coloured and says when: the primary site of change-ip-failover at 10m. */
Test (report, failed_elements_are_marked_with_their_time)
{
  g_autoptr (GHashTable) files = run_files ("scenarios/change-ip-failover.yaml");
  g_autofree char *html = html_of (files);

  cr_assert (strstr (html, "<g class=\"site down\" data-name=\"primary\"><title>site primary "
                           "(datacenter): down 00:10:00\xe2\x80\x93" "end</title>"), "%.3000s", html);
  cr_assert (strstr (html, "<g class=\"router down\" data-name=\"r-primary\">"));
  cr_assert (strstr (html, "<g class=\"site ok\" data-name=\"recovery\">"));
  /* The storm of stretched-vlan-storm floods both sites of the VLAN and saturates the DCI. */
  {
    g_autoptr (GHashTable) storm = run_files ("scenarios/stretched-vlan-storm.yaml");
    g_autofree char *h = html_of (storm);

    cr_assert (strstr (h, "<g class=\"site storm\" data-name=\"primary\">"));
    cr_assert (strstr (h, "<g class=\"site storm\" data-name=\"recovery\">"));
    cr_assert (strstr (h, "<g class=\"link storm kind-dci\" data-name=\"dci\">"));
    cr_assert (strstr (h, "<g class=\"vlan\" data-name=\"app-vlan\">"), "the stretched VLAN");
    cr_assert_null (strstr (h, "<g class=\"vlan\" data-name=\"db-vlan\">"), "site-local: no band");
    cr_assert (strstr (h, "id=\"headline-storms\"><div class=\"v\">2</div>"));
  }
}

/* The budget's segments carry the phases of summary.json, and add up to its total. */
Test (report, budget_phases_sum_as_in_summary)
{
  guint s, checked = 0;

  for (s = 0; s < G_N_ELEMENTS (seeds); s++)
    {
      g_autoptr (GHashTable) files = run_files (seeds[s]);
      g_autofree char *html = html_of (files);
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *sum = parse_object (parser, g_hash_table_lookup (files, "summary.json"));
      JsonObject *services;
      g_autoptr (GList) names = NULL;
      GList *l;

      if (!json_object_has_member (sum, "services"))
        {
          cr_expect_null (strstr (html, "<g class=\"budget\""), "%s", seeds[s]);
          continue;
        }
      services = json_object_get_object_member (sum, "services");
      names = json_object_get_members (services);
      for (l = names; l != NULL; l = l->next)
        {
          JsonObject *budget = json_object_get_object_member (json_object_get_object_member (services, l->data),
                                                              "budget");
          g_autofree char *open = g_strdup_printf ("<g class=\"budget\" data-service=\"%s\"",
                                                   (const char *) l->data);
          const char *p = strstr (html, open), *end;
          double total = json_object_get_double_member (budget, "total"), added = 0;
          guint phases = 0;

          cr_assert_not_null (p, "%s: no budget bar for %s", seeds[s], (const char *) l->data);
          end = strstr (p, "</g>");
          for (p = strstr (p, "data-phase=\""); p != NULL && p < end; p = strstr (p + 1, "data-phase=\""))
            {
              g_autofree char *phase = g_strndup (p + 12, strcspn (p + 12, "\""));
              const char *sec = strstr (p, "data-seconds=\"");
              double v = g_ascii_strtod (sec + 14, NULL);

              cr_expect (fabs (v - json_object_get_double_member (budget, phase)) <= 1e-6 * MAX (1, v),
                         "%s: %s %g", seeds[s], phase, v);
              added += v;
              phases++;
            }
          cr_expect_gt (phases, 0);
          cr_expect (fabs (added - total) <= 1e-6 * MAX (1, total), "%s: phases %g, total %g",
                     seeds[s], added, total);
          checked++;
        }
    }
  cr_assert_geq (checked, 2, "at least two seed scenarios have clients");
}

/* One row per notice in the event log, and a CDF path per service with affected clients. */
Test (report, event_log_and_cdf_follow_the_files)
{
  guint s;

  for (s = 0; s < G_N_ELEMENTS (seeds); s++)
    {
      g_autoptr (GHashTable) files = run_files (seeds[s]);
      g_autofree char *html = html_of (files);
      g_autoptr (FsCsv) notices = fs_csv_parse ("notices.csv", g_hash_table_lookup (files, "notices.csv"),
                                                -1, NULL);
      const char *table = strstr (html, "<table id=\"event-table\">");

      cr_assert_not_null (notices);
      cr_expect_eq (count (table, "<tr class=\"t-"), fs_csv_n_rows (notices), "%s", seeds[s]);
      if (g_hash_table_contains (files, "clients.csv"))
        cr_expect_geq (count (html, "<g class=\"cdf\"><title>"), 1, "%s", seeds[s]);
      else
        cr_expect_eq (count (html, "<g class=\"cdf\">"), 0, "%s", seeds[s]);
    }
}

Test (report, same_files_give_the_same_bytes)
{
  g_autoptr (GHashTable) a = run_files ("scenarios/change-ip-failover.yaml");
  g_autoptr (GHashTable) b = run_files ("scenarios/change-ip-failover.yaml");
  g_autofree char *x = html_of (a);
  g_autofree char *y = html_of (b);

  cr_assert_str_eq (x, y);
}

/* A directory written by fs_output_write_run reads back into the same page. */
Test (report, run_directory_reads_back_to_the_same_page)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-report-XXXXXX", NULL);
  g_autofree char *page = g_build_filename (tmp, "report.html", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load ("scenarios/woodgrove-azure.yaml", NULL, &error);
  g_autoptr (FsSim) sim = NULL;
  g_autoptr (GHashTable) mem = NULL;
  g_autoptr (GHashTable) disk = NULL;
  g_autofree char *from_mem = NULL, *from_disk = NULL, *written = NULL;
  FsRunInfo info = { 0 };
  GHashTableIter it;
  gpointer key, value;

  cr_assert_not_null (sc);
  info.seed = fs_scenario_seed (sc);
  info.horizon = fs_scenario_duration (sc);
  sim = fs_sim_new (sc, info.seed, 0, &error);
  info.status = fs_sim_run (sim, info.horizon);
  fs_sim_finish (sim);
  cr_assert (fs_output_write_run (tmp, sim, &info, &error), "%s", error ? error->message : "");
  mem = fs_report_files_from_sim (sim, &info);
  disk = fs_report_read_dir (tmp, &error);
  cr_assert_not_null (disk, "%s", error ? error->message : "");
  cr_assert_eq (g_hash_table_size (mem), g_hash_table_size (disk));
  from_mem = fs_report_html (mem, tmp, &error);
  from_disk = fs_report_html (disk, tmp, &error);
  cr_assert_str_eq (from_mem, from_disk);
  cr_assert (fs_report_write_from_dir (tmp, page, &error), "%s", error ? error->message : "");
  cr_assert (g_file_get_contents (page, &written, NULL, NULL));
  cr_assert_str_eq (written, from_disk);

  g_hash_table_iter_init (&it, disk);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      g_autofree char *path = g_build_filename (tmp, key, NULL);
      g_unlink (path);
    }
  g_unlink (page);
  g_rmdir (tmp);
}

/* --- bad input --------------------------------------------------------------------------------- */

/* @files with @name replaced by @text (NULL: removed), turned into a page that must fail with a
 * message holding @expect. */
static void
expect_failure (const char *name, const char *text, const char *expect)
{
  g_autoptr (GHashTable) files = run_files ("scenarios/change-ip-failover.yaml");
  g_autoptr (GError) error = NULL;
  g_autofree char *html = NULL;

  if (text == NULL)
    g_hash_table_remove (files, name);
  else
    g_hash_table_replace (files, (gpointer) name, g_strdup (text));
  html = fs_report_html (files, "out/run1", &error);
  cr_assert_null (html, "%s accepted", name);
  cr_assert (g_error_matches (error, FS_REPORT_ERROR, FS_REPORT_ERROR_MALFORMED), "%s", error->message);
  cr_assert (strstr (error->message, expect), "%s: got '%s', wanted '%s'", name, error->message, expect);
}

Test (report, malformed_files_are_named)
{
  expect_failure ("summary.json", "{ \"scenario\": ", "out/run1/summary.json:1:");
  expect_failure ("summary.json", "[]", "out/run1/summary.json: expected a JSON object");
  expect_failure ("summary.json", "{\"scenario\": {\"name\": [3], \"file\": \"x\"}, \"run\": {}}",
                  "out/run1/summary.json: scenario.name: expected a string");
  expect_failure ("topology.json", "{\"sites\": 1}", "out/run1/topology.json: sites: expected an array");
  expect_failure ("topology.json", NULL, "out/run1/topology.json: missing");
  expect_failure ("notices.csv", "time_ns,time,topic,subject,value,detail\n1,00:00:00,a.down,x,0,\n"
                  "zz,00:00:00,a.up,x,0,\n", "out/run1/notices.csv:3: time_ns: 'zz' is not a number");
  expect_failure ("notices.csv", "time_ns,time,topic,subject,value,detail\n1,00:00:00,a.down,x,0\n",
                  "out/run1/notices.csv:2: 5 fields where the header has 6");
  expect_failure ("notices.csv", "time,topic\n", "out/run1/notices.csv: no column 'time_ns'");
  expect_failure ("clients.csv", "service,failed,downtime_s\n\"app,1,2\n",
                  "out/run1/clients.csv:2: a quoted field never ends");
  expect_failure ("recovery.csv", "service,time_s,served\nnope,0,1\n",
                  "out/run1/recovery.csv:2: service 'nope' is not in summary.json");
  expect_failure ("recovery.csv", NULL, "out/run1/recovery.csv: missing");
}

Test (report, missing_directory_and_file_are_named)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("failsim-report-XXXXXX", NULL);

  cr_assert_null (fs_report_read_dir ("no/such/dir", &error));
  cr_assert (strstr (error->message, "no/such/dir: not a directory"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_null (fs_report_read_dir (tmp, &error));
  cr_assert (g_error_matches (error, FS_REPORT_ERROR, FS_REPORT_ERROR_MISSING));
  cr_assert (strstr (error->message, "/summary.json: cannot read: no such file"), "%s", error->message);
  g_rmdir (tmp);
}

/* --- the CSV reader ------------------------------------------------------------------------------ */

static FsCsv *
csv_ok (const char *text, guint columns, guint rows)
{
  g_autoptr (GError) error = NULL;
  FsCsv *csv = fs_csv_parse ("t.csv", text, -1, &error);

  cr_assert_not_null (csv, "%s", error ? error->message : "");
  cr_assert_eq (fs_csv_n_columns (csv), columns);
  cr_assert_eq (fs_csv_n_rows (csv), rows);
  return csv;
}

static void
csv_bad (const char *text, const char *expect)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsCsv) csv = fs_csv_parse ("t.csv", text, -1, &error);

  cr_assert_null (csv, "accepted: %s", text);
  cr_assert (g_error_matches (error, FS_REPORT_ERROR, FS_REPORT_ERROR_MALFORMED));
  cr_assert_str_eq (error->message, expect);
}

Test (report, csv_reads_quotes_commas_and_line_breaks)
{
  g_autoptr (FsCsv) csv = csv_ok ("a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,,\"\"\n", 3, 2);

  cr_assert_str_eq (fs_csv_get (csv, 0, 0), "x,y");
  cr_assert_str_eq (fs_csv_get (csv, 0, 1), "say \"hi\"");
  cr_assert_str_eq (fs_csv_get (csv, 0, 2), "two\nlines");
  cr_assert_str_eq (fs_csv_get (csv, 1, 0), "plain");
  cr_assert_str_eq (fs_csv_get (csv, 1, 1), "");
  cr_assert_str_eq (fs_csv_get (csv, 1, 2), "");
  cr_assert_eq (fs_csv_line (csv, 0), 2);
  cr_assert_eq (fs_csv_line (csv, 1), 4, "the quoted line break counts");
  cr_assert_eq (fs_csv_column (csv, "c"), 2);
  cr_assert_eq (fs_csv_column (csv, "d"), -1);
}

Test (report, csv_accepts_crlf_and_a_missing_last_line_break)
{
  g_autoptr (FsCsv) a = csv_ok ("a,b\r\n1,2\r\n3,4", 2, 2);
  g_autoptr (FsCsv) b = csv_ok ("a,b\n", 2, 0);
  g_autoptr (FsCsv) c = csv_ok ("a,b\n1,", 2, 1);

  cr_assert_str_eq (fs_csv_get (a, 1, 1), "4");
  cr_assert_str_eq (fs_csv_get (a, 0, 1), "2", "no CR left in a field");
  cr_assert_str_eq (fs_csv_get (c, 0, 1), "");
}

/* What fs_output_csv_field writes reads back to the text it was given. */
Test (report, csv_round_trips_what_failsim_writes)
{
  const char *fields[] = { "=cmd|' /C calc'!A0", "+1", "-x", "@SUM(A1)", "\ttab", "a,b", "q\"q",
                           "line\nbreak", "<script>alert(1)</script>", "plain", "" };
  g_autoptr (GString) text = g_string_new ("f\n");
  g_autoptr (FsCsv) csv = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      fs_output_csv_field (text, fields[i]);
      g_string_append_c (text, '\n');
    }
  /* An empty field makes an empty line, which a one-column table reads as an empty field. */
  csv = csv_ok (text->str, 1, G_N_ELEMENTS (fields));
  for (i = 0; i < G_N_ELEMENTS (fields); i++)
    cr_expect_str_eq (fs_csv_get (csv, i, 0), fields[i]);
}

Test (report, csv_refuses_what_is_not_csv)
{
  csv_bad ("", "t.csv:1: empty: no header row");
  csv_bad ("a,b\n1,\"open\n\n", "t.csv:2: a quoted field never ends");
  csv_bad ("a,b\n1,x\"y\n", "t.csv:2: a quote inside a field that is not quoted");
  csv_bad ("a,b\n1,\"x\"y\n", "t.csv:2: text after a closing quote");
  csv_bad ("a,b\n1,2\n1,2,3\n", "t.csv:3: 3 fields where the header has 2");
  csv_bad ("a,b\n1,2\n\n", "t.csv:3: 1 field where the header has 2");
}

/* --- the command ----------------------------------------------------------------------------------- */

/* Result, result_clear (), failsim (): tests/run-failsim.h. */

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;

  while (d != NULL && (entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

Test (report, command_help_is_complete)
{
  Result r = failsim ("report", "--help", NULL);
  Result top = failsim ("--help", NULL);
  Result run = failsim ("run", "--help", NULL);

  cr_assert_eq (r.status, 0);
  cr_assert (strstr (r.out, "Usage:\n  failsim report [OPTION"), "%s", r.out);
  cr_assert (strstr (r.out, "RUN_DIR"));
  cr_assert (strstr (r.out, "-o, --out=FILE"));
  cr_assert (strstr (r.out, "topology") && strstr (r.out, "CDF") && strstr (r.out, "budget")
             && strstr (r.out, "event log"), "what it shows");
  cr_assert (strstr (r.out, "Examples:\n  failsim run"));
  cr_assert (strstr (r.out, "Exit status: 0 success"));
  cr_assert (strstr (top.out, "  report "), "%s", top.out);
  cr_assert (strstr (run.out, "--html=FILE"), "%s", run.out);
  result_clear (&r);
  result_clear (&top);
  result_clear (&run);
}

Test (report, bad_run_dir_exits_2_naming_the_file)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-report-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (tmp, "r.html", NULL);
  g_autofree char *notices = g_build_filename (tmp, "notices.csv", NULL);
  Result r = failsim ("report", "no/such/dir", "-o", out, NULL);
  Result usage = failsim ("report", "no/such/dir", NULL);
  Result run = failsim ("run", "scenarios/subnet-failover.yaml", "-q", "--out", tmp, NULL);
  Result bad;

  cr_assert_eq (r.status, 2);
  cr_assert (strstr (r.err, "failsim report: no/such/dir: not a directory"), "%s", r.err);
  cr_assert_eq (usage.status, 2);
  cr_assert (strstr (usage.err, "--out FILE is required"), "%s", usage.err);
  cr_assert_eq (run.status, 0, "%s", run.err);
  cr_assert (g_file_set_contents (notices, "time_ns,time,topic,subject,value,detail\n\"1,x\n", -1, NULL));
  bad = failsim ("report", tmp, "-o", out, NULL);
  cr_assert_eq (bad.status, 2);
  cr_assert (strstr (bad.err, "notices.csv:2: a quoted field never ends"), "%s", bad.err);
  cr_assert_not (g_file_test (out, G_FILE_TEST_EXISTS), "nothing written on failure");
  result_clear (&r);
  result_clear (&usage);
  result_clear (&run);
  result_clear (&bad);
  remove_dir (tmp);
}

/* run --html, with or without --out, writes the page report makes from the directory. */
Test (report, run_html_is_the_report_of_the_run)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-report-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "run", NULL);
  g_autofree char *a = g_build_filename (tmp, "a.html", NULL);
  g_autofree char *b = g_build_filename (tmp, "b.html", NULL);
  g_autofree char *c = g_build_filename (tmp, "c.html", NULL);
  g_autofree char *ta = NULL, *tb = NULL, *tc = NULL;
  Result r1 = failsim ("run", "scenarios/change-ip-failover.yaml", "-q", "--out", dir, "--html", a, NULL);
  Result r2 = failsim ("report", dir, "-o", b, NULL);
  Result r3 = failsim ("run", "scenarios/change-ip-failover.yaml", "-q", "--html", c, NULL);
  Result r4 = failsim ("run", "scenarios/change-ip-failover.yaml", "-q", "--reps", "2", "--html", c, NULL);

  cr_assert_eq (r1.status, 0, "%s", r1.err);
  cr_assert_eq (r2.status, 0, "%s", r2.err);
  cr_assert_eq (r3.status, 0, "%s", r3.err);
  cr_assert_eq (r4.status, 2, "--html with --reps");
  cr_assert (g_file_get_contents (a, &ta, NULL, NULL));
  cr_assert (g_file_get_contents (b, &tb, NULL, NULL));
  cr_assert (g_file_get_contents (c, &tc, NULL, NULL));
  cr_assert_str_eq (ta, tb);
  cr_assert_str_eq (ta, tc);
  result_clear (&r1);
  result_clear (&r2);
  result_clear (&r3);
  result_clear (&r4);
  remove_dir (dir);
  g_unlink (a);
  g_unlink (b);
  g_unlink (c);
  g_rmdir (tmp);
}
