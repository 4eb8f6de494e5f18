/* test-node.c: the node tree: positions, quoting, rejections, limits, --set, "did you mean". */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "failsim/node.h"

static FsNode *
load_ok (const char *text)
{
  GError *error = NULL;
  FsNode *root = fs_node_load_data ("t.yaml", text, -1, &error);

  cr_assert_null (error, "unexpected error: %s", error->message);
  cr_assert_not_null (root);
  return root;
}

static void
assert_load_fails_len (const char *text, gssize len, FsScenarioError code, const char *message)
{
  GError *error = NULL;
  FsNode *root = fs_node_load_data ("t.yaml", text, len, &error);

  cr_assert_null (root);
  cr_assert_not_null (error);
  cr_assert_str_eq (error->message, message);
  cr_assert (g_error_matches (error, FS_SCENARIO_ERROR, (int) code),
             "domain/code %s/%d for: %s", g_quark_to_string (error->domain), error->code,
             error->message);
  g_error_free (error);
}

static void
assert_load_fails (const char *text, FsScenarioError code, const char *message)
{
  assert_load_fails_len (text, -1, code, message);
}

static void
assert_at (const FsNode *node, FsNodeKind kind, int line, int col)
{
  cr_assert_not_null (node);
  cr_assert_eq (node->kind, kind, "kind %d, expected %d", node->kind, kind);
  cr_assert_eq (node->line, line, "line %d, expected %d", node->line, line);
  cr_assert_eq (node->col, col, "col %d, expected %d", node->col, col);
}

static void
assert_scalar (const FsNode *node, const char *text, gboolean quoted)
{
  cr_assert_not_null (node);
  cr_assert_eq (node->kind, FS_NODE_SCALAR);
  cr_assert_str_eq (node->text, text);
  cr_assert_eq (node->quoted, quoted, "quoted %d for '%s'", node->quoted, text);
}

/* --- positions and content ------------------------------------------------------------------ */

Test (node, positions_of_keys_and_values_are_one_based)
{
  g_autoptr (FsNode) root = load_ok ("name: lab\n"
                                     "sites:\n"
                                     "  - name: primary\n"
                                     "    ttl:   30s\n"
                                     "  - {name: backup, ttl: 5s}\n");
  const FsNode *sites, *primary, *backup;

  assert_at (root, FS_NODE_MAP, 1, 1);
  cr_assert_eq (fs_node_len (root), 2);
  assert_at (fs_node_key (root, 0), FS_NODE_SCALAR, 1, 1);
  assert_at (fs_node_value (root, 0), FS_NODE_SCALAR, 1, 7);
  assert_at (fs_node_key (root, 1), FS_NODE_SCALAR, 2, 1);

  sites = fs_node_get (root, "sites");
  assert_at (sites, FS_NODE_SEQ, 3, 3);
  cr_assert_eq (fs_node_len (sites), 2);

  primary = fs_node_item (sites, 0);
  assert_at (primary, FS_NODE_MAP, 3, 5);
  assert_at (fs_node_key (primary, 1), FS_NODE_SCALAR, 4, 5);
  assert_at (fs_node_get (primary, "ttl"), FS_NODE_SCALAR, 4, 12);
  assert_scalar (fs_node_get (primary, "ttl"), "30s", FALSE);

  backup = fs_node_item (sites, 1);
  assert_at (backup, FS_NODE_MAP, 5, 5);
  assert_at (fs_node_key (backup, 0), FS_NODE_SCALAR, 5, 6);
  assert_at (fs_node_get (backup, "name"), FS_NODE_SCALAR, 5, 12);
  assert_at (fs_node_get (backup, "ttl"), FS_NODE_SCALAR, 5, 25);
}

Test (node, a_mapping_value_is_located_where_the_value_starts)
{
  g_autoptr (FsNode) root = load_ok ("timeline:\n"
                                     "\n"
                                     "    - at: 1m\n"
                                     "note: >\n"
                                     "  folded\n");

  assert_at (fs_node_key (root, 0), FS_NODE_SCALAR, 1, 1);
  assert_at (fs_node_get (root, "timeline"), FS_NODE_SEQ, 3, 5);
  assert_at (fs_node_get (root, "note"), FS_NODE_SCALAR, 4, 7);
}

Test (node, columns_count_characters_not_bytes)
{
  g_autoptr (FsNode) root = load_ok ("\xc3\xa9t\xc3\xa9: \xe2\x82\xac 5\n");

  assert_at (fs_node_value (root, 0), FS_NODE_SCALAR, 1, 6);
  assert_scalar (fs_node_value (root, 0), "\xe2\x82\xac 5", FALSE);
}

