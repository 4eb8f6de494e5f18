/* cmd-validate.c: work in progress */
typedef int fs_placeholder_cmd_validate;
