/* teicorpus.c: TEI corpus export (library part). Being written: issue 8. */
#include "teicorpus.h"
typedef int S_being_written;