Test (node, an_empty_value_is_an_empty_plain_scalar_just_after_the_colon)
{
  g_autoptr (FsNode) root = load_ok ("a:\nbb: 2\nlist:\n  -\n  - x\n");

  assert_scalar (fs_node_get (root, "a"), "", FALSE);
  assert_at (fs_node_get (root, "a"), FS_NODE_SCALAR, 1, 3);
  assert_scalar (fs_node_item (fs_node_get (root, "list"), 0), "", FALSE);
}

Test (node, scalars_keep_their_text_and_whether_they_were_quoted)
{
  g_autoptr (FsNode) root = load_ok ("plain: 42\n"
                                     "single: '42'\n"
                                     "double: \"a\\tb\"\n"
                                     "literal: |\n  two\n  lines\n"
                                     "folded: >-\n  one\n  line\n"
                                     "tilde: ~\n"
                                     "null_word: null\n"
                                     "quoted_null: 'null'\n"
                                     "str_tag: !!str 5\n"
                                     "bare_tag: ! 6\n"
                                     "spaced:   x y   \n");

  assert_scalar (fs_node_get (root, "plain"), "42", FALSE);
  assert_scalar (fs_node_get (root, "single"), "42", TRUE);
  assert_scalar (fs_node_get (root, "double"), "a\tb", TRUE);
  assert_scalar (fs_node_get (root, "literal"), "two\nlines\n", TRUE);
  assert_scalar (fs_node_get (root, "folded"), "one line", TRUE);
  assert_scalar (fs_node_get (root, "tilde"), "~", FALSE);
  assert_scalar (fs_node_get (root, "null_word"), "null", FALSE);
  assert_scalar (fs_node_get (root, "quoted_null"), "null", TRUE);
  assert_scalar (fs_node_get (root, "str_tag"), "5", TRUE);
  assert_scalar (fs_node_get (root, "bare_tag"), "6", TRUE);
  assert_scalar (fs_node_get (root, "spaced"), "x y", FALSE);
}

Test (node, core_schema_tags_are_accepted)
{
  g_autoptr (FsNode) root = load_ok ("--- !!map\n"
                                     "n: !!int 5\n"
                                     "l: !!seq [!!float 1.5, !!bool true, !!null ~]\n");

  assert_scalar (fs_node_get (root, "n"), "5", FALSE);
  cr_assert_eq (fs_node_len (fs_node_get (root, "l")), 3);
}

Test (node, a_document_may_start_with_a_marker_and_end_with_dots)
{
  g_autoptr (FsNode) root = load_ok ("# a comment\n---\nname: x # trailing\n...\n");

  assert_scalar (fs_node_get (root, "name"), "x", FALSE);
  assert_at (fs_node_key (root, 0), FS_NODE_SCALAR, 3, 1);
}

Test (node, a_utf8_byte_order_mark_is_skipped)
{
  g_autoptr (FsNode) root = load_ok ("\xef\xbb\xbfname: x\n");

  assert_scalar (fs_node_get (root, "name"), "x", FALSE);
}

Test (node, file_names_are_interned)
{
  g_autofree char *name = g_strdup ("interned.yaml");
  g_autoptr (FsNode) root = fs_node_load_data (name, "a: {b: [c]}", -1, NULL);
  const FsNode *c = fs_node_item (fs_node_get (fs_node_get (root, "a"), "b"), 0);

  cr_assert_eq (root->file, g_intern_string ("interned.yaml"));
  cr_assert_eq (c->file, root->file);
}

Test (node, data_with_an_explicit_length_is_not_read_past_it)
{
  g_autoptr (FsNode) root = fs_node_load_data ("t.yaml", "a: 1\nb: 2\n", 5, NULL);

  cr_assert_not_null (root);
  cr_assert_eq (fs_node_len (root), 1);
}

Test (node, accessors_answer_for_every_kind)
{
  g_autoptr (FsNode) root = load_ok ("m: {x: 1}\ns: [1, 2, 3]\nv: 7\n");

  cr_assert_eq (fs_node_len (fs_node_get (root, "m")), 1);
  cr_assert_eq (fs_node_len (fs_node_get (root, "s")), 3);
  cr_assert_eq (fs_node_len (fs_node_get (root, "v")), 0);
  cr_assert_null (fs_node_get (root, "absent"));
  cr_assert_null (fs_node_get (fs_node_get (root, "v"), "x"));
  cr_assert_null (fs_node_get (NULL, "x"));
  assert_scalar (fs_node_item (fs_node_get (root, "s"), 2), "3", FALSE);
  cr_assert_str_eq (fs_node_kind_name (FS_NODE_MAP), "a mapping");
  cr_assert_str_eq (fs_node_kind_name (FS_NODE_SEQ), "a list");
  cr_assert_str_eq (fs_node_kind_name (FS_NODE_SCALAR), "a single value");
}

