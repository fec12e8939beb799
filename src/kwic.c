/* kwic.c: (being written) */
typedef int S_placeholder_kwic;
