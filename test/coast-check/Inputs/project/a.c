// Errors with notes and fix-its, and the shared header's error.
#include "shared.h"

async int load(int id);

async int twice(int id) {
  load(id);
  return await(load(id));
}

int sync_caller(int id) { return load(id); }