/* --- rejections ----------------------------------------------------------------------------- */

Test (node, a_yaml_syntax_error_is_located_with_the_parser_problem)
{
  assert_load_fails ("name: x\nsites:\n  a: 1\n   b: 2\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:4:5: error: YAML: mapping values are not allowed in this context");
}

Test (node, a_yaml_syntax_error_names_its_context)
{
  assert_load_fails ("a: [1, 2\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:2:1: error: YAML: did not find expected ',' or ']' "
                     "(while parsing a flow sequence at line 1)");
  assert_load_fails ("a: \"open\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:2:1: error: YAML: found unexpected end of stream "
                     "(while scanning a quoted scalar at line 1)");
}

Test (node, a_tab_used_to_indent_is_named)
{
  assert_load_fails ("name: tabs\nsites:\n\t- name: a\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:3:1: error: YAML: a tab cannot indent; indent with spaces");
  assert_load_fails ("a:\n  b: 1\n  \tc: 2\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:3:3: error: YAML: a tab cannot indent; indent with spaces");
}

Test (node, a_tab_between_key_and_value_is_fine)
{
  g_autoptr (FsNode) root = load_ok ("a:\t1\n");

  assert_scalar (fs_node_get (root, "a"), "1", FALSE);
}

Test (node, invalid_utf8_is_not_a_text_file)
{
  assert_load_fails ("name: x\nnote: caf\xe9\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:2:10: error: not a text file: invalid UTF-8 at byte 17");
}

