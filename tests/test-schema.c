/* test-schema.c: reading mappings by FsField tables: every type, defaults, nulls, every message. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>

#include "failsim/schema.h"

typedef struct {
  char *name;
  char *description;
  gboolean enabled;
  int64_t count;
  uint64_t seed;
  double weight;
  double failure_probability;
  FsTime ttl;
  FsDist *boot;
  int kind;
  const FsNode *extra;
} Site;

enum { KIND_DATACENTER, KIND_BRANCH, KIND_CLOUD_REGION };

static const char *const kinds[] = { "datacenter", "branch", "cloud-region", NULL };

static const FsField site_fields[] = {
  { .key = "name", .type = FS_FIELD_NAME, .offset = offsetof (Site, name), .required = TRUE,
    .help = "The site's name.", .example = "primary" },
  { .key = "description", .type = FS_FIELD_STRING, .offset = offsetof (Site, description),
    .def = "no description", .help = "Free text." },
  { .key = "enabled", .type = FS_FIELD_BOOL, .offset = offsetof (Site, enabled), .def = "yes" },
  { .key = "count", .type = FS_FIELD_INT, .offset = offsetof (Site, count), .def = "3",
    .min = 1, .max = 1000 },
  { .key = "seed", .type = FS_FIELD_UINT64, .offset = offsetof (Site, seed), .def = "7" },
  { .key = "weight", .type = FS_FIELD_DOUBLE, .offset = offsetof (Site, weight), .def = "2.5",
    .dmin = 0.0, .dmax = 10.0 },
  { .key = "failure_probability", .type = FS_FIELD_PROB,
    .offset = offsetof (Site, failure_probability), .def = "1%" },
  { .key = "ttl", .type = FS_FIELD_DURATION, .offset = offsetof (Site, ttl), .def = "30s",
    .min = FS_SEC, .max = 7 * FS_DAY },
  { .key = "boot", .type = FS_FIELD_DIST, .offset = offsetof (Site, boot),
    .def = "lognormal(60s, 20s)" },
  { .key = "kind", .type = FS_FIELD_ENUM, .offset = offsetof (Site, kind), .def = "branch",
    .choices = kinds },
  { .key = "extra", .type = FS_FIELD_NODE, .offset = offsetof (Site, extra) },
  FS_FIELD_END
};

static const char *const all_keys = "name, description, enabled, count, seed, weight, "
                                    "failure_probability, ttl, boot, kind, extra";

/* A table without defaults or requirements: what absent means then. */
typedef struct {
  char *label;
  gboolean flag;
  int64_t n;
  double x;
  FsTime delay;
  FsDist *law;
  int choice;
  const FsNode *raw;
} Bare;

static const FsField bare_fields[] = {
  { .key = "label", .type = FS_FIELD_STRING, .offset = offsetof (Bare, label) },
  { .key = "flag", .type = FS_FIELD_BOOL, .offset = offsetof (Bare, flag) },
  { .key = "n", .type = FS_FIELD_INT, .offset = offsetof (Bare, n) },
  { .key = "x", .type = FS_FIELD_DOUBLE, .offset = offsetof (Bare, x) },
  { .key = "delay", .type = FS_FIELD_DURATION, .offset = offsetof (Bare, delay) },
  { .key = "law", .type = FS_FIELD_DIST, .offset = offsetof (Bare, law) },
  { .key = "choice", .type = FS_FIELD_ENUM, .offset = offsetof (Bare, choice), .choices = kinds },
  { .key = "raw", .type = FS_FIELD_NODE, .offset = offsetof (Bare, raw) },
  FS_FIELD_END
};

static FsNode *
load (const char *text)
{
  GError *error = NULL;
  FsNode *root = fs_node_load_data ("t.yaml", text, -1, &error);

  cr_assert_null (error, "unexpected error: %s", error->message);
  return root;
}

/* Reads the mapping "site:" of @text, which must succeed. */
static void
read_site_ok (const char *text, FsNode **root, Site *site)
{
  GError *error = NULL;

  *root = load (text);
  cr_assert (fs_schema_read (fs_node_get (*root, "site"), "site", site_fields, site, &error),
             "unexpected error: %s", error ? error->message : "");
}

/* Reads the mapping "site:" of @text, which must fail with @code and exactly @message. */
static void
assert_site_fails (const char *text, FsScenarioError code, const char *message)
{
  g_autoptr (FsNode) root = load (text);
  GError *error = NULL;
  Site site;

  cr_assert_not (fs_schema_read (fs_node_get (root, "site"), "site", site_fields, &site, &error));
  cr_assert_not_null (error);
  cr_assert_str_eq (error->message, message);
  cr_assert (g_error_matches (error, FS_SCENARIO_ERROR, (int) code), "code %d for: %s",
             error->code, error->message);
  g_error_free (error);
  fs_schema_clear (site_fields, &site);
}

