/* stats.c: (being written) */
typedef int S_placeholder_stats;