Test (node, binary_garbage_is_not_a_text_file)
{
  static const char garbage[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                                "\x03\x00\x3e\x00\x01\x00\x00\x00\x10\x6b\x00\x00";
  g_autofree char *random = g_malloc (4096);
  GRand *rand = g_rand_new_with_seed (42);
  GError *error = NULL;
  FsNode *root;

  assert_load_fails_len (garbage, sizeof garbage - 1, FS_SCENARIO_ERROR_SYNTAX,
                         "t.yaml:1:8: error: not a text file: a NUL byte at byte 7");

  for (int i = 0; i < 4096; i++)
    random[i] = (char) g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  root = fs_node_load_data ("t.yaml", random, 4096, &error);
  cr_assert_null (root);
  cr_assert (g_error_matches (error, FS_SCENARIO_ERROR, FS_SCENARIO_ERROR_SYNTAX));
  cr_assert (strstr (error->message, ": error: not a text file: ") != NULL, "%s", error->message);
  g_error_free (error);
}

Test (node, a_nul_byte_is_not_a_text_file)
{
  assert_load_fails_len ("a: 1\nb: \0\n", 10, FS_SCENARIO_ERROR_SYNTAX,
                         "t.yaml:2:4: error: not a text file: a NUL byte at byte 8");
}

Test (node, a_control_character_is_not_a_text_file)
{
  assert_load_fails ("a: 1\nb: x\x01y\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:2:5: error: not a text file: character U+0001 at byte 9 is not "
                     "allowed");
}

Test (node, utf16_is_refused_rather_than_decoded)
{
  assert_load_fails_len ("\xff\xfe" "a\0:\0 \0" "1\0", 10, FS_SCENARIO_ERROR_SYNTAX,
                         "t.yaml:1:1: error: not a text file: invalid UTF-8 at byte 0");
}

Test (node, an_empty_file_is_refused)
{
  const char *message = "t.yaml:1:1: error: the file is empty: a scenario is a YAML mapping";

  assert_load_fails ("", FS_SCENARIO_ERROR_SYNTAX, message);
  assert_load_fails ("\n\n   \n", FS_SCENARIO_ERROR_SYNTAX, message);
  assert_load_fails ("---\n", FS_SCENARIO_ERROR_SYNTAX, message);
}

Test (node, a_file_of_only_comments_is_empty)
{
  assert_load_fails ("# a scenario\n\n# to be written\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:1:1: error: the file is empty: a scenario is a YAML mapping");
}

Test (node, the_top_level_must_be_a_mapping)
{
  assert_load_fails ("# sites\n- primary\n- backup\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:2:1: error: the top level must be a mapping (key: value lines), "
                     "not a list");
  assert_load_fails ("just some words\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:1: error: the top level must be a mapping (key: value lines), "
                     "not a single value");
  assert_load_fails ("~\n", FS_SCENARIO_ERROR_TYPE,
                     "t.yaml:1:1: error: the top level must be a mapping (key: value lines), "
                     "not a single value");
}

Test (node, a_duplicate_key_points_at_both)
{
  assert_load_fails ("name: x\nsites: []\nseed: 1\nsites: [a]\n", FS_SCENARIO_ERROR_DUPLICATE,
                     "t.yaml:4:1: error: duplicate key 'sites' (first at line 2)");
  assert_load_fails ("a:\n  b: 1\n  'b': 2\n", FS_SCENARIO_ERROR_DUPLICATE,
                     "t.yaml:3:3: error: duplicate key 'b' (first at line 2)");
  assert_load_fails ("a: {x: 1, x: 2}\n", FS_SCENARIO_ERROR_DUPLICATE,
                     "t.yaml:1:11: error: duplicate key 'x' (first at line 1)");
}

Test (node, the_same_key_in_different_mappings_is_fine)
{
  g_autoptr (FsNode) root = load_ok ("a: {name: x}\nb: {name: x}\nl: [{name: 1}, {name: 1}]\n");

  cr_assert_eq (fs_node_len (root), 3);
}

Test (node, anchors_and_aliases_are_refused)
{
  assert_load_fails ("a: &base 1\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:1:4: error: anchors and aliases (&, *) are not supported");
  assert_load_fails ("a: &m\n  x: 1\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:1:4: error: anchors and aliases (&, *) are not supported");
  assert_load_fails ("a: 1\nb: *base\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:2:4: error: anchors and aliases (&, *) are not supported");
}

Test (node, tags_beyond_the_core_ones_are_refused)
{
  assert_load_fails ("a: !!python/object:os.system 1\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:1:4: error: tags such as '!!python/object:os.system' are not "
                     "supported");
  assert_load_fails ("a: !local x\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:1:4: error: tags such as '!local' are not supported");
  assert_load_fails ("a: !!binary aGk=\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:1:4: error: tags such as '!!binary' are not supported");
  assert_load_fails ("a: !!map [1]\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:1:4: error: tags such as '!!map' are not supported");
}

Test (node, a_second_document_is_refused)
{
  assert_load_fails ("name: a\n---\nname: b\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:2:1: error: a second YAML document: a scenario file holds "
                     "exactly one");
}

Test (node, keys_must_be_single_values)
{
  assert_load_fails ("? [a, b]\n: 1\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:1:3: error: a key must be a single value, not a list");
  assert_load_fails ("{{a: 1}: 2}\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:1:2: error: a key must be a single value, not a mapping");
}

Test (node, a_nul_escape_in_a_value_is_refused)
{
  assert_load_fails ("a: \"x\\0y\"\n", FS_SCENARIO_ERROR_SYNTAX,
                     "t.yaml:1:4: error: a NUL character (\\0) is not allowed in a value");
}

/* --- limits --------------------------------------------------------------------------------- */

static char *
nested (int levels, gboolean close)
{
  GString *s = g_string_new ("a: ");

  for (int i = 0; i < levels; i++)
    g_string_append_c (s, '[');
  for (int i = 0; close && i < levels; i++)
    g_string_append_c (s, ']');
  g_string_append_c (s, '\n');
  return g_string_free (s, FALSE);
}

Test (node, nesting_up_to_the_limit_is_accepted)
{
  /* The root mapping is the first level. */
  g_autofree char *text = nested (FS_NODE_MAX_DEPTH - 1, TRUE);
  g_autoptr (FsNode) root = load_ok (text);
  const FsNode *n = fs_node_get (root, "a");
  int depth = 1;

  while (n->kind == FS_NODE_SEQ && fs_node_len (n) > 0)
    {
      n = fs_node_item (n, 0);
      depth++;
    }
  cr_assert_eq (depth + 1, FS_NODE_MAX_DEPTH);
}

Test (node, nesting_beyond_the_limit_is_refused)
{
  g_autofree char *text = nested (FS_NODE_MAX_DEPTH, TRUE);

  assert_load_fails (text, FS_SCENARIO_ERROR_LIMIT,
                     "t.yaml:1:67: error: nested too deeply: at most 64 levels of mappings "
                     "and lists");
}

Test (node, a_nesting_bomb_fails_without_crashing)
{
  g_autofree char *text = nested (100000, FALSE);

  assert_load_fails (text, FS_SCENARIO_ERROR_LIMIT,
                     "t.yaml:1:67: error: nested too deeply: at most 64 levels of mappings "
                     "and lists");
}

Test (node, a_deep_block_nesting_bomb_fails_without_crashing)
{
  GString *s = g_string_new (NULL);
  g_autofree char *text = NULL;

  for (int i = 0; i < 5000; i++)
    {
      for (int j = 0; j < i; j++)
        g_string_append_c (s, ' ');
      g_string_append (s, "k:\n");
    }
  text = g_string_free (s, FALSE);
  assert_load_fails (text, FS_SCENARIO_ERROR_LIMIT,
                     "t.yaml:65:65: error: nested too deeply: at most 64 levels of mappings "
                     "and lists");
}

Test (node, input_over_the_size_limit_is_refused_before_parsing)
{
  size_t size = 70 * 1024 * 1024;
  g_autofree char *text = g_malloc (size);
  gint64 start;

  memset (text, 'a', size);
  memcpy (text, "a: [", 4);
  start = g_get_monotonic_time ();
  assert_load_fails_len (text, (gssize) size, FS_SCENARIO_ERROR_LIMIT,
                         "t.yaml:1:1: error: the file is too large (70.0 MiB): a scenario may "
                         "be at most 64 MiB");
  /* Refusing must not depend on reading the text: well under a second, even under valgrind. */
  cr_assert_lt (g_get_monotonic_time () - start, G_USEC_PER_SEC);
}

/* --- files ---------------------------------------------------------------------------------- */

static char *
temp_dir (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("test-node-XXXXXX", &error);

  cr_assert_not_null (dir, "%s", error ? error->message : "");
  return dir;
}

Test (node, a_file_loads_with_its_path_in_positions)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "lab.yaml", NULL);
  g_autoptr (FsNode) root = NULL;
  GError *error = NULL;

  cr_assert (g_file_set_contents (path, "name: lab\n", -1, NULL));
  root = fs_node_load_file (path, &error);
  cr_assert_null (error);
  cr_assert_eq (root->file, g_intern_string (path));
  assert_scalar (fs_node_get (root, "name"), "lab", FALSE);
  g_unlink (path);
  g_rmdir (dir);
}

