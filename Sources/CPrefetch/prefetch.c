// The module is header-only; SwiftPM wants one source file in a C target.
#include "prefetch.h"
