/* cmd-report.c: `failsim report`: one self-contained HTML page from a run directory. */
#include <stdio.h>

#include "cli.h"
#include "failsim/report.h"

int
fs_cmd_report (int argc, char **argv)
{
  g_autofree char *out_path = NULL;
  g_autoptr (GError) error = NULL;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
      "Write the page to FILE (required), e.g. report.html", "FILE" },
    G_OPTION_ENTRY_NULL
  };

  if (!fs_cli_parse ("report", "RUN_DIR",
                     "Make one self-contained HTML page of a run that failsim run --out RUN_DIR wrote.",
                     "The page shows:\n"
                     "  - a header: the scenario's name and file, seed, horizon, and the headline\n"
                     "    figures (mean client downtime, clients affected, client-seconds lost, and\n"
                     "    the spread of broadcast storms when there were any);\n"
                     "  - the topology: sites by kind, their routers, the links between them (kind,\n"
                     "    latency), subnets and VLANs (stretched ones spanning sites), coloured by\n"
                     "    what went down or was flooded, and when;\n"
                     "  - availability over time: the share of each service's clients served, and\n"
                     "    a bar per outage of every site, router, link, host ..., with the\n"
                     "    timeline's actions marked;\n"
                     "  - the CDF of client downtime over the affected clients, with mean, p50, p95,\n"
                     "    p99 and max;\n"
                     "  - the downtime budget: the mean downtime split into its phases (detection,\n"
                     "    orchestration, boot, routing, dns_update, dns, dns_violation, retry,\n"
                     "    other) as a stacked bar, with the figures;\n"
                     "  - the event log: every notice, as a table (sortable and filterable when\n"
                     "    JavaScript is on).\n"
                     "\n"
                     "It reads only the files in RUN_DIR (summary.json, topology.json, outages.csv,\n"
                     "notices.csv and, when the run has clients, clients.csv and recovery.csv), so\n"
                     "it works on a run made earlier. The page loads nothing from elsewhere (inline\n"
                     "CSS and SVG), escapes every name from the scenario, and is written atomically.\n"
                     "The same run directory gives the same bytes. failsim run --html FILE makes the\n"
                     "same page straight from a run. docs/report.md describes it.\n"
                     "\n"
                     "Examples:\n"
                     "  failsim run scenarios/change-ip-failover.yaml --out out/run1\n"
                     "  failsim report out/run1 -o out/run1/report.html\n"
                     "  failsim run scenarios/stretched-vlan-storm.yaml --html storm.html\n"
                     "\n"
                     "Exit status: 0 success, 1 the page could not be written, 2 usage error or a\n"
                     "missing or malformed file in RUN_DIR (the message names the file, and the\n"
                     "line for CSV).",
                     entries, &argc, &argv))
    return FS_EXIT_USAGE;
  if (argc != 2)
    return fs_cli_usage_error ("report", argc < 2 ? "a run directory is required"
                                                  : "one run directory at a time (got %d)", argc - 1);
  if (out_path == NULL)
    return fs_cli_usage_error ("report", "--out FILE is required");

  {
    g_autoptr (GHashTable) files = fs_report_read_dir (argv[1], &error);
    g_autofree char *html = NULL;

    if (files == NULL || (html = fs_report_html (files, argv[1], &error)) == NULL)
      {
        fprintf (stderr, "failsim report: %s\n", error->message);
        return FS_EXIT_USAGE;
      }
    if (!fs_output_write_file (out_path, html, -1, &error))
      {
        fprintf (stderr, "failsim report: %s\n", error->message);
        return FS_EXIT_FAILURE;
      }
  }
  return FS_EXIT_OK;
}