Test (node, an_error_in_a_file_is_located_by_its_path)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "bad.yaml", NULL);
  g_autofree char *expected = g_strdup_printf ("%s:2:9: error: duplicate key 'a' (first at line 2)",
                                               path);
  GError *error = NULL;

  cr_assert (g_file_set_contents (path, "a: {\n  a: 2, a: 3}\n", -1, NULL));
  cr_assert_null (fs_node_load_file (path, &error));
  cr_assert_str_eq (error->message, expected);
  g_error_free (error);
  g_unlink (path);
  g_rmdir (dir);
}

Test (node, a_missing_file_cannot_be_read)
{
  GError *error = NULL;

  cr_assert_null (fs_node_load_file ("/nonexistent/failsim/x.yaml", &error));
  cr_assert (g_error_matches (error, FS_SCENARIO_ERROR, FS_SCENARIO_ERROR_IO));
  cr_assert_str_eq (error->message, "/nonexistent/failsim/x.yaml: error: cannot read: "
                                    "No such file or directory");
  g_error_free (error);
}

Test (node, a_directory_cannot_be_read)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *expected = g_strdup_printf ("%s: error: cannot read: Is a directory", dir);
  GError *error = NULL;

  cr_assert_null (fs_node_load_file (dir, &error));
  cr_assert (g_error_matches (error, FS_SCENARIO_ERROR, FS_SCENARIO_ERROR_IO));
  cr_assert_str_eq (error->message, expected);
  g_error_free (error);
  g_rmdir (dir);
}

Test (node, a_file_over_the_size_limit_is_refused_without_reading_it)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "huge.yaml", NULL);
  g_autofree char *expected = g_strdup_printf ("%s:1:1: error: the file is too large (70.0 MiB): "
                                               "a scenario may be at most 64 MiB", path);
  GError *error = NULL;
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  /* Sparse: nothing is written, so the test costs no disk and no time. */
  cr_assert_geq (fd, 0);
  cr_assert_eq (ftruncate (fd, 70 * 1024 * 1024), 0);
  close (fd);
  cr_assert_null (fs_node_load_file (path, &error));
  cr_assert (g_error_matches (error, FS_SCENARIO_ERROR, FS_SCENARIO_ERROR_LIMIT));
  cr_assert_str_eq (error->message, expected);
  g_error_free (error);
  g_unlink (path);
  g_rmdir (dir);
}