/* --- reading -------------------------------------------------------------------------------- */

Test (schema, reads_every_field_type)
{
  g_autoptr (FsNode) root = NULL;
  Site site;

  read_site_ok ("site:\n"
                "  name: primary-1.eu_west\n"
                "  description: 'The main site: 2 halls'\n"
                "  enabled: Off\n"
                "  count: 1000\n"
                "  seed: 18446744073709551615\n"
                "  weight: 1e1\n"
                "  failure_probability: 0.25\n"
                "  ttl: 1h30m\n"
                "  boot: uniform(1s, 5s)\n"
                "  kind: cloud-region\n"
                "  extra: {any: [thing]}\n", &root, &site);

  cr_assert_str_eq (site.name, "primary-1.eu_west");
  cr_assert_str_eq (site.description, "The main site: 2 halls");
  cr_assert_eq (site.enabled, FALSE);
  cr_assert_eq (site.count, 1000);
  cr_assert_eq (site.seed, UINT64_MAX);
  cr_assert_float_eq (site.weight, 10.0, 1e-12);
  cr_assert_float_eq (site.failure_probability, 0.25, 1e-12);
  cr_assert_eq (site.ttl, FS_HOUR + 30 * FS_MIN);
  cr_assert_eq (fs_dist_kind (site.boot), FS_DIST_UNIFORM);
  cr_assert_float_eq (fs_dist_mean_s (site.boot), 3.0, 1e-12);
  cr_assert_eq (site.kind, KIND_CLOUD_REGION);
  cr_assert_eq (site.extra, fs_node_get (fs_node_get (root, "site"), "extra"));
  cr_assert_eq (site.extra->kind, FS_NODE_MAP);
  fs_schema_clear (site_fields, &site);
}

Test (schema, absent_keys_get_their_defaults_read_as_scenario_text)
{
  g_autoptr (FsNode) root = NULL;
  Site site;

  read_site_ok ("site: {name: b}\n", &root, &site);

  cr_assert_str_eq (site.name, "b");
  cr_assert_str_eq (site.description, "no description");
  cr_assert_eq (site.enabled, TRUE);
  cr_assert_eq (site.count, 3);
  cr_assert_eq (site.seed, 7);
  cr_assert_float_eq (site.weight, 2.5, 1e-12);
  cr_assert_float_eq (site.failure_probability, 0.01, 1e-12);
  cr_assert_eq (site.ttl, 30 * FS_SEC);
  cr_assert_eq (fs_dist_kind (site.boot), FS_DIST_LOGNORMAL);
  cr_assert_float_eq (fs_dist_mean_s (site.boot), 60.0, 1e-9);
  cr_assert_eq (site.kind, KIND_BRANCH);
  cr_assert_null (site.extra);
  fs_schema_clear (site_fields, &site);
}

Test (schema, absent_keys_without_a_default_are_zero)
{
  g_autoptr (FsNode) root = load ("bare: {}\n");
  Bare bare;
  GError *error = NULL;

  memset (&bare, 0xAB, sizeof bare);
  cr_assert (fs_schema_read (fs_node_get (root, "bare"), "bare", bare_fields, &bare, &error));
  cr_assert_null (bare.label);
  cr_assert_eq (bare.flag, FALSE);
  cr_assert_eq (bare.n, 0);
  cr_assert_float_eq (bare.x, 0.0, 0.0);
  cr_assert_eq (bare.delay, 0);
  cr_assert_null (bare.law);
  cr_assert_eq (bare.choice, 0);
  cr_assert_null (bare.raw);
  fs_schema_clear (bare_fields, &bare);
}

Test (schema, null_values_count_as_absent)
{
  g_autoptr (FsNode) root = NULL;
  Site site;

  read_site_ok ("site:\n"
                "  name: a\n"
                "  description:\n"
                "  enabled: ~\n"
                "  count: null\n"
                "  ttl: NULL\n"
                "  boot: Null\n"
                "  kind:\n"
                "  extra: ~\n", &root, &site);

  cr_assert_str_eq (site.description, "no description");
  cr_assert_eq (site.enabled, TRUE);
  cr_assert_eq (site.count, 3);
  cr_assert_eq (site.ttl, 30 * FS_SEC);
  cr_assert_eq (fs_dist_kind (site.boot), FS_DIST_LOGNORMAL);
  cr_assert_eq (site.kind, KIND_BRANCH);
  cr_assert_null (site.extra);
  fs_schema_clear (site_fields, &site);
}

Test (schema, quoted_null_words_are_text)
{
  g_autoptr (FsNode) root = NULL;
  Site site;

  read_site_ok ("site: {name: 'null', description: '~'}\n", &root, &site);
  cr_assert_str_eq (site.name, "null");
  cr_assert_str_eq (site.description, "~");
  fs_schema_clear (site_fields, &site);

  fs_node_free (root);
  read_site_ok ("site: {name: x, description: ''}\n", &root, &site);
  cr_assert_str_eq (site.description, "");
  fs_schema_clear (site_fields, &site);
}

