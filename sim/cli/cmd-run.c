/* cmd-run.c: work in progress */
typedef int fs_placeholder_cmd_run;