/* --- messages ------------------------------------------------------------------------------- */

Test (node, errors_and_warnings_are_located)
{
  FsNode at = { FS_NODE_SCALAR, "s.yaml", 3, 7, NULL, FALSE, NULL };
  FsNode file_only = { FS_NODE_SCALAR, "s.yaml", 0, 0, NULL, FALSE, NULL };
  GError *error = NULL;
  g_autofree char *warning = fs_node_warning (&at, "'%s' is deprecated", "ttl");
  g_autofree char *bare = fs_node_warning (NULL, "%d runs", 3);

  cr_assert_not (fs_node_error (&error, &at, FS_SCENARIO_ERROR_RANGE, "'%s' too big", "n"));
  cr_assert_str_eq (error->message, "s.yaml:3:7: error: 'n' too big");
  cr_assert (g_error_matches (error, FS_SCENARIO_ERROR, FS_SCENARIO_ERROR_RANGE));
  g_clear_error (&error);

  cr_assert_not (fs_node_error (&error, NULL, FS_SCENARIO_ERROR_RULE, "no sites"));
  cr_assert_str_eq (error->message, "error: no sites");
  g_clear_error (&error);

  cr_assert_not (fs_node_error (&error, &file_only, FS_SCENARIO_ERROR_IO, "gone"));
  cr_assert_str_eq (error->message, "s.yaml: error: gone");
  g_clear_error (&error);

  cr_assert_not (fs_node_error (NULL, &at, FS_SCENARIO_ERROR_RULE, "ignored"));
  cr_assert_str_eq (warning, "s.yaml:3:7: warning: 'ttl' is deprecated");
  cr_assert_str_eq (bare, "warning: 3 runs");
}

/* --- did you mean --------------------------------------------------------------------------- */

Test (node, closest_finds_a_likely_typo)
{
  static const char *const keys[] = { "name", "kind", "region", "ttl", NULL };

  cr_assert_str_eq (fs_node_closest ("regoin", keys), "region");
  cr_assert_str_eq (fs_node_closest ("tll", keys), "ttl");
  cr_assert_str_eq (fs_node_closest ("nme", keys), "name");
  cr_assert_str_eq (fs_node_closest ("KIND", keys), "kind");
}

/* A transposition is the commonest slip and counts as one edit: with plain Levenshtein
 * "sties" would be 2 from "sites", over the limit of max(1, 5/3) = 1 for a five-letter word. */
Test (node, closest_counts_a_transposition_as_one_edit)
{
  const char *keys[] = { "name", "sites", "timeline", NULL };

  cr_assert_str_eq (fs_node_closest ("sties", keys), "sites");
  cr_assert_str_eq (fs_node_closest ("tiemline", keys), "timeline");
  cr_assert_null (fs_node_closest ("stise", keys));   /* two transpositions: 2 > 1 */
}

Test (node, closest_is_null_when_nothing_is_close)
{
  static const char *const keys[] = { "name", "kind", "region", NULL };
  static const char *const none[] = { NULL };

  cr_assert_null (fs_node_closest ("zzz", keys));
  cr_assert_null (fs_node_closest ("timeline", keys));
  cr_assert_null (fs_node_closest ("name", none));
  cr_assert_null (fs_node_closest ("name", NULL));
}

Test (node, closest_threshold_grows_with_the_word)
{
  static const char *const keys[] = { "abcdef", "xy", NULL };

  /* Six letters allow two edits, not three; two letters allow one. */
  cr_assert_str_eq (fs_node_closest ("abcdXY", keys), "abcdef");
  cr_assert_null (fs_node_closest ("abcXYZ", keys));
  cr_assert_str_eq (fs_node_closest ("xz", keys), "xy");
  cr_assert_null (fs_node_closest ("zz", keys));
}

Test (node, closest_takes_the_first_of_equally_close_candidates)
{
  static const char *const keys[] = { "cat", "car", "cap", NULL };

  cr_assert_str_eq (fs_node_closest ("cax", keys), "cat");
  cr_assert_str_eq (fs_node_closest ("cap", keys), "cap");
}

