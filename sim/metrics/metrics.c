/* metrics.c: work in progress */
typedef int fs_placeholder_metrics;
