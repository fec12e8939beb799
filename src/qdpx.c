/* qdpx.c: REFI-QDA project and codebook export (library part). Being written: issue 8. */
#include "qdpx.h"
typedef int S_being_written;