Test (node, closest_treats_swapped_separators_as_one_edit)
{
  static const char *const keys[] = { "fail_over_time", "cloud-region", NULL };

  cr_assert_str_eq (fs_node_closest ("fail-over-time", keys), "fail_over_time");
  cr_assert_str_eq (fs_node_closest ("cloud_region", keys), "cloud-region");
  /* Three letters allow a single edit, yet the swapped pair still counts as one. */
  cr_assert_str_eq (fs_node_closest ("a-b-c", (const char *const[]) { "a_b_c", NULL }), "a_b_c");
}

Test (node, closest_with_a_huge_word_is_cheap)
{
  static const char *const keys[] = { "name", NULL };
  g_autofree char *word = g_strnfill (10 * 1024 * 1024, 'n');

  cr_assert_null (fs_node_closest (word, keys));
}

/* --- --set ---------------------------------------------------------------------------------- */

static const char *const scenario =
  "name: lab\n"
  "seed: 7\n"
  "sites:\n"
  "  - name: primary\n"
  "    kind: datacenter\n"
  "  - name: backup\n"
  "    kind: branch\n"
  "timeline:\n"
  "  - at: 1m\n";

static void
set_ok (FsNode *root, const char *assignment, guint index)
{
  GError *error = NULL;

  cr_assert (fs_node_apply_set (root, assignment, index, &error), "%s",
             error ? error->message : "");
}

static void
assert_set_fails (const char *assignment, guint index, const char *message)
{
  g_autoptr (FsNode) root = load_ok (scenario);
  GError *error = NULL;

  cr_assert_not (fs_node_apply_set (root, assignment, index, &error));
  cr_assert_not_null (error);
  cr_assert_str_eq (error->message, message);
  cr_assert (g_error_matches (error, FS_SCENARIO_ERROR, FS_SCENARIO_ERROR_SET));
  g_error_free (error);
}

Test (set, replaces_a_top_level_scalar_and_locates_it)
{
  g_autoptr (FsNode) root = load_ok (scenario);
  const FsNode *seed;

  set_ok (root, "seed=42", 3);
  seed = fs_node_get (root, "seed");
  assert_scalar (seed, "42", FALSE);
  cr_assert_str_eq (seed->file, "--set");
  cr_assert_eq (seed->file, g_intern_string ("--set"));
  assert_at (seed, FS_NODE_SCALAR, 3, 6);
  /* The key keeps its place in the file. */
  assert_at (fs_node_key (root, 1), FS_NODE_SCALAR, 2, 1);
  cr_assert_eq (fs_node_len (root), 4);
}

Test (set, reaches_a_list_item_by_index)
{
  g_autoptr (FsNode) root = load_ok (scenario);
  const FsNode *kind;

  set_ok (root, "sites.1.kind=cloud-region", 1);
  kind = fs_node_get (fs_node_item (fs_node_get (root, "sites"), 1), "kind");
  assert_scalar (kind, "cloud-region", FALSE);
  assert_at (kind, FS_NODE_SCALAR, 1, 14);
}

Test (set, reaches_a_list_item_by_its_name)
{
  g_autoptr (FsNode) root = load_ok (scenario);

  set_ok (root, "sites.primary.kind=branch", 2);
  assert_scalar (fs_node_get (fs_node_item (fs_node_get (root, "sites"), 0), "kind"), "branch",
                 FALSE);
  assert_scalar (fs_node_get (fs_node_item (fs_node_get (root, "sites"), 1), "kind"), "branch",
                 FALSE);
}

Test (set, replaces_a_scalar_list_item)
{
  g_autoptr (FsNode) root = load_ok ("regions: [eu, us]\n");

  set_ok (root, "regions.1=ap", 1);
  assert_scalar (fs_node_item (fs_node_get (root, "regions"), 1), "ap", FALSE);
}

Test (set, adds_a_missing_final_key_to_an_existing_mapping)
{
  g_autoptr (FsNode) root = load_ok (scenario);
  const FsNode *backup;

  set_ok (root, "sites.backup.region=eu-west", 4);
  backup = fs_node_item (fs_node_get (root, "sites"), 1);
  cr_assert_eq (fs_node_len (backup), 3);
  assert_scalar (fs_node_key (backup, 2), "region", FALSE);
  assert_at (fs_node_key (backup, 2), FS_NODE_SCALAR, 4, 14);
  cr_assert_str_eq (fs_node_key (backup, 2)->file, "--set");
  assert_scalar (fs_node_get (backup, "region"), "eu-west", FALSE);
  assert_at (fs_node_get (backup, "region"), FS_NODE_SCALAR, 4, 21);

  set_ok (root, "horizon=30d", 5);
  assert_scalar (fs_node_get (root, "horizon"), "30d", FALSE);
}