Test (schema, a_required_key_given_as_null_is_missing)
{
  assert_site_fails ("site:\n  name: ~\n", FS_SCENARIO_ERROR_MISSING,
                     "t.yaml:2:3: error: site is missing required key 'name'");
  assert_site_fails ("site:\n  name:\n", FS_SCENARIO_ERROR_MISSING,
                     "t.yaml:2:3: error: site is missing required key 'name'");
}

Test (schema, a_missing_required_key_is_located_at_the_mapping)
{
  assert_site_fails ("x: 1\nsite:\n    ttl: 5s\n", FS_SCENARIO_ERROR_MISSING,
                     "t.yaml:3:5: error: site is missing required key 'name'");
}

Test (schema, values_from_set_are_located_at_the_set)
{
  g_autoptr (FsNode) root = load ("site: {name: a}\n");
  GError *error = NULL;
  Site site;

  cr_assert (fs_node_apply_set (root, "site.ttl=8d", 2, NULL));
  cr_assert_not (fs_schema_read (fs_node_get (root, "site"), "site", site_fields, &site, &error));
  cr_assert_str_eq (error->message, "--set:2:10: error: 'ttl' must be between 1s and 7d, got 8d");
  g_error_free (error);
  fs_schema_clear (site_fields, &site);
}

Test (schema, a_quoted_set_value_is_still_a_string)
{
  g_autoptr (FsNode) root = load ("site: {name: a}\n");
  Site site;

  cr_assert (fs_node_apply_set (root, "site.description='~'", 1, NULL));
  cr_assert (fs_schema_read (fs_node_get (root, "site"), "site", site_fields, &site, NULL));
  cr_assert_str_eq (site.description, "~");
  fs_schema_clear (site_fields, &site);
}

/* --- the mapping and its keys --------------------------------------------------------------- */

Test (schema, the_value_must_be_a_mapping)
{
  assert_site_fails ("site: [a, b]\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:7: error: a site must be a mapping (key: value lines), got a list");
  assert_site_fails ("site: primary\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:7: error: a site must be a mapping (key: value lines), got a "
                     "single value");
}

Test (schema, what_takes_its_article)
{
  g_autoptr (FsNode) root = load ("event: 5\n");
  GError *error = NULL;
  Bare bare;

  cr_assert_not (fs_schema_read (fs_node_get (root, "event"), "event", bare_fields, &bare,
                                 &error));
  cr_assert_str_eq (error->message,
                    "t.yaml:1:8: error: an event must be a mapping (key: value lines), got a "
                    "single value");
  g_error_free (error);
}

Test (schema, an_unknown_key_suggests_the_closest_one)
{
  assert_site_fails ("site:\n  name: a\n  tll: 5s\n", FS_SCENARIO_ERROR_UNKNOWN_KEY,
                     "t.yaml:3:3: error: unknown key 'tll' in site; did you mean 'ttl'?");
  assert_site_fails ("site:\n  name: a\n  failure-probability: 5%\n",
                     FS_SCENARIO_ERROR_UNKNOWN_KEY,
                     "t.yaml:3:3: error: unknown key 'failure-probability' in site; did you mean "
                     "'failure_probability'?");
}

Test (schema, an_unknown_key_without_a_close_one_lists_them_all)
{
  g_autofree char *expected = g_strdup_printf ("t.yaml:1:17: error: unknown key 'zzz' in site; "
                                               "expected one of: %s", all_keys);

  assert_site_fails ("site: {name: a, zzz: 1}\n", FS_SCENARIO_ERROR_UNKNOWN_KEY, expected);
}

Test (schema, keys_are_matched_exactly)
{
  assert_site_fails ("site: {Name: a}\n", FS_SCENARIO_ERROR_UNKNOWN_KEY,
                     "t.yaml:1:8: error: unknown key 'Name' in site; did you mean 'name'?");
}

Test (schema, the_first_problem_in_the_file_is_reported)
{
  assert_site_fails ("site:\n  count: x\n  bogus: 1\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:2:10: error: 'count' must be a whole number, got 'x'");
}

Test (schema, a_long_value_is_cut_short_in_messages)
{
  g_autofree char *nines = g_strnfill (100, '9');
  g_autofree char *text = g_strdup_printf ("site: {name: a, count: %s}\n", nines);

  assert_site_fails (text, FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:24: error: 'count' must be between 1 and 1000, got "
                     "999999999999999999999999999999999999999999999999999999999999...");
}

/* --- each type ------------------------------------------------------------------------------ */

Test (schema, a_single_value_field_refuses_a_mapping_or_list)
{
  assert_site_fails ("site:\n  name: a\n  description: {x: 1}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:3:16: error: 'description' must be a single value, got a mapping");
  assert_site_fails ("site:\n  name: a\n  ttl: [1s]\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:3:8: error: 'ttl' must be a single value, got a list");
}

