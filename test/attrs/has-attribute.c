// __has_attribute(async) is 1 with the plugin and 0 without, and coast.h
// switches on it: COAST_PLUGIN is defined exactly when the plugin is loaded.
// RUN: %coast -fsyntax-only -DEXPECT=1 %s
// RUN: %coast -std=c2x -fsyntax-only -DEXPECT=1 -DC23 %s
// RUN: %plain -fsyntax-only -DEXPECT=0 %s
// RUN: %plain -std=c2x -fsyntax-only -DEXPECT=0 -DC23 %s
// RUN: %gcc -std=c11 -fsyntax-only -DEXPECT=0 %s
// RUN: %coast -E -dM -DEXPECT=1 %s | FileCheck --check-prefix=PLUGIN %s
// RUN: %plain -E -dM -DEXPECT=0 %s | FileCheck --check-prefix=PLAIN --implicit-check-not=COAST_PLUGIN %s

// Before coast.h defines the keyword macros.
#if __has_attribute(async) != EXPECT || __has_attribute(__async__) != EXPECT
#error "__has_attribute(async) is wrong"
#endif
#if __has_attribute(box_async) != EXPECT ||                                    \
    __has_attribute(returns_send) != EXPECT ||                                 \
    __has_attribute(not_send) != EXPECT ||                                     \
    __has_attribute(must_destruct) != EXPECT
#error "__has_attribute of a coast attribute is wrong"
#endif
#ifdef C23
#if __has_c_attribute(coast::async) != EXPECT ||                               \
    __has_c_attribute(coast::__async__) != EXPECT
#error "__has_c_attribute(coast::async) is wrong"
#endif
#endif

#include <coast.h>

#if defined(COAST_PLUGIN) != EXPECT
#error "coast.h detected the plugin wrongly"
#endif

// PLUGIN-DAG: #define COAST_PLUGIN 1
// PLUGIN-DAG: #define coast_async __attribute__((__async__))
// PLAIN: #define coast_async {{$}}
