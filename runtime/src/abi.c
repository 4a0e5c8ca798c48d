/*
 * abi.c - the ABI version every program built with the plugin references
 * (coast.h, docs/future-abi.md "ABI version").  Renamed, never kept beside
 * the old name, on every change a program built against one header cannot
 * survive with another library.
 */
#include <coast/runtime.h>

COAST_EXTERN const char coast__abi_3[] = "coast ABI 3";