Test (schema, a_name_is_letters_digits_dots_dashes_and_underscores)
{
  g_autofree char *long_name = g_strnfill (65, 'a');
  g_autofree char *text = g_strdup_printf ("site: {name: %s}\n", long_name);
  g_autofree char *longest = g_strdup_printf ("site: {name: 9%s}\n", long_name + 2);
  g_autoptr (FsNode) root = NULL;
  Site site;

  assert_site_fails ("site: {name: 'a b'}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:14: error: 'name' must be a name of letters, digits, '.', '-' or "
                     "'_' (got 'a b')");
  assert_site_fails ("site: {name: \"\"}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:14: error: 'name' must be a name of letters, digits, '.', '-' or "
                     "'_' (got '')");
  assert_site_fails ("site: {name: caf\xc3\xa9}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:14: error: 'name' must be a name of letters, digits, '.', '-' or "
                     "'_' (got 'caf\xc3\xa9')");
  assert_site_fails ("site: {name: -a}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:14: error: 'name' must start with a letter or digit (got '-a')");
  assert_site_fails (text, FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:14: error: 'name' must be at most 64 characters long, got 65");

  read_site_ok (longest, &root, &site);
  cr_assert_eq (strlen (site.name), 64);
  fs_schema_clear (site_fields, &site);
}

Test (schema, a_bool_is_true_false_yes_no_on_off_in_any_case)
{
  static const char *const truths[] = { "true", "True", "YES", "on", NULL };
  static const char *const lies[] = { "false", "FALSE", "no", "Off", NULL };

  for (int i = 0; truths[i] != NULL; i++)
    {
      g_autofree char *text = g_strdup_printf ("site: {name: a, enabled: %s}\n", truths[i]);
      g_autoptr (FsNode) root = NULL;
      Site site;

      read_site_ok (text, &root, &site);
      cr_assert_eq (site.enabled, TRUE, "%s", truths[i]);
      fs_schema_clear (site_fields, &site);
    }
  for (int i = 0; lies[i] != NULL; i++)
    {
      g_autofree char *text = g_strdup_printf ("site: {name: a, enabled: %s}\n", lies[i]);
      g_autoptr (FsNode) root = NULL;
      Site site;

      read_site_ok (text, &root, &site);
      cr_assert_eq (site.enabled, FALSE, "%s", lies[i]);
      fs_schema_clear (site_fields, &site);
    }
}

Test (schema, a_bool_refuses_other_words_and_quotes)
{
  assert_site_fails ("site: {name: a, enabled: maybe}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:26: error: 'enabled' must be true or false, got 'maybe'");
  assert_site_fails ("site: {name: a, enabled: 1}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:26: error: 'enabled' must be true or false, got '1'");
  assert_site_fails ("site: {name: a, enabled: 'no'}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:26: error: 'enabled' must be true or false without quotes, got "
                     "'no' in quotes");
}

Test (schema, an_int_is_a_whole_decimal_number)
{
  static const struct { const char *text; int64_t value; } good[] = {
    { "1", 1 }, { "+42", 42 }, { "0999", 999 }, { "'17'", 17 },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *text = g_strdup_printf ("site: {name: a, count: %s}\n", good[i].text);
      g_autoptr (FsNode) root = NULL;
      Site site;

      read_site_ok (text, &root, &site);
      cr_assert_eq (site.count, good[i].value, "%s", good[i].text);
      fs_schema_clear (site_fields, &site);
    }
}

Test (schema, an_int_refuses_junk_and_values_out_of_range)
{
  assert_site_fails ("site: {name: a, count: 1.5}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:24: error: 'count' must be a whole number, got '1.5'");
  assert_site_fails ("site: {name: a, count: 0x10}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:24: error: 'count' must be a whole number, got '0x10'");
  assert_site_fails ("site: {name: a, count: 1e3}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:24: error: 'count' must be a whole number, got '1e3'");
  assert_site_fails ("site: {name: a, count: ' 5'}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:24: error: 'count' must be a whole number, got ' 5'");
  assert_site_fails ("site: {name: a, count: 0}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:24: error: 'count' must be between 1 and 1000, got 0");
  assert_site_fails ("site: {name: a, count: 1001}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:24: error: 'count' must be between 1 and 1000, got 1001");
  assert_site_fails ("site: {name: a, count: 99999999999999999999}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:24: error: 'count' must be between 1 and 1000, got "
                     "99999999999999999999");
}

Test (schema, an_int_without_bounds_takes_any_int64)
{
  g_autoptr (FsNode) root = load ("n: -9223372036854775808\nbig: 9223372036854775808\n");
  GError *error = NULL;
  int64_t n = 0;

  cr_assert (fs_schema_get_int (fs_node_get (root, "n"), "n", 0, 0, &n, &error));
  cr_assert_eq (n, INT64_MIN);
  cr_assert_not (fs_schema_get_int (fs_node_get (root, "big"), "big", 0, 0, &n, &error));
  cr_assert_str_eq (error->message, "t.yaml:2:6: error: 'big' must be between "
                                    "-9223372036854775808 and 9223372036854775807, got "
                                    "9223372036854775808");
  cr_assert_eq (n, INT64_MIN);
  g_error_free (error);
}

Test (schema, an_int_bound_at_the_extreme_is_one_sided)
{
  g_autoptr (FsNode) root = load ("n: -1\nm: 5\n");
  GError *error = NULL;
  int64_t n = 0;

  cr_assert_not (fs_schema_get_int (fs_node_get (root, "n"), "n", 0, INT64_MAX, &n, &error));
  cr_assert_str_eq (error->message, "t.yaml:1:4: error: 'n' must be at least 0, got -1");
  g_clear_error (&error);
  cr_assert_not (fs_schema_get_int (fs_node_get (root, "m"), "m", INT64_MIN, 4, &n, &error));
  cr_assert_str_eq (error->message, "t.yaml:2:4: error: 'm' must be at most 4, got 5");
  g_clear_error (&error);
}

Test (schema, a_uint64_takes_the_whole_unsigned_range)
{
  assert_site_fails ("site: {name: a, seed: -1}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:23: error: 'seed' must be a whole number, 0 or more, got '-1'");
  assert_site_fails ("site: {name: a, seed: 2.0}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:23: error: 'seed' must be a whole number, 0 or more, got '2.0'");
  assert_site_fails ("site: {name: a, seed: 18446744073709551616}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:23: error: 'seed' must be between 0 and 18446744073709551615, got "
                     "18446744073709551616");
}

Test (schema, a_double_is_a_finite_decimal_number)
{
  static const struct { const char *text; double value; } good[] = {
    { "0", 0.0 }, { "2.5", 2.5 }, { ".5", 0.5 }, { "5.", 5.0 }, { "+1e-3", 0.001 },
    { "1E1", 10.0 },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *text = g_strdup_printf ("site: {name: a, weight: %s}\n", good[i].text);
      g_autoptr (FsNode) root = NULL;
      Site site;

      read_site_ok (text, &root, &site);
      cr_assert_float_eq (site.weight, good[i].value, 1e-15, "%s", good[i].text);
      fs_schema_clear (site_fields, &site);
    }
}

Test (schema, a_double_refuses_junk_infinities_and_values_out_of_range)
{
  static const char *const junk[] = { "abc", "nan", "inf", "-inf", "0x10", "1e999", "1,5",
                                      "1.5.2", "e5", ".", "", NULL };

  for (int i = 0; junk[i] != NULL; i++)
    {
      g_autofree char *text = g_strdup_printf ("site: {name: a, weight: '%s'}\n", junk[i]);
      g_autofree char *message = g_strdup_printf ("t.yaml:1:25: error: 'weight' must be a "
                                                  "number, got '%s'", junk[i]);

      assert_site_fails (text, FS_SCENARIO_ERROR_TYPE, message);
    }
  assert_site_fails ("site: {name: a, weight: 10.5}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:25: error: 'weight' must be between 0 and 10, got 10.5");
  assert_site_fails ("site: {name: a, weight: -1e-9}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:25: error: 'weight' must be between 0 and 10, got -1e-9");
}

Test (schema, a_probability_is_a_number_from_0_to_1_or_a_percentage)
{
  static const struct { const char *text; double value; } good[] = {
    { "0", 0.0 }, { "1", 1.0 }, { "0.05", 0.05 }, { "5%", 0.05 }, { "0%", 0.0 },
    { "100%", 1.0 }, { "12.5%", 0.125 },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *text = g_strdup_printf ("site: {name: a, failure_probability: %s}\n",
                                               good[i].text);
      g_autoptr (FsNode) root = NULL;
      Site site;

      read_site_ok (text, &root, &site);
      cr_assert_float_eq (site.failure_probability, good[i].value, 1e-15, "%s", good[i].text);
      fs_schema_clear (site_fields, &site);
    }
}

Test (schema, a_probability_refuses_junk_and_values_out_of_range)
{
  assert_site_fails ("site: {name: a, failure_probability: 1.5}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:38: error: 'failure_probability' must be a probability between 0 "
                     "and 1 (or a percentage such as 5%), got 1.5");
  assert_site_fails ("site: {name: a, failure_probability: 101%}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:38: error: 'failure_probability' must be a probability between 0 "
                     "and 1 (or a percentage such as 5%), got 101%");
  assert_site_fails ("site: {name: a, failure_probability: -0.1}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:38: error: 'failure_probability' must be a probability between 0 "
                     "and 1 (or a percentage such as 5%), got -0.1");
  assert_site_fails ("site: {name: a, failure_probability: often}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:38: error: 'failure_probability' must be a probability between 0 "
                     "and 1 (or a percentage such as 5%), got 'often'");
  assert_site_fails ("site: {name: a, failure_probability: '%'}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:38: error: 'failure_probability' must be a probability between 0 "
                     "and 1 (or a percentage such as 5%), got '%'");
  assert_site_fails ("site: {name: a, failure_probability: 5 %}\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:38: error: 'failure_probability' must be a probability between 0 "
                     "and 1 (or a percentage such as 5%), got '5 %'");
}

Test (schema, a_duration_is_read_by_the_time_parser)
{
  g_autoptr (FsNode) root = NULL;
  Site site;

  read_site_ok ("site: {name: a, ttl: 7d}\n", &root, &site);
  cr_assert_eq (site.ttl, 7 * FS_DAY);
  fs_schema_clear (site_fields, &site);
}

Test (schema, a_duration_error_is_the_time_parser_sentence_after_the_key)
{
  g_autoptr (GError) cause = NULL;
  g_autofree char *expected = NULL;
  FsTime t;

  cr_assert_not (fs_time_parse ("soon", &t, &cause));
  expected = g_strdup_printf ("t.yaml:1:22: error: 'ttl': %s", cause->message);
  assert_site_fails ("site: {name: a, ttl: soon}\n", FS_SCENARIO_ERROR_TYPE, expected);

  g_clear_error (&cause);
  g_free (expected);
  cr_assert_not (fs_time_parse ("-5s", &t, &cause));
  expected = g_strdup_printf ("t.yaml:1:22: error: 'ttl': %s", cause->message);
  assert_site_fails ("site: {name: a, ttl: -5s}\n", FS_SCENARIO_ERROR_RANGE, expected);
}

Test (schema, a_duration_out_of_range_shows_the_bounds_as_durations)
{
  assert_site_fails ("site: {name: a, ttl: 10d}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:22: error: 'ttl' must be between 1s and 7d, got 10d");
  assert_site_fails ("site: {name: a, ttl: 999ms}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:22: error: 'ttl' must be between 1s and 7d, got 999ms");
  assert_site_fails ("site: {name: a, ttl: 0}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:22: error: 'ttl' must be between 1s and 7d, got 0");
}

Test (schema, a_one_sided_duration_range_says_at_least_or_at_most)
{
  static const FsField at_least[] = {
    { .key = "t", .type = FS_FIELD_DURATION, .offset = 0, .min = FS_MSEC, .max = FS_TIME_MAX },
    FS_FIELD_END
  };
  static const FsField at_most[] = {
    { .key = "t", .type = FS_FIELD_DURATION, .offset = 0, .min = 0, .max = FS_MIN },
    FS_FIELD_END
  };
  g_autoptr (FsNode) root = load ("a: {t: 0}\nb: {t: 1h}\n");
  GError *error = NULL;
  FsTime t;

  cr_assert_not (fs_schema_read (fs_node_get (root, "a"), "a", at_least, &t, &error));
  cr_assert_str_eq (error->message, "t.yaml:1:8: error: 't' must be at least 1ms, got 0");
  g_clear_error (&error);
  cr_assert_not (fs_schema_read (fs_node_get (root, "b"), "b", at_most, &t, &error));
  cr_assert_str_eq (error->message, "t.yaml:2:8: error: 't' must be at most 1m, got 1h");
  g_clear_error (&error);
}

Test (schema, a_dist_error_is_the_dist_parser_sentence_after_the_key)
{
  static const char *const bad[] = { "bogus(1s)", "normal(1s, 0s)", "lognormal(60s", "5parsecs",
                                     NULL };

  for (int i = 0; bad[i] != NULL; i++)
    {
      g_autoptr (GError) cause = NULL;
      g_autofree char *text = g_strdup_printf ("site: {name: a, boot: '%s'}\n", bad[i]);
      g_autofree char *expected = NULL;
      gboolean range;

      cr_assert_null (fs_dist_parse (bad[i], &cause));
      range = cause->code == FS_DIST_ERROR_RANGE && cause->domain == FS_DIST_ERROR;
      expected = g_strdup_printf ("t.yaml:1:23: error: 'boot': %s", cause->message);
      assert_site_fails (text, range ? FS_SCENARIO_ERROR_RANGE : FS_SCENARIO_ERROR_TYPE,
                         expected);
    }
}

Test (schema, an_enum_stores_the_index_of_its_choice)
{
  for (int i = 0; kinds[i] != NULL; i++)
    {
      g_autofree char *text = g_strdup_printf ("site: {name: a, kind: %s}\n", kinds[i]);
      g_autoptr (FsNode) root = NULL;
      Site site;

      read_site_ok (text, &root, &site);
      cr_assert_eq (site.kind, i);
      fs_schema_clear (site_fields, &site);
    }
}

Test (schema, an_enum_lists_its_choices_and_suggests_the_closest)
{
  assert_site_fails ("site: {name: a, kind: dc}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:23: error: 'kind' must be one of datacenter, branch, cloud-region; "
                     "got 'dc'");
  assert_site_fails ("site: {name: a, kind: branh}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:23: error: 'kind' must be one of datacenter, branch, cloud-region; "
                     "got 'branh', did you mean 'branch'?");
  assert_site_fails ("site: {name: a, kind: Branch}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:23: error: 'kind' must be one of datacenter, branch, cloud-region; "
                     "got 'Branch', did you mean 'branch'?");
  assert_site_fails ("site: {name: a, kind: cloud_region}\n", FS_SCENARIO_ERROR_RANGE,
                     "t.yaml:1:23: error: 'kind' must be one of datacenter, branch, cloud-region; "
                     "got 'cloud_region', did you mean 'cloud-region'?");
}

Test (schema, a_node_field_borrows_any_node)
{
  g_autoptr (FsNode) root = load ("bare:\n  raw: [1, 2]\n");
  Bare bare;

  cr_assert (fs_schema_read (fs_node_get (root, "bare"), "bare", bare_fields, &bare, NULL));
  cr_assert_eq (bare.raw, fs_node_get (fs_node_get (root, "bare"), "raw"));
  cr_assert_eq (bare.raw->kind, FS_NODE_SEQ);
  fs_schema_clear (bare_fields, &bare);
  /* Borrowed: clearing leaves it to the tree. */
  cr_assert_eq (bare.raw, fs_node_get (fs_node_get (root, "bare"), "raw"));
}

/* --- defaults, clearing, keys --------------------------------------------------------------- */

static const FsField broken_fields[] = {
  { .key = "ttl", .type = FS_FIELD_DURATION, .offset = 0, .def = "thirty seconds" },
  FS_FIELD_END
};

Test (schema, a_default_that_does_not_read_is_a_programmer_error, .signal = SIGTRAP)
{
  g_autoptr (FsNode) root = load ("m: {}\n");
  FsTime ttl;

  fs_schema_read (fs_node_get (root, "m"), "m", broken_fields, &ttl, NULL);
}

Test (schema, clear_frees_owned_values_and_is_safe_twice)
{
  g_autoptr (FsNode) root = NULL;
  Site site;

  read_site_ok ("site: {name: a, description: x, boot: exponential(5s)}\n", &root, &site);
  fs_schema_clear (site_fields, &site);
  cr_assert_null (site.name);
  cr_assert_null (site.description);
  cr_assert_null (site.boot);
  fs_schema_clear (site_fields, &site);
  cr_assert_null (site.name);
}

Test (schema, a_failed_read_leaves_only_what_clear_frees)
{
  g_autoptr (FsNode) root = load ("site: {name: a, description: d, boot: 5s, kind: x}\n");
  Site site;

  memset (&site, 0xAB, sizeof site);
  cr_assert_not (fs_schema_read (fs_node_get (root, "site"), "site", site_fields, &site, NULL));
  cr_assert_str_eq (site.name, "a");
  cr_assert_not_null (site.boot);
  cr_assert_null (site.extra);
  fs_schema_clear (site_fields, &site);
  cr_assert_null (site.boot);
}

Test (schema, keys_lists_the_table_in_order)
{
  g_autofree const char **keys = fs_schema_keys (site_fields);
  g_autofree char *joined = g_strjoinv (", ", (char **) keys);

  cr_assert_str_eq (joined, all_keys);
  cr_assert_null (keys[11]);
}

/* --- single values -------------------------------------------------------------------------- */

Test (schema, scalar_accepts_a_scalar_and_names_the_key_otherwise)
{
  g_autoptr (FsNode) root = load ("a: x\nb: {c: 1}\nd: []\n");
  GError *error = NULL;

  cr_assert (fs_schema_scalar (fs_node_get (root, "a"), "a", &error));
  cr_assert_not (fs_schema_scalar (fs_node_get (root, "b"), "b", &error));
  cr_assert_str_eq (error->message, "t.yaml:2:4: error: 'b' must be a single value, got a mapping");
  cr_assert (g_error_matches (error, FS_SCENARIO_ERROR, FS_SCENARIO_ERROR_TYPE));
  g_clear_error (&error);
  cr_assert_not (fs_schema_scalar (fs_node_get (root, "d"), "d", &error));
  cr_assert_str_eq (error->message, "t.yaml:3:4: error: 'd' must be a single value, got a list");
  g_clear_error (&error);
}

Test (schema, get_duration_reads_and_reports_like_a_field)
{
  g_autoptr (FsNode) root = load ("at: 1m30s\nbad: soon\nlist: [1s]\n");
  g_autoptr (GError) cause = NULL;
  g_autofree char *expected = NULL;
  GError *error = NULL;
  FsTime t = 0;

  cr_assert (fs_schema_get_duration (fs_node_get (root, "at"), "at", &t, &error));
  cr_assert_eq (t, 90 * FS_SEC);

  cr_assert_not (fs_time_parse ("soon", &t, &cause));
  expected = g_strdup_printf ("t.yaml:2:6: error: 'bad': %s", cause->message);
  cr_assert_not (fs_schema_get_duration (fs_node_get (root, "bad"), "bad", &t, &error));
  cr_assert_str_eq (error->message, expected);
  cr_assert_eq (t, 90 * FS_SEC, "unchanged on failure");
  g_clear_error (&error);

  cr_assert_not (fs_schema_get_duration (fs_node_get (root, "list"), "list", &t, &error));
  cr_assert_str_eq (error->message, "t.yaml:3:7: error: 'list' must be a single value, got a list");
  g_clear_error (&error);
}

Test (schema, get_int_checks_its_bounds)
{
  g_autoptr (FsNode) root = load ("n: 5\nm: 50\nj: five\n");
  GError *error = NULL;
  int64_t n = 0;

  cr_assert (fs_schema_get_int (fs_node_get (root, "n"), "n", 1, 10, &n, &error));
  cr_assert_eq (n, 5);
  cr_assert_not (fs_schema_get_int (fs_node_get (root, "m"), "m", 1, 10, &n, &error));
  cr_assert_str_eq (error->message, "t.yaml:2:4: error: 'm' must be between 1 and 10, got 50");
  g_clear_error (&error);
  cr_assert_not (fs_schema_get_int (fs_node_get (root, "j"), "j", 1, 10, &n, &error));
  cr_assert_str_eq (error->message, "t.yaml:3:4: error: 'j' must be a whole number, got 'five'");
  g_clear_error (&error);
  cr_assert_eq (n, 5);
}

Test (schema, get_bool_reads_and_reports_like_a_field)
{
  g_autoptr (FsNode) root = load ("a: on\nb: perhaps\n");
  GError *error = NULL;
  gboolean b = FALSE;

  cr_assert (fs_schema_get_bool (fs_node_get (root, "a"), "a", &b, &error));
  cr_assert_eq (b, TRUE);
  cr_assert_not (fs_schema_get_bool (fs_node_get (root, "b"), "b", &b, &error));
  cr_assert_str_eq (error->message, "t.yaml:2:4: error: 'b' must be true or false, got 'perhaps'");
  g_clear_error (&error);
}

Test (schema, get_dist_returns_an_owned_distribution)
{
  g_autoptr (FsNode) root = load ("a: weibull(10s, 1.5)\nb: gamma(1s)\n");
  g_autoptr (FsDist) dist = NULL;
  g_autoptr (GError) cause = NULL;
  g_autofree char *expected = NULL;
  GError *error = NULL;

  dist = fs_schema_get_dist (fs_node_get (root, "a"), "a", &error);
  cr_assert_not_null (dist);
  cr_assert_eq (fs_dist_kind (dist), FS_DIST_WEIBULL);

  cr_assert_null (fs_dist_parse ("gamma(1s)", &cause));
  expected = g_strdup_printf ("t.yaml:2:4: error: 'b': %s", cause->message);
  cr_assert_null (fs_schema_get_dist (fs_node_get (root, "b"), "b", &error));
  cr_assert_str_eq (error->message, expected);
  g_clear_error (&error);
}

/* --- fs_schema_resolve ------------------------------------------------------------------------ */

Test (schema, resolve_finds_a_name_or_says_what_exists)
{
  g_autoptr (FsNode) root = load ("a: primary\nb: primray\nc: zzz\nd: [x]\n");
  const char *names[] = { "primary", "recovery" };
  GError *error = NULL;

  cr_assert_eq (fs_schema_resolve (fs_node_get (root, "a"), "site", names, 2, &error), 0);
  cr_assert_eq (fs_schema_resolve (fs_node_get (root, "b"), "site", names, 2, &error), -1);
  cr_assert_str_eq (error->message, "t.yaml:2:4: error: no site named 'primray'; did you mean 'primary'?");
  g_clear_error (&error);
  cr_assert_eq (fs_schema_resolve (fs_node_get (root, "c"), "site", names, 2, &error), -1);
  cr_assert_str_eq (error->message, "t.yaml:3:4: error: no site named 'zzz'; the sites are: primary, recovery");
  g_clear_error (&error);
  cr_assert_eq (fs_schema_resolve (fs_node_get (root, "c"), "VLAN", NULL, 0, &error), -1);
  cr_assert_str_eq (error->message, "t.yaml:3:4: error: no VLAN named 'zzz': the scenario declares none");
  g_clear_error (&error);
  cr_assert_eq (fs_schema_resolve (fs_node_get (root, "d"), "site", names, 2, &error), -1);
  cr_assert_str_eq (error->message, "t.yaml:4:4: error: a site must be named by a single value");
  g_clear_error (&error);
}
