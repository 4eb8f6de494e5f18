/* cmd-generate.c: `failsim generate`: write a large synthetic estate as a scenario file. */
#include <stdio.h>

#include "cli.h"
#include "failsim/generate.h"

int
fs_cmd_generate (int argc, char **argv)
{
  g_autofree char *sites_text = NULL, *vms_text = NULL, *resolvers_text = NULL;
  g_autofree char *clients_text = NULL, *seed_text = NULL, *out_path = NULL;
  const GOptionEntry entries[] = {
    { "sites", 0, 0, G_OPTION_ARG_STRING, &sites_text,
      "Sites: a primary datacenter, a recovery datacenter and S-2 branches (default 20, at least 3)", "S" },
    { "vms", 0, 0, G_OPTION_ARG_STRING, &vms_text,
      "VMs at the primary, each with a stopped replica at the recovery site (default 1000)", "V" },
    { "resolvers", 0, 0, G_OPTION_ARG_STRING, &resolvers_text,
      "Recursive resolvers, spread over the branches (default 100)", "R" },
    { "clients", 0, 0, G_OPTION_ARG_STRING, &clients_text,
      "Clients, spread over the branches and services, one request a minute each (default 100000)", "C" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      "The scenario's seed:, which also draws the link latencies (default 1)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
      "Write the scenario to FILE, atomically (default: standard output)", "FILE" },
    G_OPTION_ENTRY_NULL
  };
  FsGenerateOptions opt = { 20, 1000, 100, 100000, 1 };
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  guint64 v;

  if (!fs_cli_parse ("generate", "",
                     "Write a large synthetic estate as a scenario file, with a failover and a failback.",
                     "The estate: sites dc-primary and dc-recovery (datacenters) and branch-0001 ...;\n"
                     "one router per site; a private link between the datacenters and a VPN from\n"
                     "each branch to each datacenter (latencies 5 to 44 ms, drawn from the seed).\n"
                     "V VMs sit 50 to a /24 at the primary (10.0.0.0/10), each with a stopped replica\n"
                     "at the recovery site (10.64.0.0/10, a change-IP failover). One zone,\n"
                     "corp.example, on a DNS server in each datacenter (updates: any), holds a\n"
                     "record per VM (TTL 300 s) that the VM and its replica register. R resolvers\n"
                     "sit in the branches; V/10 services (at least one) are each served by a VM and\n"
                     "its replica; C clients in max(V/10, S-2, R) populations (fewer when C is smaller)\n"
                     "spread over the branches and services, one request a minute each, three in\n"
                     "four with an OS cache, one in four with a browser's.\n"
                     "\n"
                     "Timeline: 10m the primary is lost; 12m every replica starts (boot\n"
                     "lognormal(90s, 30s)) and registers its new address; 40m the primary comes\n"
                     "back and its VMs register again; 50m the replicas stop (failback). The run\n"
                     "lasts 1h. The same options give the same bytes.\n"
                     "\n"
                     "Limits: S from 3 to 16000, V from 1 to 800000, R from 1 to 200 per branch,\n"
                     "C from 1 to 10000000.\n"
                     "\n"
                     "Examples:\n"
                     "  failsim generate --sites 4 --vms 20 --resolvers 4 --clients 200 -o small.yaml\n"
                     "  failsim generate --clients 1000000 -o estate.yaml && failsim run estate.yaml\n"
                     "\n"
                     "Exit status: 0 success, 1 the file could not be written, 2 usage error.",
                     entries, &argc, &argv))
    return FS_EXIT_USAGE;
  if (argc != 1)
    return fs_cli_usage_error ("generate", "unexpected argument '%s'", argv[1]);
  if (!fs_cli_parse_count ("generate", "--sites", sites_text, 3, &opt.sites)
      || !fs_cli_parse_count ("generate", "--vms", vms_text, 1, &opt.vms)
      || !fs_cli_parse_count ("generate", "--resolvers", resolvers_text, 1, &opt.resolvers)
      || !fs_cli_parse_count ("generate", "--clients", clients_text, 1, &opt.clients))
    return FS_EXIT_USAGE;
  if (seed_text != NULL)
    {
      if (!g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &v, &error))
        return fs_cli_usage_error ("generate", "--seed: %s", error->message);
      opt.seed = v;
    }
  text = fs_generate_scenario (&opt, &error);
  if (text == NULL)
    return fs_cli_usage_error ("generate", "%s", error->message);
  if (out_path == NULL)
    {
      if (fputs (text, stdout) == EOF || fflush (stdout) != 0)
        {
          fprintf (stderr, "failsim generate: cannot write to standard output\n");
          return FS_EXIT_FAILURE;
        }
      return FS_EXIT_OK;
    }
  /* g_file_set_contents writes a temporary file in the same directory and renames it. */
  if (!g_file_set_contents (out_path, text, -1, &error))
    {
      fprintf (stderr, "failsim generate: %s\n", error->message);
      return FS_EXIT_FAILURE;
    }
  return FS_EXIT_OK;
}
