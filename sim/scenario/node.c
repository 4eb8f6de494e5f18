/* node.c: work in progress */
typedef int fs_placeholder_node;