Test (set, a_quoted_value_is_kept_as_text_without_its_quotes)
{
  g_autoptr (FsNode) root = load_ok (scenario);

  set_ok (root, "seed='42'", 1);
  assert_scalar (fs_node_get (root, "seed"), "42", TRUE);
  assert_at (fs_node_get (root, "seed"), FS_NODE_SCALAR, 1, 6);
  set_ok (root, "name=\"a b\"", 2);
  assert_scalar (fs_node_get (root, "name"), "a b", TRUE);
  set_ok (root, "name=''", 3);
  assert_scalar (fs_node_get (root, "name"), "", TRUE);
  /* Unmatched quotes are part of the text. */
  set_ok (root, "name='a\"", 4);
  assert_scalar (fs_node_get (root, "name"), "'a\"", FALSE);
  set_ok (root, "name='", 5);
  assert_scalar (fs_node_get (root, "name"), "'", FALSE);
}

Test (set, the_value_is_everything_after_the_first_equals_sign)
{
  g_autoptr (FsNode) root = load_ok (scenario);

  set_ok (root, "name=a=b", 1);
  assert_scalar (fs_node_get (root, "name"), "a=b", FALSE);
  set_ok (root, "name=", 2);
  assert_scalar (fs_node_get (root, "name"), "", FALSE);
}

Test (set, without_an_equals_sign_or_a_path_is_refused)
{
  assert_set_fails ("seed", 1, "--set:1:1: error: --set expects KEY=VALUE, got 'seed'");
  assert_set_fails ("=5", 2, "--set:2:1: error: --set expects KEY=VALUE, got '=5'");
}

Test (set, a_missing_key_suggests_the_closest)
{
  assert_set_fails ("sites.primay.kind=branch", 1,
                    "--set:1:7: error: --set sites.primay.kind: no 'primay' under 'sites'; "
                    "did you mean 'primary'?");
  assert_set_fails ("sits.primary.kind=branch", 2,
                    "--set:2:1: error: --set sits.primary.kind: no 'sits' at the top level; "
                    "did you mean 'sites'?");
  assert_set_fails ("sites.backup.kimd.x=1", 3,
                    "--set:3:14: error: --set sites.backup.kimd.x: no 'kimd' under "
                    "'sites.backup'; did you mean 'kind'?");
}

Test (set, a_missing_key_without_a_close_one_says_so)
{
  assert_set_fails ("dns.ttl=5s", 4, "--set:4:1: error: --set dns.ttl: no 'dns' at the top level");
}

Test (set, an_index_out_of_range_is_refused)
{
  assert_set_fails ("sites.2.kind=branch", 1,
                    "--set:1:7: error: --set sites.2.kind: no item 2 in 'sites', which has 2 "
                    "(numbered from 0)");
  assert_set_fails ("sites.99999999999999999999.kind=x", 2,
                    "--set:2:7: error: --set sites.99999999999999999999.kind: no item "
                    "99999999999999999999 in 'sites', which has 2 (numbered from 0)");
}

Test (set, a_list_or_mapping_cannot_become_a_single_value)
{
  assert_set_fails ("timeline=none", 1,
                    "--set:1:1: error: --set timeline: 'timeline' is a list, not a single value");
  assert_set_fails ("sites.backup=x", 2,
                    "--set:2:7: error: --set sites.backup: 'backup' is a mapping, not a single "
                    "value");
}

Test (set, a_single_value_has_no_keys_under_it)
{
  assert_set_fails ("name.first=x", 1,
                    "--set:1:6: error: --set name.first: 'name' is a single value, so it has "
                    "no 'first'");
}

Test (set, an_empty_path_segment_is_refused)
{
  assert_set_fails ("sites..kind=x", 1,
                    "--set:1:7: error: --set sites..kind: an empty key in the path");
  assert_set_fails ("seed.=x", 2, "--set:2:6: error: --set seed.: an empty key in the path");
}

Test (set, a_failed_set_leaves_the_tree_unchanged)
{
  g_autoptr (FsNode) root = load_ok (scenario);

  cr_assert_not (fs_node_apply_set (root, "sites.nowhere.kind=x", 1, NULL));
  cr_assert_eq (fs_node_len (root), 4);
  cr_assert_eq (fs_node_len (fs_node_item (fs_node_get (root, "sites"), 0)), 2);
}
